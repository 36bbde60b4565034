"""Place forms shared by several pages: the place search, and the area choices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bigsocnorth.places.gazetteer import PLACE_QUERY_MAX_LENGTH
from bigsocnorth.places.selectors import region_list_with_local_authorities


def area_choices() -> list:
    """Anywhere, then per region: the whole region, then each of its authorities.

    For a select of areas by slug (search and the map filter by either).
    """
    choices: list = [("", gettext("Anywhere in the North"))]
    for region in region_list_with_local_authorities():
        options = [(region.slug, gettext("All of %(region)s") % {"region": region.name})]
        options += [
            (authority.slug, authority.name) for authority in region.local_authorities.all()
        ]
        choices.append((region.name, options))
    return choices


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
