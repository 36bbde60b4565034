"""Writing gatherings and answers to them: create, edit, change state, RSVP, the waiting list.

Every write checks everything first (a ValidationError with plain messages,
field by field, before anything is saved), then writes in one transaction.
Gatherings end with the content contract's fan-out (search, the map, notices);
RSVPs take places under a row lock on the gathering, so however many people
answer at once, the places taken never pass the capacity.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigsocnorth.core.fetch import url_refusal
from bigsocnorth.core.tags import tags_check
from bigsocnorth.events import links, notices, recurrence
from bigsocnorth.events.checks import add_error, bounded_number, bounded_text, clean_text
from bigsocnorth.events.models import Gathering, GatheringState, Rsvp, RsvpState
from bigsocnorth.events.permissions import can_create_gathering, check_edit_permission
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.permissions import is_public

# First parts of the list pages' addresses (urls.py), which a gathering's may not take.
RESERVED_SLUGS = {"new", "past", "rsvp", "export", "needs", "calendar", "calendars", "yours"}
LENGTH_MAX = timedelta(days=7)
REPEATING_LENGTH_MAX = timedelta(days=1)
AHEAD_MAX = timedelta(days=3 * 365)
ENTRIES_MAX = 5
TAGS_MAX = 10
ACCESS_FLAGS = (
    "step_free", "accessible_toilet", "hearing_loop", "bsl_interpretation", "quiet_room",
    "seating", "parking",
)  # fmt: skip
ANSWER_KEYS = ("dietary", "access")


def _aware(value) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        # A time typed into a form is a time in the North: Europe/London.
        return timezone.make_aware(value, recurrence.LONDON)
    return value


def _check_when(errors, values, *, existing: Gathering | None, now: datetime) -> dict:
    starts_at, ends_at = _aware(values.get("starts_at")), _aware(values.get("ends_at"))
    if starts_at is None:
        add_error(errors, "starts_at", _("Give the day and time it starts."))
    if ends_at is None:
        add_error(errors, "ends_at", _("Give the day and time it ends."))
    rule_text = clean_text(values.get("recurrence"))
    last_ends_at = ends_at
    if starts_at is None or ends_at is None:
        return {"starts_at": starts_at, "ends_at": ends_at, "recurrence": rule_text}
    moved = existing is None or existing.starts_at != starts_at
    if ends_at <= starts_at:
        add_error(errors, "ends_at", _("The end is before the start: check the day and the time."))
    elif ends_at - starts_at > LENGTH_MAX:
        add_error(errors, "ends_at", _("A gathering can last at most a week."))
    if moved and starts_at < now:
        add_error(errors, "starts_at", _("That time has already passed: choose a time to come."))
    elif starts_at - now > AHEAD_MAX:
        add_error(
            errors, "starts_at", _("That is more than three years away: choose a nearer time.")
        )
    if rule_text:
        try:
            rule = recurrence.rule_parse(rule_text)
            recurrence.rule_check(rule, starts_at=starts_at)
            rule_text = rule.as_text()
            if ends_at - starts_at > REPEATING_LENGTH_MAX:
                add_error(
                    errors,
                    "recurrence",
                    _("Each time of a repeating gathering lasts at most a day."),
                )
            elif ends_at > starts_at:
                last_ends_at = recurrence.last_end(
                    recurrence=rule_text, starts_at=starts_at, ends_at=ends_at
                )
        except ValidationError as error:
            for message in error.message_dict.get("recurrence", []):
                add_error(errors, "recurrence", message)
    return {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "recurrence": rule_text,
        "last_ends_at": last_ends_at,
    }


def _check_place(errors, values) -> dict:
    from bigsocnorth.places.services import place_check

    in_person, online = bool(values.get("in_person")), bool(values.get("online"))
    venue_wanted = in_person and bool(values.get("venue_wanted"))
    fields: dict = {"in_person": in_person, "online": online, "venue_wanted": venue_wanted}
    if not in_person and not online:
        add_error(errors, "in_person", _("Say whether it is in person, online, or both."))
    fields["venue_name"] = bounded_text(
        errors, "venue_name", values.get("venue_name"), maximum=Gathering.VENUE_MAX
    )
    fields["venue_address"] = bounded_text(
        errors, "venue_address", values.get("venue_address"), maximum=Gathering.ADDRESS_MAX
    )
    place = values.get("place")
    fields.update(
        place_name="", latitude=None, longitude=None, approximate_location=False,
        local_authority=None,
    )  # fmt: skip
    if in_person and place is None:
        add_error(errors, "place", _("Say where: a town, village or area, or a place on the map."))
    if in_person and not venue_wanted and not fields["venue_name"]:
        add_error(
            errors,
            "venue_name",
            _("Name the venue, or tick “venue wanted” if you are still looking for one."),
        )
    if not in_person or venue_wanted:
        fields["venue_address"] = "" if not in_person else fields["venue_address"]
        if not in_person:
            fields["venue_name"] = ""
    if place is not None:
        fields["local_authority"] = place.local_authority
        fields["place_name"] = clean_text(place.name)[:120]
        fields["approximate_location"] = bool(place.approximate)
        if place.latitude is not None:
            try:
                checked = place_check(latitude=place.latitude, longitude=place.longitude)
            except ValidationError as error:
                add_error(errors, "place", error.messages[0])
            else:
                public = place.public_point
                fields["latitude"], fields["longitude"] = public
                fields["local_authority"] = checked.local_authority
    url = clean_text(values.get("online_url"))
    if online and not url:
        add_error(errors, "online_url", _("Give the link people use to join."))
    elif online:
        if len(url) > Gathering.URL_MAX:
            add_error(errors, "online_url", _("That link is too long."))
        else:
            refusal = url_refusal(url, allowed_networks=())
            if refusal:
                add_error(errors, "online_url", refusal)
    fields["online_url"] = url if online else ""
    fields["online_url_going_only"] = bool(values.get("online_url_going_only", True))
    return fields


def _check_entries(errors, values, *, author) -> list:
    from bigsocnorth.directory.permissions import can_edit_entry

    entries = list(values.get("entries") or [])
    if len(entries) > ENTRIES_MAX:
        add_error(errors, "entries", _("Name at most %(max)d groups.") % {"max": ENTRIES_MAX})
        return []
    for entry in entries:
        if isinstance(entry, str) or not is_public(entry):
            add_error(errors, "entries", _("Choose groups from the directory."))
            return []
        if not can_edit_entry(user=author, entry=entry):
            add_error(
                errors,
                "entries",
                _("You can name “%(name)s” only if you look after its directory entry.")
                % {"name": entry.name},
            )
            return []
    return entries


def check_gathering_fields(
    values: dict, *, author, existing: Gathering | None = None, now: datetime | None = None
) -> tuple[dict, list]:
    """The fields of a gathering as stored, and its organising groups; or ValidationError
    naming every problem at once."""
    now = now or timezone.now()
    errors: dict[str, list] = {}
    fields: dict = {}
    fields["title"] = bounded_text(
        errors, "title", values.get("title"), maximum=Gathering.TITLE_MAX,
        required=_("Give the gathering a title."),
    )  # fmt: skip
    fields["description"] = bounded_text(
        errors, "description", values.get("description"), maximum=Gathering.DESCRIPTION_MAX,
        required=_("Say what the gathering is, and who it is for."), newlines=True,
    )  # fmt: skip
    try:
        fields["tags"] = tags_check(values.get("tags"), max_count=TAGS_MAX, max_total=400)
    except ValidationError as error:
        add_error(errors, "tags", error.messages[0])
    fields.update(_check_when(errors, values, existing=existing, now=now))
    fields.update(_check_place(errors, values))
    fields["capacity"] = bounded_number(
        errors, "capacity", values.get("capacity"), low=1, high=Gathering.CAPACITY_MAX,
        message=_("Give a number of places from 1 to 10,000, or leave it empty for no limit."),
    )  # fmt: skip
    fields["plus_ones_allowed"] = bounded_number(
        errors, "plus_ones_allowed", values.get("plus_ones_allowed"), low=0,
        high=Gathering.PLUS_ONES_MAX, empty=0,
        message=_("Each person can bring from 0 to %(max)d guests.")
        % {"max": Gathering.PLUS_ONES_MAX},
    )  # fmt: skip
    for name in ("ask_dietary", "ask_access"):
        fields[name] = bool(values.get(name))
    for name in ACCESS_FLAGS:
        value = values.get(name)
        fields[name] = value if value in (True, False) else None
    for name in ("public_transport", "access_contact"):
        fields[name] = bounded_text(
            errors, name, values.get(name), maximum=Gathering.ACCESS_TEXT_MAX
        )
    fields["access_notes"] = bounded_text(
        errors, "access_notes", values.get("access_notes"), maximum=Gathering.ACCESS_NOTES_MAX,
        newlines=True,
    )  # fmt: skip
    if existing is None:
        state = values.get("state") or GatheringState.CONFIRMED
        if state not in (GatheringState.TENTATIVE, GatheringState.CONFIRMED):
            add_error(errors, "state", _("A new gathering is either confirmed or to be confirmed."))
        fields["state"] = state
    entries = _check_entries(errors, values, author=author)
    if existing is not None and fields.get("capacity") is not None:
        taken = places_taken(existing)
        if fields["capacity"] < taken:
            add_error(
                errors,
                "capacity",
                _("%(taken)s places are already taken: the capacity cannot be lower.")
                % {"taken": taken},
            )
    if errors:
        raise ValidationError(errors)
    return fields, entries


def gathering_unique_slug(title: str) -> str:
    base = slugify(title)[:160].strip("-") or "gathering"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Gathering.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def gathering_create(*, author, values: dict) -> Gathering:
    """A new gathering organised by `author`; a new member's first ones go to review."""
    if not can_create_gathering(author):
        raise PermissionDenied(_("Sign in to organise a gathering."))
    fields, entries = check_gathering_fields(values, author=author)
    gathering = Gathering(author=author, **fields)
    with transaction.atomic():
        gathering.slug = gathering_unique_slug(gathering.title)
        lifecycle.status_stamp(gathering, lifecycle.initial_status(author=author))
        gathering.save()
        gathering.entries.set(entries)
        content_changed(gathering, previous_status=None)
    return gathering


