"""What gatherings tell people: a new gathering where they follow, a change to one they
are going to, a place freed from the waiting list, and guests' emails.

Called inside the transaction of the change: in-app notices exist exactly
when their change does, and emails are handed to the task queue only once
it commits (django.core.mail's backend is the project's queue).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.events import links
from bigsocnorth.events.models import Gathering, Rsvp, RsvpState
from bigsocnorth.notifications.services import (
    announcement_claim,
    notify,
    notify_followers_each_once,
)


class Kind:
    PUBLISHED = "events.published"  # to its organiser
    NEW = "events.new"  # to followers of its organising groups, organiser, area and region
    CHANGED = "events.changed"  # to everyone going or waiting
    PROMOTED = "events.promoted"  # to someone moved up from the waiting list


def when_text(gathering: Gathering) -> str:
    """ "Tuesday 3 March 2026, 7:00pm" in Europe/London."""
    return moment_text(gathering.starts_at)


def moment_text(moment) -> str:
    """when_text for any time: one time of a series, say."""
    local = timezone.localtime(moment)
    hour = local.strftime("%I:%M%p").lstrip("0").lower()
    return f"{local:%A} {local.day} {local:%B %Y}, {hour}"


def _send_later(*, address: str, subject: str, body: str) -> None:
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])
    )


def _site_url(path: str) -> str:
    return settings.SITE_URL + path


def gathering_published_notify(*, gathering: Gathering, actor=None) -> int:
    """A newly published gathering, once ever: its organiser, and followers of the groups
    organising it, of its organiser, and of where it is (each person once, the first
    message that applies to them)."""
    if not announcement_claim(key=Kind.NEW, target=gathering):
        return 0
    url = gathering.get_absolute_url()
    told: set[int] = set()
    count = 0
    if actor is not None:
        told.add(actor.pk)
    if gathering.author_id and gathering.author_id not in told:
        count += len(
            notify(
                recipients=[gathering.author_id],
                kind=Kind.PUBLISHED,
                message=_("Your gathering “%(title)s” is published.") % {"title": gathering.title},
                url=url,
                target=gathering,
            )
        )
        told.add(gathering.author_id)
    message = _("A gathering in %(where)s: “%(title)s”, %(when)s")
    when = when_text(gathering)
    groups = [
        (entry, _("%(group)s is organising “%(title)s”, %(when)s")
         % {"group": entry.name, "title": gathering.title, "when": when})
        for entry in gathering.entries.all()
    ]  # fmt: skip
    # People follow a member through their profile (accounts/content.py).
    profile = getattr(gathering.author, "profile", None) if gathering.author_id else None
    if profile is not None:
        groups.append(
            (
                profile,
                _("%(person)s is organising “%(title)s”, %(when)s")
                % {"person": profile.display_name, "title": gathering.title, "when": when},
            )
        )
    area = gathering.local_authority
    if area is not None:
        groups.append(
            (area, message % {"where": area.name, "title": gathering.title, "when": when})
        )
        groups.append(
            (
                area.region,
                message
                % {"where": area.region.name_in_sentence, "title": gathering.title, "when": when},
            )
        )
    return count + notify_followers_each_once(
        groups=groups,
        kind=Kind.NEW,
        url=url,
        actor=actor or (gathering.author if gathering.author_id else None),
        target=gathering,
        told=told,
    )


def _guest_body(rsvp: Rsvp, text: str) -> str:
    gathering = rsvp.gathering
    return _(
        "Hello %(name)s,\n\n%(text)s\n\n%(title)s\n%(when)s\n%(url)s\n\n"
        "If you can no longer come, cancel here (no account needed):\n%(cancel)s\n"
    ) % {
        "name": rsvp.guest_name,
        "text": text,
        "title": gathering.title,
        "when": when_text(gathering),
        "url": _site_url(gathering.get_absolute_url()),
        "cancel": links.cancel_url(rsvp),
    }


def people_going_tell(*, gathering: Gathering, message: str, actor=None) -> int:
    """Tell everyone going or waiting: members in the app (and by email as they chose),
    guests by email. Two queries for the people, then one write; returns how many."""
    rsvps = list(
        gathering.rsvps.filter(state__in=(RsvpState.GOING, RsvpState.WAITING)).only(
            "pk", "user_id", "guest_name", "guest_email", "cancel_key", "state", "gathering_id"
        )
    )
    members = [rsvp.user_id for rsvp in rsvps if rsvp.user_id is not None]
    count = len(
        notify(
            recipients=members,
            kind=Kind.CHANGED,
            message=message,
            url=gathering.get_absolute_url(),
            actor=actor,
            target=gathering,
        )
    )
    for rsvp in rsvps:
        if rsvp.user_id is None and rsvp.guest_email:
            rsvp.gathering = gathering
            _send_later(
                address=rsvp.guest_email,
                subject=_("A change to “%(title)s”") % {"title": gathering.title},
                body=_guest_body(rsvp, message),
            )
            count += 1
    return count


def promoted_tell(*, rsvp: Rsvp) -> None:
    """A place came free and the first person waiting now has it."""
    gathering = rsvp.gathering
    message = _("A place came free: you are now going to “%(title)s”, %(when)s.") % {
        "title": gathering.title,
        "when": when_text(gathering),
    }
    if rsvp.user_id is not None:
        notify(
            recipients=[rsvp.user_id],
            kind=Kind.PROMOTED,
            message=message,
            url=gathering.get_absolute_url(),
            target=gathering,
        )
    elif rsvp.guest_email:
        _send_later(
            address=rsvp.guest_email,
            subject=_("You have a place at “%(title)s”") % {"title": gathering.title},
            body=_guest_body(rsvp, message),
        )


def guest_confirm_email(*, rsvp: Rsvp) -> None:
    """The one link that makes a guest's answer count. The address is shown to nobody."""
    gathering = rsvp.gathering
    _send_later(
        address=rsvp.guest_email,
        subject=_("Confirm your place at “%(title)s”") % {"title": gathering.title},
        body=_(
            "Hello %(name)s,\n\nSomeone, we hope you, said they are coming to “%(title)s”, "
            "%(when)s, on Big Society in the North. To confirm, open this link:\n\n%(link)s\n\n"
            "Your answer counts only once you confirm. If it was not you, ignore this email: "
            "we will not write again.\n"
        )
        % {
            "name": rsvp.guest_name,
            "title": gathering.title,
            "when": when_text(gathering),
            "link": links.confirm_url(rsvp),
        },
    )


