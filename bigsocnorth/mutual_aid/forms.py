"""The forms of needs and offers: plain fields; fields.py and the services check what matters."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.widgets import QuickSelect
from bigsocnorth.mutual_aid.fields import EXPIRY_DEFAULT_DAYS
from bigsocnorth.mutual_aid.models import (
    AidCategory,
    Match,
    Post,
    PostKind,
    Urgency,
    VolunteerChecks,
    When,
)
from bigsocnorth.mutual_aid.services import MESSAGE_MAX
from bigsocnorth.places.fields import PlaceField
from bigsocnorth.places.services import PlaceValue

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_PROBLEM = _("Give a date like 2027-03-14.")
TOO_LONG = _("Keep this to at most %(limit_value)s characters (it has %(show_value)s).")
TIMES_PROBLEM = format_lazy(_("Say how many times, from 1 to {max}."), max=Post.TIMES_MAX)
BY_CHOICES = [("", _("Anyone")), ("groups", _("Groups")), ("people", _("People"))]


def _category_choices(empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [
        (slug, name) for slug, name in AidCategory.objects.values_list("slug", "name")
    ]


def _entries_for(user) -> dict:
    """The published directory entries a person looks after: who they may post for."""
    from bigsocnorth.directory.models import Entry

    if user is None or not user.is_authenticated:
        return {}
    return {
        str(entry.pk): entry
        for entry in Entry.objects.public()
        .filter(editors=user, merged_into__isnull=True)
        .only("pk", "name")
        .order_by("name")[:50]
    }


class PostForm(forms.Form):
    """A need or an offer. `editing=True`: who it is for stays as it was."""

    kind = forms.ChoiceField(
        label=_("Is it a need or an offer?"),
        choices=[
            (PostKind.NEED, _("A need: help wanted")),
            (PostKind.OFFER, _("An offer: help you can give")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say if it is a need or an offer."),
            "invalid_choice": _("Say if it is a need or an offer."),
        },
    )
    category = forms.ChoiceField(
        label=_("What kind of help"),
        error_messages={
            "required": _("Choose what kind of help it is."),
            "invalid_choice": _("Choose what kind of help it is."),
        },
    )
    title = forms.CharField(
        label=_("What exactly, in a few words"),
        max_length=Post.TITLE_MAX,
        help_text=_("For example “A lift to the shops on Tuesday mornings”."),
        error_messages={"required": _("Say what exactly, in a few words."), "max_length": TOO_LONG},
    )
    description = forms.CharField(
        label=_("More about it"),
        required=False,
        max_length=Post.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What would help, and anything a helper should know. Everyone can read this: "
            "no names, no health details, no address or phone number."
        ),
        error_messages={"max_length": TOO_LONG},
    )
    entry = forms.ChoiceField(
        label=_("Who is it for?"),
        required=False,
        help_text=_("A group in the directory whose entry you look after, or yourself."),
        error_messages={"invalid_choice": _("Choose yourself or a group you look after.")},
    )
    place = PlaceField(
        label=_("Roughly where (an area or a neighbourhood, never an address)"),
        required=False,
        name_max=80,
        help_text=_(
            "A town, village, neighbourhood or the whole area. The public sees only the area "
            "and a point rounded to about a kilometre."
        ),
    )
    when = forms.ChoiceField(
        label=_("When"),
        choices=When.choices,
        initial=When.ONGOING,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say when: ongoing, a day, or between two."),
            "invalid_choice": _("Say when: ongoing, a day, or between two."),
        },
    )
    starts_on = forms.DateField(
        label=_("The day, or the first day"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": DATE_PROBLEM},
    )
    ends_on = forms.DateField(
        label=_("The last day"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Only for “between two days”."),
        error_messages={"invalid": DATE_PROBLEM},
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Urgency.choices,
        initial=Urgency.WHENEVER,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say how urgent it is."),
            "invalid_choice": _("Say how urgent it is."),
        },
    )
    times = forms.IntegerField(
        label=_("How many times"),
        initial=1,
        min_value=1,
        max_value=Post.TIMES_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "size": 4}),
        help_text=_("For example 4 for a lift every week for a month."),
        error_messages={
            "required": TIMES_PROBLEM,
            "invalid": TIMES_PROBLEM,
            "min_value": TIMES_PROBLEM,
            "max_value": TIMES_PROBLEM,
        },
    )
    expires_on = forms.DateField(
        label=_("Open until"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_(
            "At most 180 days from today. We ask you a few days before if it is still open."
        ),
        error_messages={"invalid": DATE_PROBLEM},
    )

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(str(_("Choose one")))
        self.fields["place"].needed_to_publish = True
        if not self.is_bound and "expires_on" not in self.initial:
            self.initial["expires_on"] = timezone.localdate() + timedelta(days=EXPIRY_DEFAULT_DAYS)
        self._entries = {} if editing else _entries_for(user)
        if self._entries:
            self.fields["entry"].choices = [("", _("Myself"))] + [
                (pk, entry.name) for pk, entry in self._entries.items()
            ]
        else:
            del self.fields["entry"]

    @classmethod
    def initial_for(cls, post: Post) -> dict:
        initial = {
            name: getattr(post, name)
            for name in (
                "kind", "title", "description", "when", "starts_on", "ends_on", "urgency",
                "times", "expires_on",
            )
        }  # fmt: skip
        initial["category"] = post.category.slug
        initial["place"] = PlaceValue(
            name=post.place_name,
            local_authority=post.local_authority,
            latitude=post.latitude,
            longitude=post.longitude,
            approximate=True,
        )
        return initial

    def values(self) -> dict:
        """What check_post_fields takes, from what the form could read (None for the rest)."""
        data = getattr(self, "cleaned_data", {})
        names = (
            "kind", "category", "title", "description", "urgency", "times", "expires_on",
            "when", "starts_on", "ends_on", "place",
        )  # fmt: skip
        return {name: data.get(name) for name in names}

    def chosen_entry(self):
        return self._entries.get(self.cleaned_data.get("entry") or "")


class AnswerForm(forms.Form):
    """ "I can help" or "I'd like this": a private message, and contact details for later."""

    message = forms.CharField(
        label=_("A message for them"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How you can help, or why you would like it. Sent as a private message."),
        error_messages={
            "required": _("Say a few words about how you can help."),
            "max_length": TOO_LONG,
        },
    )
    contact = forms.CharField(
        label=_("Your contact details, shown to them only if they accept"),
        max_length=Match.CONTACT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A phone number or an email address. Nobody else ever sees it."),
        error_messages={
            "required": _("Say how the other person can reach you once you both agree."),
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, *args, post: Post | None = None, **kwargs):
        kwargs.setdefault("auto_id", "answer_%s")
        super().__init__(*args, **kwargs)
        if post is not None and not post.is_need:
            self.fields["message"].help_text = _(
                "Why you would like it, and when suits you. Sent as a private message."
            )


class AcceptForm(forms.Form):
    contact = forms.CharField(
        label=_("Your contact details, for them"),
        max_length=Match.CONTACT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown only to the person whose answer you accept."),
        error_messages={
            "required": _("Say how the other person can reach you once you both agree."),
            "max_length": TOO_LONG,
        },
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("If you decline, why not (for them)"),
        required=False,
        max_length=Match.REASON_MAX,
        error_messages={"max_length": TOO_LONG},
    )


class FinishForm(forms.Form):
    done = forms.TypedChoiceField(
        choices=[("1", _("It happened")), ("0", _("It did not happen"))],
        coerce=lambda value: value == "1",
        error_messages={
            "required": _("Say whether it happened."),
            "invalid_choice": _("Say whether it happened."),
        },
    )
    reason = forms.CharField(
        label=_("Why it did not happen"),
        help_text=_("Needed only if it did not happen."),
        required=False,
        max_length=Match.REASON_MAX,
        error_messages={"max_length": TOO_LONG},
    )


class CloseForm(forms.Form):
    state = forms.CharField(max_length=20)


class ChecksForm(forms.Form):
    how = forms.CharField(
        label=_("How your group checks its volunteers"),
        required=False,
        max_length=VolunteerChecks.HOW_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example “DBS checks for everyone who visits people at home; two references "
            "for drivers”. Shown on your entry as your own word. Leave it empty to take it back."
        ),
        error_messages={"max_length": TOO_LONG},
    )


class PostFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Needs or offers"),
        required=False,
        choices=[("", _("Both")), *PostKind.choices],
    )
    area = forms.ChoiceField(label=_("Area"), required=False, widget=QuickSelect)
    category = forms.ChoiceField(label=_("Kind of help"), required=False)
    urgency = forms.ChoiceField(
        label=_("How urgent"), required=False, choices=[("", _("Any")), *Urgency.choices]
    )
    by = forms.ChoiceField(label=_("Posted by"), required=False, choices=BY_CHOICES)

    def __init__(self, *args, **kwargs):
        from bigsocnorth.places.forms import area_choices

        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()
        self.fields["category"].choices = _category_choices(str(_("Any")))

    def chosen(self) -> dict:
        """The filters asked for; a filter with a mistake is left out."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class NearForm(forms.Form):
    area = forms.ChoiceField(label=_("Where"), required=False, widget=QuickSelect)
    category = forms.ChoiceField(label=_("Kind of help"), required=False)

    def __init__(self, *args, **kwargs):
        from bigsocnorth.places.forms import area_choices

        kwargs.setdefault("auto_id", "near_%s")
        super().__init__(*args, **kwargs)
        choices = area_choices()
        self.fields["area"].choices = [("", _("Choose an area")), *choices[1:]]
        self.fields["category"].choices = _category_choices(str(_("Any")))

    def chosen(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}