# What, when changed, the people going are told about.
_TOLD_FIELDS = (
    "starts_at", "ends_at", "recurrence", "venue_name", "venue_address", "place_name",
    "latitude", "longitude", "online", "in_person", "online_url",
)  # fmt: skip


def gathering_edit(*, actor, gathering: Gathering, values: dict) -> Gathering:
    """Change what a gathering is, when and where (not its state: see the verbs below).

    People going hear of a new time or place; a larger capacity moves the
    waiting list up.
    """
    check_edit_permission(actor, gathering)
    fields, entries = check_gathering_fields(values, author=actor, existing=gathering)
    fields.pop("state", None)
    changed = [name for name in _TOLD_FIELDS if getattr(gathering, name) != fields[name]]
    with transaction.atomic():
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        if fields["capacity"] is not None and fields["capacity"] < places_taken(locked):
            raise ValidationError(
                {"capacity": [_("More places were taken meanwhile: the capacity cannot be lower.")]}
            )
        for name, value in fields.items():
            setattr(gathering, name, value)
        gathering.save()
        gathering.entries.set(entries)
        content_changed(gathering, previous_status=gathering.status)
        if changed:
            notices.people_going_tell(
                gathering=gathering,
                message=_("“%(title)s” has changed: it is now %(when)s. Check the details.")
                % {"title": gathering.title, "when": notices.when_text(gathering)},
                actor=actor,
            )
        waiting_list_move_up(gathering)
    return gathering


