"""Forms for network memberships. They only parse input; networks.services validates it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.directory.models import Entry, Membership

_DATE_ERROR = _("Give the date as year, month and day, like 2019-05-01.")


class _MembershipDetailsForm(forms.Form):
    role = forms.CharField(
        label=_("Role"),
        required=False,
        # No max_length validator: the service says how long it is and what the limit is.
        widget=forms.TextInput(attrs={"maxlength": Membership.ROLE_MAX, "autocomplete": "off"}),
        help_text=_("For example “founding member”, “steering group” or “associate”."),
    )
    since = forms.DateField(
        label=_("Member since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _DATE_ERROR},
        help_text=_("The date it joined, if you know it."),
    )


class MembershipChooseForm(_MembershipDetailsForm):
    """Choose the other entry by name (then, if several match, by `choice`), with role and date."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=Entry.NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    choice = forms.SlugField(required=False, max_length=220)

    field_order = ["name", "choice", "role", "since"]

    def __init__(self, *args, name_label=None, name_help=None, lookup_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if name_label:
            self.fields["name"].label = name_label
        if name_help:
            self.fields["name"].help_text = name_help
        if lookup_url:
            # htmx shows the matching entries as you type; without it, the
            # server asks "which one?" after the first submit.
            self.fields["name"].widget.attrs.update(
                {
                    "hx-get": lookup_url,
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#entry-choices",
                    "hx-swap": "outerHTML",
                    "hx-sync": "this:replace",
                    "aria-controls": "entry-choices",
                }
            )

    def clean(self):
        cleaned = super().clean()
        typed = " ".join((cleaned.get("name") or "").split())
        if not cleaned.get("choice") and not typed and "name" not in self.errors:
            self.add_error("name", _("Type the name of the entry, or part of it."))
        return cleaned


class MembershipEditForm(_MembershipDetailsForm):
    @staticmethod
    def initial_for(membership: Membership) -> dict:
        return {"role": membership.role, "since": membership.since}
