"""The forms of gatherings: plain fields; the services check everything that matters."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.widgets import QuickSelect
from bigsocnorth.events import recurrence
from bigsocnorth.events.models import ACCESS_FEATURES, Gathering, GatheringState, Rsvp
from bigsocnorth.events.outcomes import ATTENDED_MAX
from bigsocnorth.events.selectors import GatheringFilters
from bigsocnorth.places.fields import PlaceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
YES_NO = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]
REPEATS = [
    ("", _("Does not repeat")),
    ("weekly", _("Every week")),
    ("fortnightly", _("Every two weeks")),
    ("monthly", _("Every month, on the same weekday")),
]


class GatheringForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=Gathering.TITLE_MAX,
        error_messages={"required": _("Give the gathering a title.")},
        help_text=_("For example “Tea, cake and a chat about the park”."),
    )
    description = forms.CharField(
        label=_("What is it, and who is it for?"),
        max_length=Gathering.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Say what the gathering is, and who it is for.")},
        help_text=_("You can use Markdown: **bold**, *italics*, lists and links."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=400, help_text=_("Separated by commas.")
    )
    state = forms.ChoiceField(
        label=_("Is it certain?"),
        choices=[
            (GatheringState.CONFIRMED, _("Yes, it is going ahead")),
            (GatheringState.TENTATIVE, _("Not yet: to be confirmed")),
        ],
        initial=GatheringState.CONFIRMED,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(
        label=_("Day"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Give the day it happens.")},
    )
    start_time = forms.TimeField(
        label=_("Starts at"),
        widget=TIME_WIDGET,
        error_messages={"required": _("Give the time it starts.")},
    )
    end_time = forms.TimeField(
        label=_("Ends at"),
        widget=TIME_WIDGET,
        error_messages={"required": _("Give the time it ends.")},
    )
    end_date = forms.DateField(
        label=_("Ends on another day"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Only if it goes on past midnight or over several days."),
    )
    repeats = forms.ChoiceField(label=_("Repeats"), choices=REPEATS, required=False)
    repeat_count = forms.IntegerField(
        label=_("How many times in all"),
        required=False,
        min_value=1,
        max_value=recurrence.COUNT_MAX,
        help_text=_("At most 52."),
    )
    repeat_until = forms.DateField(
        label=_("Or until"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("At most two years ahead."),
    )
    in_person = forms.BooleanField(label=_("In person"), required=False, initial=True)
    online = forms.BooleanField(label=_("Online"), required=False)
    venue_wanted = forms.BooleanField(
        label=_("Venue wanted: we know the area, not yet the venue"), required=False
    )
    venue_name = forms.CharField(label=_("Venue"), required=False, max_length=Gathering.VENUE_MAX)
    venue_address = forms.CharField(
        label=_("Address"), required=False, max_length=Gathering.ADDRESS_MAX
    )
    place = PlaceField(
        label=_("Where"),
        required=False,
        help_text=_("The town, village or area; or the venue's place on the map."),
    )
    online_url = forms.CharField(
        label=_("Link to join online"),
        required=False,
        max_length=Gathering.URL_MAX,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    online_url_going_only = forms.BooleanField(
        label=_("Show the link only to people who are going"), required=False, initial=True
    )
    capacity = forms.CharField(
        label=_("How many places?"),
        required=False,
        max_length=12,
        help_text=_("From 1 to 10,000. Leave empty for no limit."),
    )
    plus_ones_allowed = forms.TypedChoiceField(
        label=_("Guests each person may bring"),
        coerce=int,
        choices=[(n, str(n)) for n in range(Gathering.PLUS_ONES_MAX + 1)],
        initial=0,
    )
    ask_dietary = forms.BooleanField(label=_("Ask about dietary needs"), required=False)
    ask_access = forms.BooleanField(label=_("Ask about access needs"), required=False)
    public_transport = forms.CharField(
        label=_("Nearest public transport"),
        required=False,
        max_length=Gathering.ACCESS_TEXT_MAX,
        help_text=_(
            "For example “Bus 52 stops outside; Hebden Bridge station is 10 minutes' walk”."
        ),
    )
    access_contact = forms.CharField(
        label=_("Who to ask about access"),
        required=False,
        max_length=Gathering.ACCESS_TEXT_MAX,
        help_text=_("A name and a phone number or email; this is shown to everyone."),
    )
    access_notes = forms.CharField(
        label=_("Anything else about access"),
        required=False,
        max_length=Gathering.ACCESS_NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    entries = forms.MultipleChoiceField(
        label=_("Groups organising it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Groups in the directory whose entry you look after."),
    )

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ACCESS_FEATURES:
            self.fields[key] = forms.ChoiceField(label=label, choices=YES_NO, required=False)
        from bigsocnorth.directory.models import Entry

        self._entries = {}
        if user is not None and user.is_authenticated:
            self._entries = {
                str(entry.pk): entry
                for entry in Entry.objects.public().filter(editors=user).order_by("name")[:50]
            }
        self.fields["entries"].choices = [(pk, e.name) for pk, e in self._entries.items()]
        if not self._entries:
            del self.fields["entries"]
        if editing:
            del self.fields["state"]
        self.fields["place"].needed_to_publish = True

    access_keys = [key for key, _label in ACCESS_FEATURES]

    def access_fields(self):
        return [self[key] for key in self.access_keys]

    @classmethod
    def initial_for(cls, gathering: Gathering) -> dict:
        from django.utils import timezone

        from bigsocnorth.places.services import PlaceValue

        start = timezone.localtime(gathering.starts_at)
        end = timezone.localtime(gathering.ends_at)
        initial = {
            name: getattr(gathering, name)
            for name in (
                "title", "description", "tags", "in_person", "online", "venue_wanted",
                "venue_name", "venue_address", "online_url", "online_url_going_only",
                "plus_ones_allowed", "ask_dietary", "ask_access", "public_transport",
                "access_contact", "access_notes",
            )
        }  # fmt: skip
        initial.update(
            date=start.date(),
            start_time=start.time(),
            end_time=end.time(),
            end_date=end.date() if end.date() != start.date() else None,
            capacity="" if gathering.capacity is None else str(gathering.capacity),
            entries=[str(entry.pk) for entry in gathering.entries.all()],
        )
        for key, _label in ACCESS_FEATURES:
            value = getattr(gathering, key)
            initial[key] = "" if value is None else ("yes" if value else "no")
        if gathering.recurrence:
            rule = recurrence.rule_parse(gathering.recurrence)
            if rule.freq == recurrence.MONTHLY:
                initial["repeats"] = "monthly"
            else:
                initial["repeats"] = "fortnightly" if rule.interval == 2 else "weekly"
            initial["repeat_count"] = rule.count
            initial["repeat_until"] = rule.until
        if gathering.local_authority_id:
            initial["place"] = PlaceValue(
                name=gathering.place_name,
                local_authority=gathering.local_authority,
                latitude=gathering.latitude,
                longitude=gathering.longitude,
                approximate=gathering.approximate_location,
            )
        return initial

    def _times(self, data) -> tuple[datetime | None, datetime | None]:
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return None, None
        end_day = data.get("end_date") or day
        starts_at = datetime.combine(day, start, tzinfo=recurrence.LONDON)
        ends_at = datetime.combine(end_day, end, tzinfo=recurrence.LONDON)
        if not data.get("end_date") and ends_at <= starts_at and end.hour < 6:
            # "7pm to 1am": past midnight, on the next day.
            ends_at += timedelta(days=1)
        return starts_at, ends_at

    def _rule(self, data, starts_at) -> str:
        repeats = data.get("repeats") or ""
        if not repeats or starts_at is None:
            return ""
        day = starts_at.date()
        weekday = recurrence.DAYS[day.weekday()]
        parts = []
        if repeats == "monthly":
            nth = (day.day - 1) // 7 + 1
            parts += ["FREQ=MONTHLY", f"BYDAY={-1 if nth == 5 else nth}{weekday}"]
        else:
            parts += ["FREQ=WEEKLY", f"BYDAY={weekday}"]
            if repeats == "fortnightly":
                parts.append("INTERVAL=2")
        if data.get("repeat_count"):
            parts.append(f"COUNT={data['repeat_count']}")
        if data.get("repeat_until"):
            parts.append(f"UNTIL={data['repeat_until']:%Y%m%d}")
        return ";".join(parts)

    def values(self) -> dict:
        """What the services take, from the cleaned data."""
        data = dict(self.cleaned_data)
        starts_at, ends_at = self._times(data)
        values = {
            name: data.get(name)
            for name in (
                "title", "description", "tags", "state", "in_person", "online", "venue_wanted",
                "venue_name", "venue_address", "place", "online_url", "online_url_going_only",
                "capacity", "plus_ones_allowed", "ask_dietary", "ask_access", "public_transport",
                "access_contact", "access_notes",
            )
        }  # fmt: skip
        values.update(starts_at=starts_at, ends_at=ends_at, recurrence=self._rule(data, starts_at))
        for key, _label in ACCESS_FEATURES:
            values[key] = {"yes": True, "no": False}.get(data.get(key) or "")
        values["entries"] = [
            self._entries[pk] for pk in data.get("entries") or [] if pk in self._entries
        ]
        return values


class RsvpForm(forms.Form):
    """Coming: for members (name and email left out) and for visitors."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=Rsvp.NAME_MAX,
        error_messages={"required": _("Give your name.")},
        help_text=_("The organisers see it in their list of who is coming."),
    )
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        error_messages={
            "required": _("Give your email: we send you a link to confirm."),
            "invalid": _("Give an email address like name@example.org."),
        },
        help_text=_(
            "We send one link to confirm, and tell you of changes. "
            "It is never shown to anyone, the organisers included."
        ),
    )
    plus_ones = forms.TypedChoiceField(
        label=_("Guests coming with you"), coerce=int, choices=[], required=False, empty_value=0
    )
    dietary = forms.CharField(
        label=_("Any dietary needs?"),
        required=False,
        max_length=Rsvp.ANSWER_MAX,
        help_text=_("Only the organisers see this."),
    )
    access = forms.CharField(
        label=_("Any access needs?"),
        required=False,
        max_length=Rsvp.ANSWER_MAX,
        help_text=_("Only the organisers see this."),
    )
    # A field people never see: a form that fills it in is a robot's.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, gathering: Gathering, member: bool, **kwargs):
        kwargs.setdefault("auto_id", "rsvp_%s")
        super().__init__(*args, **kwargs)
        if member:
            for name in ("name", "email", "website"):
                del self.fields[name]
        if gathering.plus_ones_allowed:
            self.fields["plus_ones"].choices = [
                (n, str(n)) for n in range(gathering.plus_ones_allowed + 1)
            ]
            self.fields["plus_ones"].initial = 0
        else:
            del self.fields["plus_ones"]
        if not gathering.ask_dietary:
            del self.fields["dietary"]
        if not gathering.ask_access:
            del self.fields["access"]

    def answers(self) -> dict:
        return {key: self.cleaned_data.get(key) or "" for key in ("dietary", "access")}


