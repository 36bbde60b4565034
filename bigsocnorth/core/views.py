"""The home page, the standing pages, the design page and the health check."""

from __future__ import annotations

import logging

from django import forms
from django.db import DatabaseError, connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bigsocnorth.core import design as tokens
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.sections import HOME, figures_for, scope_for, sections_for

logger = logging.getLogger(__name__)

# "Near you" on the home page: the area chosen, remembered for a year.
HOME_SCOPE_COOKIE = "home_area"
HOME_SCOPE_MAX_AGE = 365 * 24 * 3600


@require_GET
@cached_for_visitors(vary_on_cookies=(HOME_SCOPE_COOKIE,))
def home(request):
    """What is happening now across the North, or near the person, from every installed app."""
    scope = scope_for(HOME, request=request, remembered=request.COOKIES.get(HOME_SCOPE_COOKIE, ""))
    response = render(
        request,
        "core/home.html",
        {
            "scope": scope,
            "figures": figures_for(obj=scope.obj),
            "sections": sections_for(HOME, obj=scope.obj, user=request.user),
        },
    )
    if scope.remember == "":
        response.delete_cookie(HOME_SCOPE_COOKIE)
    elif scope.remember is not None:
        response.set_cookie(
            HOME_SCOPE_COOKIE,
            scope.remember,
            max_age=HOME_SCOPE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_GET
def privacy(request):
    return render(request, "core/privacy.html")


@require_GET
def guidelines(request):
    return render(request, "core/guidelines.html")


class SampleForm(forms.Form):
    """Fields as every form shows them, for the design page (never saved anywhere)."""

    name = forms.CharField(label=_("Name of the group"), max_length=100)
    email = forms.EmailField(
        label=_("Contact email"),
        required=False,
        help_text=_("Shown to people who want to get in touch."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("group", _("Community group")), ("network", _("Network"))],
    )
    about = forms.CharField(label=_("About"), widget=forms.Textarea, required=False)
    agree = forms.BooleanField(label=_("I have read the community guidelines"))


# The sample form is always shown with errors: the data never comes from the request.
SAMPLE_DATA = {"name": "", "email": "not-an-address", "kind": "group", "about": ""}

TYPE_SCALE = ("step-4", "step-3", "step-2", "step-1", "step-0", "step--1")
SPACE_SCALE = ("space-1", "space-2", "space-3", "space-4", "space-5", "space-6", "space-7")
RADII = ("radius-s", "radius", "radius-l", "radius-pill")
SHADOWS = ("shadow-1", "shadow-2")
AVATAR_NAMES = ("Amara Okafor", "Tom Heslop", "Siobhan", "Hebden Bridge Repair Café", "Ravi Patel")


def _rem_to_px(value: str) -> int:
    return round(float(value.removesuffix("rem")) * 16) if value.endswith("rem") else 0


@require_GET
@cached_for_visitors
def design(request):
    """Every token and component of the design system, as the site uses them."""
    design_tokens = tokens.design_tokens()
    form = SampleForm(data=SAMPLE_DATA)
    form.is_valid()
    return render(
        request,
        "core/design.html",
        {
            "swatches": tokens.colour_swatches(design_tokens),
            "pairs": tokens.check_pairs(design_tokens),
            "type_scale": [(name, design_tokens[name]) for name in TYPE_SCALE],
            "space_scale": [
                (name, design_tokens[name], _rem_to_px(design_tokens[name])) for name in SPACE_SCALE
            ],
            "radii": RADII,
            "shadows": SHADOWS,
            "avatar_names": AVATAR_NAMES,
            "form": form,
        },
    )


@require_GET
def favicon(request):
    """/favicon.ico, which some clients ask for whatever the page says: the static file."""
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database unavailable: %s", error)
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def csrf_failure(request, reason=""):
    """A plain-English page instead of Django's technical one."""
    return render(request, "403_csrf.html", status=403)
