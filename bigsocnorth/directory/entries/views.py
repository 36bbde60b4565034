"""Directory pages: the list, one page per entry, adding and editing entries.

Every list and entry goes through the selectors' visibility rules; every
write goes through the services, which give the same messages as the API
and the CSV import.
"""

from __future__ import annotations

import html

import nh3
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bigsocnorth.core.jsonld import json_ld_script_content
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.pagination import page_number
from bigsocnorth.core.sections import ENTRY, sections_for
from bigsocnorth.directory.editors import selectors as editor_selectors
from bigsocnorth.directory.entries import selectors, services
from bigsocnorth.directory.entries.duplicates import entry_likely_duplicates
from bigsocnorth.directory.entries.forms import (
    EntryForm,
    PlaceFormSet,
    place_formset_initial,
    places_from_formset,
)
from bigsocnorth.directory.jsonld import entry_json_ld
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.networks import selectors as network_selectors
from bigsocnorth.directory.permissions import (
    can_ask_to_edit,
    can_edit_entry,
    can_see_private_contact,
    check_entry_edit_permission,
)
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.places.services import place_from_query

PLACES_PREFIX = "places"
DUPLICATE_CHECK_NAME_MIN = 3


@require_GET
@cached_for_visitors
def entry_list(request):
    filters = {
        "kind": request.GET.get("kind", "")[:100],
        "category": request.GET.get("category", "")[:100],
        "area": request.GET.get("area", "")[:100],
    }
    page = selectors.entry_list(
        user=request.user,
        page=page_number(request),
        **{key: value or None for key, value in filters.items()},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/entry_list/index.html",
        {
            "page_obj": page,
            "entries": page.object_list,
            "filters": filters,
            "kinds": selectors.entry_kind_list(),
            "categories": selectors.category_list(),
            "areas": selectors.area_choices(),
            "query_without_page": query.urlencode(),
        },
    )


@require_GET
@cached_for_visitors
def entry_detail(request, slug: str):
    try:
        entry = selectors.entry_get_for_view(user=request.user, slug=slug)
    except selectors.EntryMoved as moved:
        return redirect(moved.target, permanent=True)
    description_html = render_markdown(entry.description)
    url = request.build_absolute_uri(entry.get_absolute_url())
    logo_url = request.build_absolute_uri(entry.logo.url) if entry.logo else ""
    user = request.user
    own_request = editor_selectors.editor_request_pending_for(entry=entry, user=user)
    can_edit = can_edit_entry(user=user, entry=entry)
    places = list(entry.places.all())
    return render(
        request,
        "directory/entry_detail/index.html",
        {
            "entry": entry,
            "description_html": description_html,
            "places": places,
            # The small map draws these (public positions only); the list shows them without JS.
            "map_places": [
                {
                    "name": place.name or place.local_authority.name,
                    "area": place.local_authority.name,
                    "lat": place.public_latitude,
                    "lon": place.public_longitude,
                }
                for place in places
            ],
            "map_tile_url": settings.MAP_TILE_URL,
            "map_tile_attribution": _tile_attribution(),
            "areas_served": list(entry.areas_served.all()),
            "identifiers": list(entry.identifiers.all()),
            "logo_url": logo_url,
            "can_edit": can_edit,
            "can_see_private_contact": can_see_private_contact(user=user, entry=entry),
            "can_ask_to_edit": can_ask_to_edit(user=user, entry=entry),
            "own_editor_request": own_request,
            "pending_editor_requests": (
                editor_selectors.editor_request_pending_count(entry=entry) if can_edit else 0
            ),
            "is_author": user.is_authenticated and entry.author_id == user.pk,
            "json_ld": (
                json_ld_script_content(entry_json_ld(entry=entry, url=url, logo_url=logo_url))
                if is_public(entry)
                else ""
            ),
            "canonical_url": url,
            # What other types show about the entry: its stories, and more to come.
            "sections": sections_for(ENTRY, obj=entry, user=user),
            "network_members": network_selectors.network_members_section(user=user, entry=entry),
            "entry_networks": network_selectors.entry_networks_section(user=user, entry=entry),
            # Plain text for meta tags; the template escapes it.
            "summary": Truncator(html.unescape(strip_tags(description_html))).chars(200),
        },
    )


def _tile_attribution() -> str:
    # A deployer's setting that Leaflet shows as HTML: only plain links survive.
    return nh3.clean(
        settings.MAP_TILE_ATTRIBUTION,
        tags={"a"},
        attributes={"a": {"href"}},
        link_rel="noopener noreferrer",
    )


# --- Adding and editing -------------------------------------------------------


class _TooBig(Exception):
    pass


def _bind(request) -> tuple[EntryForm, PlaceFormSet]:
    try:
        return (
            EntryForm(request.POST, request.FILES),
            PlaceFormSet(request.POST, prefix=PLACES_PREFIX),
        )
    except RequestDataTooBig:
        raise _TooBig from None


def _too_big_form() -> EntryForm:
    form = EntryForm()
    form.is_bound = True
    form._errors = {
        "__all__": form.error_class(
            [
                _(
                    "What you sent is far too big. The description can be at most "
                    "%(max)s characters and a logo at most 5 MB. Nothing was saved."
                )
                % {"max": f"{Entry.DESCRIPTION_MAX:,}"}
            ]
        )
    }
    return form


