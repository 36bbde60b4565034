"""Place forms shared by several pages: the place search, and the area choices."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.process_cache import BuiltOnce
from bigsocnorth.places.gazetteer import PLACE_QUERY_MAX_LENGTH
from bigsocnorth.places.selectors import region_list_with_local_authorities


def _area_names() -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [
        (
            region.slug,
            region.name,
            [(authority.slug, authority.name) for authority in region.local_authorities.all()],
        )
        for region in region_list_with_local_authorities()
    ]


# Areas change only with a migration (places_cache_reset() forgets them).
_area_names_once = BuiltOnce(_area_names)


def area_choices() -> list:
    """Anywhere, then per region: the whole region, then each of its authorities.

    For a select of areas by slug (search and the map filter by either).
    The names are read once per process; only the translated words are not.
    """
    choices: list = [("", gettext("Anywhere in the North"))]
    for region_slug, region_name, authorities in _area_names_once.get():
        options = [(region_slug, gettext("All of %(region)s") % {"region": region_name})]
        choices.append((region_name, options + authorities))
    return choices


def area_choices_reset() -> None:
    _area_names_once.reset()


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
