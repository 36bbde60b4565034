"""The place search form, shared by the areas page and the search page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.places.gazetteer import PLACE_QUERY_MAX_LENGTH


class PlaceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Town, city or area"),
        help_text=_("For example Hebden Bridge, Sunderland or North Yorkshire."),
        max_length=PLACE_QUERY_MAX_LENGTH,
        error_messages={
            "required": _("Type the name of a town, city or area to search for."),
            "max_length": _(
                "Use at most %(limit_value)d characters to search for a place "
                "(this search has %(show_value)d)."
            ),
        },
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