def _with_another_place(form: EntryForm, places: PlaceFormSet):
    """Unbound copies of what was typed, with one more empty place: "Add another place".

    Unbound, so nothing is validated (and no errors shown) until the person submits.
    """
    values = {name: form[name].value() for name in form.fields if name not in ("logo",)}
    # Each place as it was sent: the picker shows it again (with its choices, if a
    # name still waits for one) without checking it yet.
    rows = [
        {"place": row["place"].value()}
        for row in places.forms
        if not (row["DELETE"].value() if "DELETE" in row.fields else False)
    ]
    return EntryForm(initial=values), PlaceFormSet(
        initial=[*rows, {}][: Entry.PLACES_MAX], prefix=PLACES_PREFIX
    )


def _values(form: EntryForm, places: PlaceFormSet) -> dict:
    values = dict(form.cleaned_data)
    values["categories"] = list(values["categories"])
    values["places"] = places_from_formset(places)
    values.pop("remove_logo", None)
    return values


def _add_service_errors(form: EntryForm, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _more_problems(form: EntryForm, places: PlaceFormSet) -> None:
    """While a place waits to be chosen, the service's checks on everything else, so
    the person sees every problem at once (the entry is not saved either way)."""
    if not form.is_valid() or places.is_valid():
        return
    values = {**_values(form, places), "places": ()}
    values.pop("logo", None)
    try:
        services.check_entry_fields(**values)
    except ValidationError as error:
        _add_service_errors(form, error)


def _render_form(request, form, places, *, entry, status=200, duplicates=()):
    return render(
        request,
        "directory/entry_form/index.html",
        {
            "form": form,
            "places": places,
            "entry": entry,
            "duplicates": duplicates,
            # After a submission the person can say none of them is their group.
            "confirm_duplicates": bool(duplicates),
            "logo_was_chosen": bool(request.FILES.get("logo"))
            if request.method == "POST"
            else False,
        },
        status=status,
    )


def _places_from_map(request) -> PlaceFormSet:
    """The first place filled in from ?latitude=&longitude= ("Add a group here" on the map).

    A point that is not valid, or not in the North, is ignored: the form starts empty.
    """
    place = place_from_query(request.GET)
    if place is None:
        return PlaceFormSet(prefix=PLACES_PREFIX)
    places = PlaceFormSet(initial=[{"place": place}], prefix=PLACES_PREFIX)
    places.extra = 0  # just the one place, filled in; "Add another place" adds more
    return places


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request):
    if request.method == "GET":
        return _render_form(request, EntryForm(), _places_from_map(request), entry=None)
    try:
        form, places = _bind(request)
    except _TooBig:
        return _render_form(
            request, _too_big_form(), PlaceFormSet(prefix=PLACES_PREFIX), entry=None, status=413
        )
    if "add_place" in request.POST:
        form, places = _with_another_place(form, places)
        return _render_form(request, form, places, entry=None)
    if form.is_valid() and places.is_valid():
        try:
            entry = services.entry_create(
                author=request.user,
                not_a_duplicate=bool(request.POST.get("not_a_duplicate")),
                **_values(form, places),
            )
        except services.PossibleDuplicates as found:
            return _render_form(request, form, places, entry=None, duplicates=found.matches)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            if is_public(entry):
                messages.success(request, _("Your entry is published."))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Your entry is waiting for review by a moderator; only you "
                        "can see it until then."
                    ),
                )
            return redirect(entry)
    _more_problems(form, places)
    return _render_form(request, form, places, entry=None, status=400)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, slug: str):
    try:
        entry = selectors.entry_get_for_view(user=request.user, slug=slug)
    except selectors.EntryMoved as moved:
        return redirect("directory:entry_edit", slug=moved.target.slug)
    check_entry_edit_permission(user=request.user, entry=entry)
    if request.method == "GET":
        return _render_form(
            request,
            EntryForm(initial=EntryForm.initial_for(entry)),
            PlaceFormSet(initial=place_formset_initial(entry), prefix=PLACES_PREFIX),
            entry=entry,
        )
    try:
        form, places = _bind(request)
    except _TooBig:
        return _render_form(
            request,
            _too_big_form(),
            PlaceFormSet(initial=place_formset_initial(entry), prefix=PLACES_PREFIX),
            entry=entry,
            status=413,
        )
    if "add_place" in request.POST:
        form, places = _with_another_place(form, places)
        return _render_form(request, form, places, entry=entry)
    if form.is_valid() and places.is_valid():
        try:
            services.entry_update(
                actor=request.user,
                entry=entry,
                remove_logo=form.cleaned_data["remove_logo"],
                **_values(form, places),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(entry)
    _more_problems(form, places)
    return _render_form(request, form, places, entry=entry, status=400)


@login_required
@require_GET
def entry_duplicates(request):
    """ "Is it one of these?" while the name is being typed (an htmx fragment).

    The same check runs again when the form is sent, so this is only a
    friendlier, earlier warning for people with JavaScript.
    """
    name = request.GET.get("name", "")[: Entry.NAME_MAX]
    website = request.GET.get("website", "")[: Entry.URL_MAX]
    matches = []
    if len(name.strip()) >= DUPLICATE_CHECK_NAME_MIN or website.strip():
        matches = entry_likely_duplicates(user=request.user, name=name, website=website)
    response = render(
        request, "directory/entry_form/index.html#duplicates", {"duplicates": matches}
    )
    patch_vary_headers(response, ("HX-Request",))
    return response
