"""Forms for asking to become an editor of an entry and for merging two entries."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.directory.models import EditorRequest


class EditorRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the entry's editors"),
        required=False,
        max_length=EditorRequest.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Say how you are part of the group, so the editors or a moderator can "
            "check. For example: “I am the secretary; you can reach me through our website.”"
        ),
    )


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("The entry that stays"),
        max_length=220,
        help_text=_(
            "Its web address name, the last part of its address, e.g. walkley-repair-cafe."
        ),
    )
    reason = forms.CharField(
        label=_("Why merge them?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
