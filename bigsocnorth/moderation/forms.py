"""Forms for flagging and for the moderators' actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.moderation.models import Flag, FlagReason
from bigsocnorth.moderation.services import REASON_MAX


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
    reason = forms.CharField(
        label=_("Why hide it? The author sees this."),
        max_length=REASON_MAX,
        error_messages={"required": _("Say why you are hiding this; the author will see it.")},
    )


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Why block them? This goes in the audit log and on what is hidden."),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you are blocking this person.")},
    )


class UndoForm(forms.Form):
    content_type_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    object_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
