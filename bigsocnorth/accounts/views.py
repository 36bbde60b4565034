"""Pages about people: your profile and account, public profiles, export and deletion."""

from __future__ import annotations

import html

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.accounts import selectors, services
from bigsocnorth.accounts.forms import AccountDeleteForm, ApiTokenCreateForm, ProfileForm
from bigsocnorth.accounts.models import ApiToken
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.sections import PROFILE, sections_for

# The new token's secret waits here between the POST that made it and the one
# page view that shows it (POST, redirect, GET).
NEW_TOKEN_SESSION_KEY = "accounts_new_api_token"  # noqa: S105 - a key name, not a secret


def _render_profile_edit(request, *, profile, form, token_form) -> HttpResponse:
    user = request.user
    context = {
        "profile": profile,
        "form": form,
        "token_form": token_form,
        "tokens": list(selectors.api_token_list_for_user(user=user)),
        "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        "email_addresses": selectors.user_email_addresses(user=user),
        "has_two_factor": selectors.user_has_two_factor(user=user),
    }
    return render(request, "accounts/profile_edit/index.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    """Your profile in your own words, and everything about your account."""
    profile = services.profile_get_or_create_for_user(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update(
                    profile=profile,
                    **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile_edit")
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(profile))
    return _render_profile_edit(
        request, profile=profile, form=form, token_form=ApiTokenCreateForm()
    )


@never_cache
@login_required
@require_POST
def api_token_create(request):
    form = ApiTokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"name": token.name, "secret": secret}
            messages.success(request, _("Your new API token is ready. Copy it now."))
            return redirect(reverse("accounts:profile_edit") + "#api-tokens")
    profile = services.profile_get_or_create_for_user(user=request.user)
    return _render_profile_edit(
        request,
        profile=profile,
        form=ProfileForm(initial=ProfileForm.initial_for(profile)),
        token_form=form,
    )


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id)
    if services.api_token_revoke(actor=request.user, token=token):
        message = _("The token “%(name)s” is revoked and no longer works.")
        messages.success(request, message % {"name": token.name})
    else:
        messages.info(request, _("That token was already revoked."))
    return redirect(reverse("accounts:profile_edit") + "#api-tokens")


@require_GET
@cached_for_visitors
def profile_detail(request, handle: str):
    profile = selectors.profile_get_public(handle=handle, viewer=request.user)
    if profile is None:
        raise Http404(_("There is no one with that profile name."))
    bio_html = render_markdown(profile.bio)
    description = Truncator(html.unescape(strip_tags(bio_html)).strip()).chars(200)
    context = {
        "profile": profile,
        "bio_html": bio_html,
        "description": description,
        "home_area_url": _area_url(profile.home_area),
        "canonical_url": request.build_absolute_uri(profile.get_absolute_url()),
        # What the person did, from every installed content type (stories told…).
        "sections": sections_for(PROFILE, obj=profile.user, user=request.user),
    }
    return render(request, "accounts/profile_detail/index.html", context)


def _area_url(area) -> str | None:
    # Area pages belong to the places app and may not be published yet.
    if area is None:
        return None
    try:
        return area.get_absolute_url()
    except NoReverseMatch:
        return None


@never_cache
@login_required
@require_GET
def profile_export(request):
    """Everything we hold about your account, as a JSON file to keep."""
    data = selectors.user_export_data(user=request.user)
    filename = f"bigsocnorth-my-data-{timezone.localdate().isoformat()}.json"
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile_delete(request):
    """Delete your account, after typing your password."""
    if request.method == "POST":
        form = AccountDeleteForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.user_delete(user=request.user)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                logout(request)
                messages.success(
                    request,
                    _("Your account and profile are deleted. Thank you for being part of this."),
                )
                return redirect("core:home")
    else:
        form = AccountDeleteForm(user=request.user)
    return render(request, "accounts/profile_delete/index.html", {"form": form})