class StateForm(forms.Form):
    """Confirm or cancel, with a few words for the people going."""

    note = forms.CharField(
        label=_("A few words for the people going"),
        required=False,
        max_length=Gathering.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PostponeForm(StateForm):
    date = forms.DateField(
        label=_("New day"), widget=DATE_WIDGET, error_messages={"required": _("Give the new day.")}
    )
    start_time = forms.TimeField(
        label=_("Starts at"),
        widget=TIME_WIDGET,
        error_messages={"required": _("Give the time it starts.")},
    )
    end_time = forms.TimeField(
        label=_("Ends at"),
        widget=TIME_WIDGET,
        error_messages={"required": _("Give the time it ends.")},
    )

    def times(self):
        data = self.cleaned_data
        starts_at = datetime.combine(data["date"], data["start_time"], tzinfo=recurrence.LONDON)
        ends_at = datetime.combine(data["date"], data["end_time"], tzinfo=recurrence.LONDON)
        if ends_at <= starts_at and data["end_time"].hour < 6:
            ends_at += timedelta(days=1)
        return starts_at, ends_at


class GatheringFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False, widget=QuickSelect)
    mode = forms.ChoiceField(
        label=_("In person or online"),
        required=False,
        choices=[("", _("Either")), ("in_person", _("In person")), ("online", _("Online"))],
    )
    access = forms.MultipleChoiceField(
        label=_("Only with"),
        required=False,
        choices=ACCESS_FEATURES,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_help = forms.BooleanField(label=_("Only gatherings that need help"), required=False)
    organiser = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        from bigsocnorth.places.forms import area_choices

        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()

    def filters(self) -> GatheringFilters:
        """The filters asked for; a form with mistakes filters by what was valid."""
        self.is_valid()
        data = self.cleaned_data
        return GatheringFilters(
            area=data.get("area") or "",
            organiser=(data.get("organiser") or "").strip(),
            entry=data.get("entry"),
            mode=data.get("mode") or "",
            access=tuple(data.get("access") or ()),
            needs_help=bool(data.get("needs_help")),
        )


# Said the same way whatever is wrong with the number, so the fix is plain.
_ATTENDED_PROBLEM = format_lazy(
    _("Give the number of people who came, from 0 to {max}."), max=f"{ATTENDED_MAX:,}"
)


class OutcomeForm(forms.Form):
    """After the gathering: how many came and what happened (outcomes.py checks it all)."""

    attended = forms.IntegerField(
        label=_("How many people came?"),
        required=False,
        min_value=0,
        max_value=ATTENDED_MAX,
        help_text=_("Your best count, guests and organisers included. Leave it empty if unsure."),
        error_messages={
            "invalid": _ATTENDED_PROBLEM,
            "min_value": _ATTENDED_PROBLEM,
            "max_value": _ATTENDED_PROBLEM,
        },
    )
    outcome = forms.CharField(
        label=_("Notes and outcomes"),
        required=False,
        max_length=Gathering.OUTCOME_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What happened, what was decided, what comes next. Everyone can read it on the "
            "gathering's page. You can use Markdown: **bold**, *italics*, lists and links."
        ),
        error_messages={
            "max_length": _(
                "The notes can be at most %(limit_value)s characters (they have %(show_value)s)."
            )
        },
    )
