"""The email preference form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.notifications.models import EmailFrequency


class EmailPreferenceForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=_("Email me about my notifications"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
    )
