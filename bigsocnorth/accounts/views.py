"""Pages about people: your profile and account, public profiles, your data and deletion."""

from __future__ import annotations

import html

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.accounts import data_export, selectors, services
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
        "data_exports": data_export.data_export_list_for_user(user=user),
        "data_export_keep_days": data_export.KEEP_DAYS,
        "data_exports_per_day": data_export.PER_DAY,
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
@require_http_methods(["GET", "POST"])
def profile_export(request):
    """Ask for a copy of everything we hold about you; it is prepared in the background.

    The state of the copy, and its download, are shown in "Your data" on your
    profile page, where a GET comes back to.
    """
    back = redirect(reverse("accounts:profile_edit") + "#your-data")
    if request.method == "GET":
        return back
    try:
        data_export.data_export_request(user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "We are preparing a copy of your data. It usually takes a few minutes: "
                "we will tell you when it is ready to download."
            ),
        )
    return back


@never_cache
@login_required
@require_GET
def profile_export_download(request, export_id: int):
    """Your prepared copy, as a zip. Nobody else's, and not after it has expired."""
    export, path = data_export.data_export_get_for_download(user=request.user, export_id=export_id)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=data_export.data_export_download_name(export),
        content_type="application/zip",
    )
    response["X-Robots-Tag"] = "noindex"
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
