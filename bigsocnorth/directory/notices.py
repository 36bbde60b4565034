"""What the directory tells people, and what in it they may follow.

The directory calls these inside the transactions that change entries (its
change hook in content.py) and editor requests, so a notice exists exactly
when its change does. What people may follow is declared in content.py.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from bigsocnorth.directory.models import EditorRequest, Entry, RequestStatus
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.notifications.services import (
    announcement_claim,
    notify,
    notify_followers,
    notify_followers_each_once,
)


class Kind:
    """The kinds of notification the directory makes (stored on each notification)."""

    ENTRY_PUBLISHED = "directory.entry_published"  # to its editors
    NEW_ENTRY = "directory.new_entry"  # to followers of its areas and categories
    ENTRY_UPDATED = "directory.entry_updated"
    EDITOR_REQUEST = "directory.editor_request"
    EDITOR_REQUEST_DECIDED = "directory.editor_request_decided"


def entry_published_notify(*, entry: Entry, actor=None) -> int:
    """Announce a newly published entry; returns how many people were told.

    Its editors hear "Your entry … was published"; followers of its areas
    (entry.areas), of its categories and of its areas' regions hear that
    there is a new entry, each person once, with the most specific message:
    editor, then local authority, then category, then region. `actor`, who
    published it (the author publishing directly), is not told. At most
    once per entry, ever. Call inside the transaction that publishes it;
    the queries do not grow with the number of followers.
    """
    if not announcement_claim(key=Kind.NEW_ENTRY, target=entry):
        return 0
    url = entry.get_absolute_url()
    told: set[int] = set()
    if actor is not None:
        told.add(actor.pk)

    editors = set(entry.editors.values_list("pk", flat=True))
    if entry.author_id:
        editors.add(entry.author_id)
    editors -= told
    count = len(
        notify(
            recipients=editors,
            kind=Kind.ENTRY_PUBLISHED,
            message=_("Your entry “%(name)s” was published.") % {"name": entry.name},
            url=url,
            actor=actor,
            target=entry,
        )
    )
    told |= editors

    areas = list(entry.areas.select_related("region").defer("boundary").order_by("name"))
    categories = list(entry.categories.all())
    regions = list({area.region.pk: area.region for area in areas}.values())
    # Most specific first: the first group a follower is in is the message they get.
    groups = [
        (
            area,
            _("A new entry in %(area)s: “%(name)s”") % {"area": area.name, "name": entry.name},
        )
        for area in areas
    ]
    groups += [
        (
            category,
            _("A new entry in the category %(category)s: “%(name)s”")
            % {"category": category.name, "name": entry.name},
        )
        for category in categories
    ]
    groups += [
        (
            region,
            _("A new entry in %(region)s: “%(name)s”")
            % {"region": region.name_in_sentence, "name": entry.name},
        )
        for region in regions
    ]
    author = entry.author if entry.author_id else None
    return count + notify_followers_each_once(
        groups=groups,
        kind=Kind.NEW_ENTRY,
        url=url,
        actor=actor or author,
        target=entry,
        told=told,
    )


def entry_updated_notify(*, entry: Entry, actor) -> int:
    """Tell the entry's followers it changed (published entries only); returns how many.

    The person who changed it is not told; followers who have not yet read
    the last "changed" notice about this entry are not told again.
    """
    if not is_public(entry):
        return 0
    return len(
        notify_followers(
            targets=[entry],
            kind=Kind.ENTRY_UPDATED,
            message=_("“%(name)s” was updated.") % {"name": entry.name},
            url=entry.get_absolute_url(),
            actor=actor,
            target=entry,
            collapse_unread=True,
        )
    )


def _editors_url(entry: Entry) -> str:
    try:
        return reverse("directory:entry_editors", kwargs={"slug": entry.slug})
    except NoReverseMatch:
        return entry.get_absolute_url()


def editor_request_notify(*, request: EditorRequest) -> int:
    """Tell the entry's editors that someone asked to become one; returns how many.

    The message does not name the requester (the page shows who, while
    their account exists).
    """
    entry = request.entry
    return len(
        notify(
            recipients=entry.editors.values_list("pk", flat=True),
            kind=Kind.EDITOR_REQUEST,
            message=_("Someone asked to become an editor of your entry “%(name)s”.")
            % {"name": entry.name},
            url=_editors_url(entry),
            actor=request.requester,
            target=entry,
        )
    )


def editor_request_decided_notify(*, request: EditorRequest) -> int:
    """Tell the requester the answer to their request; returns 1, or 0 if not told."""
    entry = request.entry
    if request.status == RequestStatus.APPROVED:
        message = _("You are now an editor of “%(name)s”.") % {"name": entry.name}
    elif request.status == RequestStatus.DECLINED:
        message = _("Your request to become an editor of “%(name)s” was declined.") % {
            "name": entry.name
        }
    else:
        return 0
    return len(
        notify(
            recipients=[request.requester_id],
            kind=Kind.EDITOR_REQUEST_DECIDED,
            message=message,
            url=entry.get_absolute_url(),
            actor=request.decided_by,
            target=entry,
        )
    )