# --- Its state: confirmed, postponed, cancelled --------------------------------------------


def _state_change(*, actor, gathering: Gathering, state: str, note: str, message: str, **extra):
    with transaction.atomic():
        for name, value in extra.items():
            setattr(gathering, name, value)
        gathering.state = state
        gathering.state_note = note
        gathering.save()
        content_changed(gathering, previous_status=gathering.status)
        notices.people_going_tell(gathering=gathering, message=message, actor=actor)
    return gathering


def _check_note(note) -> str:
    errors: dict = {}
    text = bounded_text(errors, "note", note, maximum=Gathering.NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    return text


def gathering_confirm(*, actor, gathering: Gathering, note: str = "") -> Gathering:
    """A tentative (or postponed) gathering is going ahead."""
    check_edit_permission(actor, gathering)
    note = _check_note(note)
    if gathering.state == GatheringState.CANCELLED:
        raise ValidationError({"state": [_("A cancelled gathering cannot be confirmed.")]})
    if gathering.state == GatheringState.CONFIRMED:
        raise ValidationError({"state": [_("It is already confirmed.")]})
    return _state_change(
        actor=actor, gathering=gathering, state=GatheringState.CONFIRMED, note=note,
        message=_("“%(title)s” is confirmed: %(when)s.")
        % {"title": gathering.title, "when": notices.when_text(gathering)},
    )  # fmt: skip


def gathering_postpone(
    *, actor, gathering: Gathering, starts_at, ends_at, note: str = "", now=None
) -> Gathering:
    """Move it to a new date; everyone going hears the new one (their places are kept)."""
    check_edit_permission(actor, gathering)
    if gathering.state == GatheringState.CANCELLED:
        raise ValidationError({"state": [_("A cancelled gathering cannot be postponed.")]})
    errors: dict = {}
    when = _check_when(
        errors,
        {"starts_at": starts_at, "ends_at": ends_at, "recurrence": gathering.recurrence},
        existing=None,
        now=now or timezone.now(),
    )
    note = bounded_text(errors, "note", note, maximum=Gathering.NOTE_MAX)
    if not errors and when["starts_at"] <= gathering.starts_at:
        add_error(errors, "starts_at", _("A postponed gathering moves to a later time."))
    if errors:
        raise ValidationError(errors)
    previous = gathering.starts_at
    gathering.starts_at, gathering.ends_at = when["starts_at"], when["ends_at"]
    gathering.last_ends_at = when["last_ends_at"]
    return _state_change(
        actor=actor, gathering=gathering, state=GatheringState.POSTPONED, note=note,
        postponed_from=previous,
        message=_("“%(title)s” is postponed to %(when)s.")
        % {"title": gathering.title, "when": notices.when_text(gathering)},
    )  # fmt: skip


def gathering_cancel(*, actor, gathering: Gathering, note: str = "") -> Gathering:
    """Call it off. Everyone going hears; nobody can answer any more."""
    check_edit_permission(actor, gathering)
    note = _check_note(note)
    if gathering.state == GatheringState.CANCELLED:
        raise ValidationError({"state": [_("It is already cancelled.")]})
    message = _("“%(title)s” (%(when)s) is cancelled.") % {
        "title": gathering.title,
        "when": notices.when_text(gathering),
    }
    if note:
        message = f"{message} {note}"
    return _state_change(
        actor=actor, gathering=gathering, state=GatheringState.CANCELLED, note=note,
        message=message,
    )  # fmt: skip


# --- Answers: RSVPs and the waiting list -----------------------------------------------------


def places_taken(gathering: Gathering) -> int:
    """Places taken by people going (each with their plus-ones). Count inside the lock."""
    found = gathering.rsvps.filter(state=RsvpState.GOING).aggregate(
        people=Count("pk"), plus_ones=Sum("plus_ones")
    )
    return found["people"] + (found["plus_ones"] or 0)


def check_rsvp_open(gathering: Gathering, *, now: datetime | None = None) -> None:
    """Answers are taken for a public gathering that is neither cancelled nor over."""
    now = now or timezone.now()
    if not is_public(gathering):
        raise ValidationError({"__all__": [_("This gathering is not open for answers yet.")]})
    if gathering.state == GatheringState.CANCELLED:
        raise ValidationError({"__all__": [_("This gathering is cancelled.")]})
    if gathering.last_ends_at <= now:
        raise ValidationError({"__all__": [_("This gathering has already happened.")]})


def _check_answer(gathering: Gathering, *, plus_ones, answers) -> tuple[int, dict]:
    errors: dict = {}
    allowed = gathering.plus_ones_allowed
    number = bounded_number(
        errors, "plus_ones", plus_ones, low=0, high=allowed, empty=0,
        message=(
            _("This gathering is for you alone: no guests with you.")
            if allowed == 0
            else _("You can bring from 0 to %(max)d guests.") % {"max": allowed}
        ),
    )  # fmt: skip
    answers = answers if isinstance(answers, dict) else {}
    kept = {}
    for key, asked in (("dietary", gathering.ask_dietary), ("access", gathering.ask_access)):
        if asked:
            text = bounded_text(
                errors, key, answers.get(key), maximum=Rsvp.ANSWER_MAX, newlines=True
            )
            if text:
                kept[key] = text
    if errors:
        raise ValidationError(errors)
    return number, kept


def _take_places(locked: Gathering, rsvp: Rsvp, *, now: datetime) -> None:
    """Going if the party fits (and nobody is waiting before it), else waiting. In the lock."""
    rsvp.joined_at = now
    if locked.capacity is None:
        rsvp.state = RsvpState.GOING
        return
    queue = locked.rsvps.filter(state=RsvpState.WAITING).exclude(pk=rsvp.pk).exists()
    fits = places_taken(locked) + rsvp.places <= locked.capacity
    rsvp.state = RsvpState.GOING if fits and not queue else RsvpState.WAITING


def _locked(gathering: Gathering) -> Gathering:
    # A row lock on PostgreSQL; on SQLite the IMMEDIATE transaction already
    # holds the database's write lock, so the count below is the only count.
    return Gathering.objects.select_for_update().get(pk=gathering.pk)


def rsvp_member(*, user, gathering: Gathering, plus_ones=0, answers=None, now=None) -> Rsvp:
    """A member says they are coming: going if there is room, else on the waiting list."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to answer as a member."))
    plus_ones, answers = _check_answer(gathering, plus_ones=plus_ones, answers=answers)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(gathering)
        check_rsvp_open(locked, now=now)
        rsvp = Rsvp.objects.filter(gathering=locked, user=user).first()
        if rsvp is not None and rsvp.state != RsvpState.CANCELLED:
            raise ValidationError(
                {"__all__": [_("You have already answered: you are %(state)s.")
                             % {"state": rsvp.get_state_display().lower()}]}
            )  # fmt: skip
        rsvp = rsvp or Rsvp(gathering=locked, user=user)
        rsvp.plus_ones, rsvp.answers = plus_ones, answers
        rsvp.cancel_key = links.new_key()
        _take_places(locked, rsvp, now=now)
        rsvp.save()
    return rsvp


class AlreadyAnswered(ValidationError):
    """The address already has an answer: the page must not say so (the email does)."""

    def __init__(self, rsvp: Rsvp):
        super().__init__({"__all__": [_("This address already has an answer.")]})
        self.rsvp = rsvp


def _check_guest(name, email) -> tuple[str, str]:
    errors: dict = {}
    name = bounded_text(errors, "name", name, maximum=Rsvp.NAME_MAX, required=_("Give your name."))
    address = clean_text(email).lower()
    try:
        if not address or len(address) > 254:
            raise ValidationError("bad")
        validate_email(address)
    except ValidationError:
        add_error(errors, "email", _("Give an email address like name@example.org."))
    if errors:
        raise ValidationError(errors)
    return name, address


def rsvp_guest(*, gathering: Gathering, name, email, plus_ones=0, answers=None, now=None) -> Rsvp:
    """Someone without an account answers: it counts only once they open the emailed link.

    Raises AlreadyAnswered when the address already has an answer (its owner
    is emailed instead, so the page never tells who is coming).
    """
    name, address = _check_guest(name, email)
    plus_ones, answers = _check_answer(gathering, plus_ones=plus_ones, answers=answers)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(gathering)
        check_rsvp_open(locked, now=now)
        rsvp = Rsvp.objects.filter(gathering=locked, guest_email=address).first()
        already = rsvp is not None and rsvp.state in (RsvpState.GOING, RsvpState.WAITING)
        if not already:
            rsvp = rsvp or Rsvp(gathering=locked, guest_email=address)
            rsvp.guest_name, rsvp.plus_ones, rsvp.answers = name, plus_ones, answers
            rsvp.state = RsvpState.PENDING
            rsvp.email_confirmed_at, rsvp.joined_at = None, None
            rsvp.confirm_key, rsvp.cancel_key = links.new_key(), links.new_key()
            rsvp.save()
            notices.guest_confirm_email(rsvp=rsvp)
    if already:
        # Outside the transaction: the email goes even though the answer is refused.
        rsvp.gathering = locked
        notices.guest_already_email(rsvp=rsvp)
        raise AlreadyAnswered(rsvp)
    return rsvp


def rsvp_confirm(*, token: str, now=None) -> Rsvp | None:
    """A guest opened their link: the answer now counts (going, or waiting). None for a
    link that is wrong, expired or already used."""
    rsvp = links.rsvp_for_confirm_token(token)
    if rsvp is None:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(rsvp.gathering)
        rsvp = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if rsvp.state != RsvpState.PENDING:
            return None
        check_rsvp_open(locked, now=now)
        rsvp.gathering = locked
        rsvp.email_confirmed_at = now
        rsvp.confirm_key = ""  # the link works once
        _take_places(locked, rsvp, now=now)
        rsvp.save()
        notices.guest_confirmed_email(rsvp=rsvp)
    return rsvp


def rsvp_cancel(*, rsvp: Rsvp, user=None, now=None) -> bool:
    """Not coming after all. A member cancels their own (`user`); a guest's link passes
    none. Places freed go to the waiting list in turn. Returns whether anything changed."""
    if user is not None and rsvp.user_id != user.pk:
        raise PermissionDenied(_("You can only cancel your own answer."))
    with transaction.atomic():
        locked = _locked(rsvp.gathering)
        current = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if current.state == RsvpState.CANCELLED:
            return False
        current.state = RsvpState.CANCELLED
        current.confirm_key = ""
        current.save()
        waiting_list_move_up(locked, now=now)
    rsvp.refresh_from_db()
    return True


def rsvp_cancel_by_token(*, token: str) -> Rsvp | None:
    """The cancel link in a guest's emails. None when the link is wrong or used."""
    rsvp = links.rsvp_for_cancel_token(token)
    if rsvp is None or rsvp.state == RsvpState.CANCELLED:
        return None
    rsvp_cancel(rsvp=rsvp)
    return rsvp


def waiting_list_move_up(gathering: Gathering, *, now=None) -> list[Rsvp]:
    """Give freed places to the people waiting, first come first served, and tell them.

    Call inside a transaction that holds the gathering's lock. Stops at the
    first party that does not fit, so nobody is overtaken by a smaller one.
    """
    if gathering.state == GatheringState.CANCELLED:
        return []
    waiting = list(
        gathering.rsvps.filter(state=RsvpState.WAITING)
        .select_related("user__profile")
        .order_by("joined_at", "pk")
    )
    if not waiting:
        return []
    free = None if gathering.capacity is None else gathering.capacity - places_taken(gathering)
    moved = []
    for rsvp in waiting:
        if free is not None and rsvp.places > free:
            break
        rsvp.state = RsvpState.GOING
        rsvp.save(update_fields=["state", "updated_at"])
        rsvp.gathering = gathering
        notices.promoted_tell(rsvp=rsvp)
        moved.append(rsvp)
        if free is not None:
            free -= rsvp.places
    return moved
