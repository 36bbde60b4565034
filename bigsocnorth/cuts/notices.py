"""What threats and cuts tell people: a new cut in what they follow, a timeline that moved.

Called from the change hooks (content.py), inside the transaction of the
change, so a notice exists exactly when its change does.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from bigsocnorth.cuts.choices import EntryKind
from bigsocnorth.cuts.models import Cut, TimelineEntry
from bigsocnorth.notifications.services import (
    announcement_claim,
    notify,
    notify_followers_each_once,
)


class Kind:
    CUT_PUBLISHED = "cuts.cut_published"  # to its author
    NEW_CUT = "cuts.new_cut"  # to followers of its area, region, council and entry
    TIMELINE = "cuts.timeline"  # to followers of the cut, when its timeline moves


def _area_groups(cut: Cut, message_in: str) -> list:
    groups = []
    if cut.entry_id:
        groups.append((cut.entry, message_in % {"where": cut.entry.name, "title": cut.title}))
    decider = cut.decided_by_authority
    if decider is not None and decider.pk != cut.local_authority_id:
        groups.append((decider, message_in % {"where": decider.name, "title": cut.title}))
    area = cut.local_authority
    groups.append((area, message_in % {"where": area.name, "title": cut.title}))
    groups.append(
        (area.region, message_in % {"where": area.region.name_in_sentence, "title": cut.title})
    )
    return groups


def cut_published_notify(*, cut: Cut, actor=None) -> int:
    """A newly published cut, once ever: its author, and followers of where it is."""
    if not announcement_claim(key=Kind.NEW_CUT, target=cut):
        return 0
    url = cut.get_absolute_url()
    told: set[int] = set()
    if actor is not None:
        told.add(actor.pk)
    count = 0
    if cut.author_id and cut.author_id not in told:
        count += len(
            notify(
                recipients=[cut.author_id],
                kind=Kind.CUT_PUBLISHED,
                message=_("Your report “%(title)s” was published.") % {"title": cut.title},
                url=url,
                actor=actor,
                target=cut,
            )
        )
        told.add(cut.author_id)
    if cut.reporter_email and cut.reporter_email_confirmed:
        address, title = cut.reporter_email, cut.title
        transaction.on_commit(lambda: _tell_reporter(address, title, url))
    return count + notify_followers_each_once(
        groups=_area_groups(cut, _("A threat or cut in %(where)s: “%(title)s”")),
        kind=Kind.NEW_CUT,
        url=url,
        actor=actor or (cut.author if cut.author_id else None),
        target=cut,
        told=told,
    )


def _tell_reporter(address: str, title: str, url: str) -> None:
    from django.conf import settings

    send_mail(
        subject=_("Your report is published: %(title)s") % {"title": title},
        message=_(
            "Thank you for reporting “%(title)s”. It is now public:\n\n%(url)s\n\n"
            "We will not write to you again about it."
        )
        % {"title": title, "url": settings.SITE_URL.rstrip("/") + url},
        from_email=None,
        recipient_list=[address],
    )


def timeline_moved_notify(*, entry: TimelineEntry) -> int:
    """A new public entry on a cut's timeline: followers of the cut, its group, the council
    deciding and its area, each once per entry."""
    if entry.kind == EntryKind.REPORTED:
        return 0
    if not announcement_claim(key=Kind.TIMELINE, target=entry):
        return 0
    cut = entry.cut
    if entry.kind == EntryKind.STATE:
        message = _("“%(title)s” is now: %(state)s") % {
            "title": cut.title,
            "state": entry.get_state_display(),
        }
    else:
        message = _("“%(title)s”: %(kind)s") % {
            "title": cut.title,
            "kind": entry.get_kind_display(),
        }
    # Followers of the cut first; then of what it affects, who decides and
    # where (not the whole region: a region's followers hear of new cuts).
    groups = [(cut, message)]
    if cut.entry_id:
        groups.append((cut.entry, message))
    if cut.decided_by_authority_id:
        groups.append((cut.decided_by_authority, message))
    groups.append((cut.local_authority, message))
    return notify_followers_each_once(
        groups=groups,
        kind=Kind.TIMELINE,
        url=entry.get_absolute_url(),
        actor=entry.author if entry.author_id else None,
        target=cut,
    )