def guest_already_email(*, rsvp: Rsvp) -> None:
    """Someone answered again with an address already going: tell the address, not the page."""
    _send_later(
        address=rsvp.guest_email,
        subject=_("You already have an answer for “%(title)s”") % {"title": rsvp.gathering.title},
        body=_guest_body(
            rsvp,
            _("This address already has an answer for this gathering: %(state)s.")
            % {"state": rsvp.get_state_display()},
        ),
    )


def guest_confirmed_email(*, rsvp: Rsvp) -> None:
    """What the guest's confirmed answer came to: going, or waiting for a place."""
    if rsvp.state == RsvpState.GOING:
        text = _("You are going. Thank you for letting the organisers know.")
    else:
        text = _(
            "It is full for now, so you are on the waiting list. If a place comes free, "
            "it is yours in turn and we will tell you."
        )
    _send_later(
        address=rsvp.guest_email,
        subject=_("Your answer for “%(title)s”") % {"title": rsvp.gathering.title},
        body=_guest_body(rsvp, text),
    )


# --- Needs and offers ------------------------------------------------------------------------


class NeedKind:
    OFFERED = "events.need_offered"  # to the organisers: someone offers to fill a need
    ANSWERED = "events.offer_answered"  # to the offerer: accepted or declined
    WITHDRAWN = "events.offer_withdrawn"  # to the organisers: an offer taken back
    REMOVED = "events.need_removed"  # to people offering: the need is gone


def _organiser_ids(gathering: Gathering) -> list[int]:
    ids = [person.pk for person in gathering.co_organisers.all()]
    if gathering.author_id:
        ids.append(gathering.author_id)
    return ids


def offer_made_tell(*, offer) -> None:
    need, gathering = offer.need, offer.need.gathering
    notify(
        recipients=_organiser_ids(gathering),
        kind=NeedKind.OFFERED,
        message=_("%(who)s offers to help with “%(need)s” for “%(title)s”.")
        % {"who": offer_who(offer), "need": need.get_kind_display(), "title": gathering.title},
        url=gathering.get_absolute_url() + "#needs-title",
        actor=offer.offered_by,
        target=gathering,
    )


def offer_answered_tell(*, offer, actor, accepted: bool) -> None:
    need, gathering = offer.need, offer.need.gathering
    if accepted:
        message = _("The organisers of “%(title)s” accepted your offer: %(need)s. Thank you!")
    else:
        message = _("The organisers of “%(title)s” said no thank you to your offer: %(need)s.")
    notify(
        recipients=[offer.offered_by_id],
        kind=NeedKind.ANSWERED,
        message=message % {"title": gathering.title, "need": need.get_kind_display()},
        url=gathering.get_absolute_url() + "#needs-title",
        actor=actor,
        target=gathering,
    )


def offer_withdrawn_tell(*, offer) -> None:
    need, gathering = offer.need, offer.need.gathering
    notify(
        recipients=_organiser_ids(gathering),
        kind=NeedKind.WITHDRAWN,
        message=_("%(who)s can no longer help with “%(need)s” for “%(title)s”.")
        % {"who": offer_who(offer), "need": need.get_kind_display(), "title": gathering.title},
        url=gathering.get_absolute_url() + "#needs-title",
        actor=offer.offered_by,
        target=gathering,
    )


def need_removed_tell(*, need, offerer_ids, actor) -> None:
    gathering = need.gathering
    notify(
        recipients=offerer_ids,
        kind=NeedKind.REMOVED,
        message=_("“%(title)s” no longer needs what you offered: %(need)s. Thank you all the same.")
        % {"title": gathering.title, "need": need.get_kind_display()},
        url=gathering.get_absolute_url(),
        actor=actor,
        target=gathering,
    )


def offer_who(offer) -> str:
    """The group the offer is for, else the member's name."""
    if offer.entry_id is not None:
        return offer.entry.name
    # Never str(user): without a profile that is the email address.
    profile = getattr(offer.offered_by, "profile", None)
    return profile.display_name if profile else _("A member")
