"""The day-before reminder: an email to everyone going to a gathering, sent by the scheduler.

"The day before" is the London calendar day: a time of a gathering on
Tuesday is reminded on Monday, from 9 am (so nobody is emailed in the night),
at the first scheduler tick after that. A gathering first published on
Monday afternoon for Tuesday is reminded at the next tick; one put on for
later the same day is not reminded at all, and nor is one whose day before
passed while the scheduler was down (a reminder on the day is no reminder).

Each gathering remembers the start of the time it was last reminded for
(`Gathering.reminded_for`). Each tick, in one transaction, the job locks the
public, not cancelled gatherings that may have a time tomorrow (one indexed
range on `last_ends_at`/`starts_at`; only repeating ones are expanded, in
Python), skipping rows another scheduler holds; keeps those whose time
tomorrow is not the one they were reminded for; marks them; and queues the
emails for the commit. So two schedulers never both send, a rolled-back
tick sends nothing, and a postponed gathering is reminded again for its new
time (never for the old one, which is no longer its time). A weekly series
is reminded once for each of its times.

Only people going are reminded, as they stand at that tick: members with an
active account who did not set their emails to "never" (notification
preferences), and guests whose address is confirmed (with their cancel
link). Someone who answers after the reminder went has just answered and
needs none. Query count: three, whatever the numbers of gatherings and
people; a tick does at most BATCH gatherings and the next tick carries on.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bigsocnorth.events import links, recurrence
from bigsocnorth.events.models import Gathering, GatheringState, Rsvp, RsvpState
from bigsocnorth.events.notices import _send_later, moment_text
from bigsocnorth.notifications.emails import unsubscribe_url
from bigsocnorth.notifications.models import EmailFrequency

logger = logging.getLogger(__name__)

SEND_FROM = time(9, 0)  # London: reminders for tomorrow go from this time of day
BATCH = 200  # gatherings per tick; a full batch leaves the rest to the next tick
ANSWER_ANCHOR = "#answer-title"  # where the gathering page says who is coming and lets you cancel


def tomorrow_window(now: datetime) -> tuple[datetime, datetime] | None:
    """The start and end of tomorrow on the London clock, or None before SEND_FROM today."""
    local = now.astimezone(recurrence.LONDON)
    if local.time() < SEND_FROM:
        return None
    tomorrow = local.date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=recurrence.LONDON)
    end = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=recurrence.LONDON)
    return start, end


def time_within(gathering: Gathering, *, start: datetime, end: datetime) -> datetime | None:
    """The start of the gathering's time in [start, end), or None. A series repeats at most
    weekly, so a day holds at most one of its times."""
    if not gathering.recurrence:
        return gathering.starts_at if start <= gathering.starts_at < end else None
    try:
        rule = recurrence.rule_parse(gathering.recurrence)
    except ValidationError:
        # Saved rules are checked on the way in; one that no longer reads is skipped, not fatal.
        logger.warning("Gathering %s has a repeat rule we cannot read", gathering.pk)
        return None
    for moment in recurrence.occurrences(rule, starts_at=gathering.starts_at):
        if moment >= end:
            return None
        if moment >= start:
            return moment
    return None


def _candidates(*, start: datetime, end: datetime) -> list[Gathering]:
    """Public, not cancelled gatherings that may have a time in [start, end), locked.

    Those never reminded, or reminded longest ago, come first, so gatherings
    already reminded for tomorrow cannot fill the batch and starve the rest.
    """
    return list(
        Gathering.objects.public()
        .exclude(state=GatheringState.CANCELLED)
        .filter(last_ends_at__gt=start, starts_at__lt=end)
        .filter(~Q(recurrence="") | Q(starts_at__gte=start))
        .exclude(recurrence="", reminded_for=F("starts_at"))
        .order_by(F("reminded_for").asc(nulls_first=True), "starts_at", "pk")
        .select_for_update(skip_locked=True, of=("self",))[:BATCH]
    )


def _when(moment: datetime) -> str:
    return moment_text(moment)


def _where_lines(gathering: Gathering) -> list[str]:
    """Where it is. Everyone reminded is going, so an online link meant for them is shown."""
    lines = []
    if gathering.in_person:
        venue = ", ".join(part for part in (gathering.venue_name, gathering.venue_address) if part)
        if venue:
            lines.append(_("Where: %(venue)s") % {"venue": venue})
        else:
            lines.append(_("Where: the venue is still to be confirmed, see the page."))
    if gathering.online:
        if gathering.online_url:
            lines.append(_("Online: %(link)s") % {"link": gathering.online_url})
        else:
            lines.append(_("Online: the organisers will put the link on the page."))
    return lines


def _details(gathering: Gathering, moment: datetime) -> str:
    lines = [
        _("What: %(title)s") % {"title": gathering.title},
        _("When: %(when)s (UK time)") % {"when": _when(moment)},
        *_where_lines(gathering),
    ]
    if gathering.state == GatheringState.POSTPONED:
        lines.append(_("It was postponed: this is its new time."))
    elif gathering.state == GatheringState.TENTATIVE:
        lines.append(_("The organisers have not confirmed it yet: check the page before you go."))
    lines.append(
        _("Everything about it: %(url)s")
        % {"url": settings.SITE_URL + gathering.get_absolute_url()}
    )
    return "\n".join(lines)


def _subject(gathering: Gathering) -> str:
    return _("Tomorrow: “%(title)s”") % {"title": gathering.title}


def member_reminder_body(*, rsvp: Rsvp, gathering: Gathering, moment: datetime) -> str:
    user = rsvp.user
    # Never str(user): without a profile that is the email address.
    profile = getattr(user, "profile", None)
    return _(
        "Hello %(name)s,\n\nA reminder that you are going to this tomorrow:\n\n%(details)s\n\n"
        "If you can no longer come, please cancel on the page, so that someone else "
        "can have your place:\n%(cancel)s\n\n"
        "You get this email because you said you are going. To stop reminders and "
        "notification emails from %(site)s:\n%(unsubscribe)s\n"
    ) % {
        "name": profile.display_name if profile else _("there"),
        "details": _details(gathering, moment),
        "cancel": settings.SITE_URL + gathering.get_absolute_url() + ANSWER_ANCHOR,
        "site": settings.SITE_NAME,
        "unsubscribe": unsubscribe_url(user=user),
    }


def guest_reminder_body(*, rsvp: Rsvp, gathering: Gathering, moment: datetime) -> str:
    return _(
        "Hello %(name)s,\n\nA reminder that you are going to this tomorrow:\n\n%(details)s\n\n"
        "If you can no longer come, cancel here (no account needed), so that someone "
        "else can have your place:\n%(cancel)s\n"
    ) % {
        "name": rsvp.guest_name,
        "details": _details(gathering, moment),
        "cancel": links.cancel_url(rsvp),
    }


def _wants_email(rsvp: Rsvp) -> bool:
    """A member with an active account who did not choose "never"; a confirmed guest."""
    if rsvp.user_id is None:
        return bool(rsvp.guest_email) and rsvp.email_confirmed_at is not None
    user = rsvp.user
    if not user.is_active or not user.email:
        return False
    preference = getattr(user, "notification_preference", None)
    return preference is None or preference.email_frequency != EmailFrequency.NEVER


# What the emails need: no password hashes or answers read for nothing.
_RSVP_FIELDS = (
    "gathering_id", "user", "guest_name", "guest_email", "email_confirmed_at", "cancel_key",
    "state", "user__email", "user__is_active", "user__profile__display_name",
    "user__notification_preference__email_frequency",
)  # fmt: skip


def _reminders_queue(gatherings: dict[int, tuple[Gathering, datetime]]) -> int:
    """Queue one email for each person going, sent once the transaction commits."""
    rsvps = (
        Rsvp.objects.filter(gathering_id__in=list(gatherings), state=RsvpState.GOING)
        .select_related("user__profile", "user__notification_preference")
        .only(*_RSVP_FIELDS)
        .order_by("gathering_id", "pk")
    )
    sent = 0
    for rsvp in rsvps:
        if not _wants_email(rsvp):
            continue
        gathering, moment = gatherings[rsvp.gathering_id]
        rsvp.gathering = gathering
        if rsvp.user_id is None:
            address = rsvp.guest_email
            body = guest_reminder_body(rsvp=rsvp, gathering=gathering, moment=moment)
        else:
            address = rsvp.user.email
            body = member_reminder_body(rsvp=rsvp, gathering=gathering, moment=moment)
        _send_later(address=address, subject=_subject(gathering), body=body)
        sent += 1
    return sent


def gathering_reminders_send(*, now: datetime | None = None) -> list[str]:
    """The scheduler job: remind everyone going to a gathering tomorrow, once per time.

    Safe to run from several schedulers at once and at every tick (see the
    module's docstring). Returns the lines worth logging.
    """
    now = now or timezone.now()
    window = tomorrow_window(now)
    if window is None:
        return []
    start, end = window
    # The worker has no request: write in the site's language.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        due: dict[int, tuple[Gathering, datetime]] = {}
        for gathering in _candidates(start=start, end=end):
            moment = time_within(gathering, start=start, end=end)
            if moment is not None and moment != gathering.reminded_for:
                gathering.reminded_for = moment
                due[gathering.pk] = (gathering, moment)
        if not due:
            return []
        Gathering.objects.bulk_update([pair[0] for pair in due.values()], ["reminded_for"])
        sent = _reminders_queue(due)
    return [f"gatherings: reminded {sent} people going to {len(due)} gatherings tomorrow"]
