"""The forms of threats and cuts: plain fields; fields.py and the services check everything."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.widgets import QuickSelect
from bigsocnorth.cuts.choices import CutKind, CutState, EntryKind, Sector, Verification
from bigsocnorth.cuts.models import Cut, TimelineEntry
from bigsocnorth.cuts.selectors import CutFilters
from bigsocnorth.places.fields import PlaceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OTHER_BODY = "other"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleaned to a list (empty when none were chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class EvidenceFields(forms.Form):
    """Links and documents, as both the report and a timeline update take them."""

    link_1 = forms.CharField(
        label=_("A link that shows it"),
        required=False,
        max_length=2_000,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
        help_text=_("Council minutes, a consultation page, a news report."),
    )
    link_2 = forms.CharField(
        label=_("Another link"),
        required=False,
        max_length=2_000,
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "application/pdf,image/*"}),
        help_text=_(
            "PDFs or photos, at most 20 MB each. Their hidden details (author, software, "
            "dates, where a photo was taken) are removed before anyone sees them."
        ),
    )

    def links(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in ("link_1", "link_2")]


class ReportForm(EvidenceFields):
    """Reporting a threat or a cut, with or without an account."""

    title = forms.CharField(
        label=_("What is threatened or cut?"),
        max_length=Cut.TITLE_MAX,
        error_messages={"required": _("Say in a few words what is threatened.")},
        help_text=_("In a few words, for example “Moss Side library to close”."),
    )
    summary = forms.CharField(
        label=_("What is happening, and how do you know?"),
        max_length=Cut.SUMMARY_MAX,
        error_messages={"required": _("Say what is happening, and how you know.")},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    place = PlaceField(
        label=_("Where"),
        required=False,
        help_text=_("A town, village or area of the North; or the whole of a council's area."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of cut"),
        choices=[("", _("Choose one")), *CutKind.choices],
        error_messages={"required": _("Choose what kind of cut it is.")},
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=[("", _("Choose one")), *Sector.choices],
        error_messages={"required": _("Choose the sector it is in.")},
    )
    state = forms.ChoiceField(
        label=_("How far has it got?"),
        choices=CutState.choices,
        initial=CutState.PROPOSED,
        required=False,
    )
    affected_name = forms.CharField(
        label=_("Service, group or building affected"),
        max_length=Cut.NAME_MAX,
        required=False,
    )
    entry = forms.CharField(widget=forms.HiddenInput, required=False)
    decided_by = forms.ChoiceField(
        label=_("Who decides?"),
        required=False,
        widget=QuickSelect,
        help_text=_("Leave it as the council for the place, or choose another body."),
    )
    decided_by_name = forms.CharField(
        label=_("Another body (an NHS trust, a government department, a funder)"),
        max_length=Cut.NAME_MAX,
        required=False,
    )
    money_yearly = forms.CharField(
        label=_("Money a year (£)"),
        required=False,
        max_length=40,
        help_text=_("For example £250,000 or £1.2m. Leave empty if not known."),
    )
    money_one_off = forms.CharField(label=_("One-off money (£)"), required=False, max_length=40)
    financial_year = forms.CharField(
        label=_("Financial year"),
        required=False,
        max_length=9,
        help_text=_("For example 2026/27."),
    )
    posts_lost = forms.CharField(label=_("Posts lost"), required=False, max_length=12)
    people_affected = forms.CharField(label=_("People affected"), required=False, max_length=12)
    people_basis = forms.CharField(
        label=_("How was that estimated?"), required=False, max_length=Cut.BASIS_MAX
    )
    announced_on = forms.DateField(label=_("Announced"), required=False, widget=DATE_WIDGET)
    consultation_closes_on = forms.DateField(
        label=_("Consultation closes"), required=False, widget=DATE_WIDGET
    )
    decision_due_on = forms.DateField(label=_("Decision due"), required=False, widget=DATE_WIDGET)
    takes_effect_on = forms.DateField(label=_("Takes effect"), required=False, widget=DATE_WIDGET)
    author_name_hidden = forms.BooleanField(
        label=_("Do not show my name with this report"),
        required=False,
        help_text=_("For example if you work for the body making the cut."),
    )
    email = forms.EmailField(
        label=_("Your email"),
        required=False,
        max_length=254,
        help_text=_(
            "Only to tell you when your report is published. We send one link to confirm "
            "it; it is never shown to anyone."
        ),
    )
    # A field people never see: a form that fills it in is a robot's.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, anonymous: bool = False, editing: bool = False, **kwargs):
        from bigsocnorth.places.forms import area_choices

        super().__init__(*args, **kwargs)
        # The service says "say where" when it is missing; the label shows no "(optional)".
        self.fields["place"].needed_to_publish = True
        councils = [
            (group, [(slug, name) for slug, name in options[1:]])
            for group, options in area_choices()[1:]
        ]
        self.fields["decided_by"].choices = [
            ("", _("The council for the place")),
            *councils,
            (OTHER_BODY, _("Another body (name it below)")),
        ]
        if editing:
            # The state moves only on the timeline.
            del self.fields["state"]
        if anonymous:
            # Nobody's name is shown on a visitor's report anyway.
            del self.fields["author_name_hidden"]
        else:
            del self.fields["email"]
            del self.fields["website"]

    @classmethod
    def initial_for(cls, cut: Cut) -> dict:
        """The form filled in from a report, to correct it."""
        from bigsocnorth.cuts.money import money_format_plain
        from bigsocnorth.places.services import PlaceValue

        initial = {
            name: getattr(cut, name)
            for name in (
                "title", "summary", "kind", "sector", "affected_name", "decided_by_name",
                "posts_lost", "people_affected", "people_basis", "announced_on",
                "consultation_closes_on", "decision_due_on", "takes_effect_on",
                "author_name_hidden",
            )
        }  # fmt: skip
        initial["entry"] = cut.entry.slug if cut.entry_id else ""
        initial["money_yearly"] = money_format_plain(cut.money_yearly)
        initial["money_one_off"] = money_format_plain(cut.money_one_off)
        initial["financial_year"] = cut.financial_year_label
        if cut.decided_by_authority_id:
            initial["decided_by"] = cut.decided_by_authority.slug
        elif cut.decided_by_name:
            initial["decided_by"] = OTHER_BODY
        initial["place"] = PlaceValue(
            name=cut.place_name,
            local_authority=cut.local_authority,
            latitude=cut.latitude,
            longitude=cut.longitude,
            approximate=cut.approximate_location,
        )
        return initial

    def values(self) -> dict:
        """What the services take, from the cleaned data."""
        from bigsocnorth.directory.models import Entry
        from bigsocnorth.places.models import LocalAuthority

        data = dict(self.cleaned_data)
        values = {
            name: data.get(name)
            for name in (
                "title",
                "summary",
                "place",
                "kind",
                "sector",
                "state",
                "affected_name",
                "money_yearly",
                "money_one_off",
                "financial_year",
                "posts_lost",
                "people_affected",
                "people_basis",
                "announced_on",
                "consultation_closes_on",
                "decision_due_on",
                "takes_effect_on",
                "author_name_hidden",
            )
        }
        decided_by = data.get("decided_by") or ""
        if decided_by == OTHER_BODY:
            values["decided_by_name"] = data.get("decided_by_name") or ""
        elif decided_by:
            values["decided_by_authority"] = LocalAuthority.objects.filter(slug=decided_by).first()
        if data.get("entry"):
            values["entry"] = Entry.objects.filter(slug=data["entry"]).first() or "unknown"
        return values


class TimelineEntryForm(EvidenceFields):
    kind = forms.ChoiceField(
        label=_("What kind of update is it?"),
        choices=[
            (EntryKind.STATE, _("The cut moved on")),
            (EntryKind.NEWS, _("News")),
            (EntryKind.RESPONSE, _("A response from the body responsible")),
        ],
        widget=forms.RadioSelect,
        initial=EntryKind.STATE,
    )
    state = forms.ChoiceField(
        label=_("Its state now"), choices=[("", _("Choose one")), *CutState.choices], required=False
    )
    happened_on = forms.DateField(
        label=_("When"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Give the date it happened.")},
    )
    text = forms.CharField(
        label=_("Tell people about it"),
        required=False,
        max_length=TimelineEntry.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responder = forms.CharField(
        label=_("The response is from"),
        required=False,
        max_length=Cut.NAME_MAX,
        help_text=_("For example “Leeds City Council, press office”."),
    )
    author_name_hidden = forms.BooleanField(label=_("Do not show my name"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Needed for a change of state; the service says so. No "(optional)".
        self.fields["state"].needed_to_publish = True


class VerifyForm(forms.Form):
    verification = forms.ChoiceField(
        label=_("Verdict"),
        error_messages={"required": _("Choose a verdict.")},
        choices=[
            (Verification.VERIFIED, _("Verified")),
            (Verification.DISPUTED, _("Disputed")),
            (Verification.UNVERIFIED, _("Not verified yet")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Public note: how it was checked"),
        help_text=_("Needed for verified or disputed; everyone reads it."),
        required=False,
        max_length=1_000,
        error_messages={"max_length": _("The note can be at most 1,000 characters.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Needed for verified or disputed; the service says so. No "(optional)".
        self.fields["note"].needed_to_publish = True


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("How you know"), required=False, max_length=500)
    url = forms.CharField(label=_("A link that shows it"), required=False, max_length=2_000)


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("The report to keep"),
        max_length=300,
        help_text=_("Its web address, or the last part of it."),
    )


class CutFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False, widget=QuickSelect)
    body = forms.CharField(label=_("Who decides"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    verification = forms.ChoiceField(label=_("Verification"), required=False)
    decision_from = forms.DateField(
        label=_("Decision due from"), required=False, widget=DATE_WIDGET
    )
    decision_to = forms.DateField(label=_("Decision due by"), required=False, widget=DATE_WIDGET)
    money = forms.ChoiceField(label=_("Money a year"), required=False)
    entry = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    MONEY_CHOICES = [
        ("", _("Any amount")),
        ("100000", _("£100k or more")),
        ("500000", _("£500k or more")),
        ("1000000", _("£1m or more")),
        ("5000000", _("£5m or more")),
    ]

    def __init__(self, *args, **kwargs):
        from bigsocnorth.places.forms import area_choices

        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()
        self.fields["kind"].choices = [("", _("Any kind")), *CutKind.choices]
        self.fields["sector"].choices = [("", _("Any sector")), *Sector.choices]
        self.fields["state"].choices = [
            ("", _("Any state")),
            ("open", _("Still open")),
            ("stopped", _("Stopped or saved")),
            *CutState.choices,
        ]
        self.fields["verification"].choices = [("", _("Any")), *Verification.choices]
        self.fields["money"].choices = self.MONEY_CHOICES

    def filters(self) -> CutFilters:
        """The filters asked for; a form with mistakes filters by what was valid."""
        self.is_valid()  # cleaned_data then holds the fields that were valid
        data = self.cleaned_data
        money = data.get("money")
        return CutFilters(
            area=data.get("area") or "",
            body=(data.get("body") or "").strip(),
            kind=data.get("kind") or "",
            sector=data.get("sector") or "",
            state=data.get("state") or "",
            verification=data.get("verification") or "",
            decision_from=data.get("decision_from"),
            decision_to=data.get("decision_to"),
            money_at_least=int(money) * 100 if money else None,
            entry=data.get("entry"),
        )
