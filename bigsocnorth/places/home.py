"""The home page narrowed to an area ("near you"), chosen by the person and remembered."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bigsocnorth.core.sections import Scope, Section
from bigsocnorth.places.forms import area_choices
from bigsocnorth.places.selectors import area_get_by_slug

SLUG_MAX = 100


def home_scope(*, request, remembered: str) -> Scope:
    """The area asked for (?area=), else the one remembered, else the whole North.

    `?area=` with nothing chosen forgets the remembered area. An unknown area
    is said plainly and changes nothing.
    """
    asked = request.GET.get("area")
    error = ""
    if asked is None:
        area = (
            area_get_by_slug(slug=remembered[:SLUG_MAX], boundaries=False) if remembered else None
        )
        remember = None if area is not None or not remembered else ""
    elif not asked.strip():
        area, remember = None, ""
    else:
        area = area_get_by_slug(slug=asked.strip()[:SLUG_MAX], boundaries=False)
        remember = area.slug if area is not None else None
        if area is None:
            error = _("There is no area of the North with that name. Choose one from the list.")
    anywhere, *regions = area_choices()
    chooser = Section(
        template="places/includes/home_near_you.html",
        context={"area": area, "anywhere": anywhere, "regions": regions, "error": error},
    )
    return Scope(obj=area, chooser=chooser, remember=remember)
