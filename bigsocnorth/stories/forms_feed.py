"""The form that switches taking stories from an entry's news feed on or off."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class FeedSourceSwitchForm(forms.Form):
    """One button per state: the value says which was pressed."""

    ON = "on"
    OFF = "off"

    enabled = forms.ChoiceField(
        label=_("Taking stories"),
        choices=[(ON, _("Take stories from the feed")), (OFF, _("Stop taking stories"))],
        error_messages={
            "required": _("Choose whether to take stories from the feed."),
            "invalid_choice": _("Choose whether to take stories from the feed."),
        },
    )

    @property
    def wants_enabled(self) -> bool:
        return self.cleaned_data["enabled"] == self.ON
