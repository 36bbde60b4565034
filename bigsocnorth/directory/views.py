"""Directory pages. Every list and entry goes through the selectors' visibility rules."""

from __future__ import annotations

import html
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.shortcuts import redirect, render
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.directory import selectors, services
from bigsocnorth.directory.forms import EntryForm
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.permissions import can_edit_entry, check_entry_edit_permission
from bigsocnorth.moderation.models import Status

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> element, safe like json_script."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308


def _int_param(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


@require_GET
def entry_list(request):
    filters = {
        "kind": request.GET.get("kind", "")[:100],
        "category": request.GET.get("category", "")[:100],
        "area": request.GET.get("area", "")[:100],
    }
    page = selectors.entry_list(
        user=request.user,
        page=_int_param(request.GET.get("page")),
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
def entry_detail(request, slug: str):
    entry = selectors.entry_get_for_view(user=request.user, slug=slug)
    location = entry.public_location
    description_html = render_markdown(entry.description)
    url = request.build_absolute_uri(entry.get_absolute_url())
    json_ld = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": entry.name,
        "url": url,
    }
    if entry.website:
        json_ld["sameAs"] = entry.website
    if entry.public_contact:
        key = "email" if "@" in entry.public_contact else "telephone"
        json_ld[key] = entry.public_contact
    if entry.local_authority:
        json_ld["areaServed"] = entry.local_authority.name
    if location:
        json_ld["location"] = {
            "@type": "Place",
            "geo": {"@type": "GeoCoordinates", "latitude": location[0], "longitude": location[1]},
        }
    return render(
        request,
        "directory/entry_detail/index.html",
        {
            "entry": entry,
            "description_html": description_html,
            "location": location,
            "can_edit": can_edit_entry(user=request.user, entry=entry),
            "is_author": request.user.is_authenticated and entry.author_id == request.user.pk,
            "json_ld": _json_ld(json_ld) if entry.status == Status.PUBLISHED else "",
            "canonical_url": url,
            # Plain text for meta tags; the template escapes it.
            "summary": Truncator(html.unescape(strip_tags(description_html))).chars(200),
        },
    )


def _form_from_post(request) -> EntryForm | None:
    """The bound form, or None when the request is too big to read."""
    try:
        return EntryForm(request.POST)
    except RequestDataTooBig:
        return None


def _too_big_form() -> EntryForm:
    form = EntryForm()
    form.is_bound = True
    form._errors = form.error_class()
    form._errors = {
        "__all__": form.error_class(
            [
                _(
                    "What you sent is far too big. The description can be at most "
                    "%(max)s characters. Nothing was saved."
                )
                % {"max": f"{Entry.DESCRIPTION_MAX:,}"}
            ]
        )
    }
    return form


def _save(request, form: EntryForm, *, entry: Entry | None):
    """Validate through the service; returns the saved entry or None with errors on the form."""
    if not form.is_valid():
        return None
    values = dict(form.cleaned_data)
    values["categories"] = list(values["categories"])
    try:
        if entry is None:
            return services.entry_create(author=request.user, **values)
        return services.entry_update(actor=request.user, entry=entry, **values)
    except ValidationError as error:
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
        return None


def _render_form(request, form, *, entry, status):
    return render(
        request, "directory/entry_form/index.html", {"form": form, "entry": entry}, status=status
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request):
    if request.method == "POST":
        form = _form_from_post(request)
        if form is None:
            return _render_form(request, _too_big_form(), entry=None, status=413)
        entry = _save(request, form, entry=None)
        if entry is not None:
            if entry.status == Status.PUBLISHED:
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
    else:
        form = EntryForm()
    return _render_form(request, form, entry=None, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, slug: str):
    entry = selectors.entry_get_for_view(user=request.user, slug=slug)
    check_entry_edit_permission(user=request.user, entry=entry)
    if request.method == "POST":
        form = _form_from_post(request)
        if form is None:
            return _render_form(request, _too_big_form(), entry=entry, status=413)
        if _save(request, form, entry=entry) is not None:
            messages.success(request, _("Your changes are saved."))
            return redirect(entry)
    else:
        form = EntryForm(initial=EntryForm.initial_for(entry))
    return _render_form(request, form, entry=entry, status=400 if form.errors else 200)
