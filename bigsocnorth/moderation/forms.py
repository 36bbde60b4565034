"""Forms for flagging and for the moderators' actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.moderation.models import Flag, FlagReason


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything a moderator should know"),
        max_length=Flag.NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Why hide it?"), max_length=1000)
