"""Notification pages. Every read goes through the selectors, every write through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.core.pagination import page_number
from bigsocnorth.notifications import registry, selectors, services
from bigsocnorth.notifications.emails import unsubscribe_token_check
from bigsocnorth.notifications.forms import EmailPreferenceForm
from bigsocnorth.notifications.models import EmailFrequency
from bigsocnorth.notifications.templatetags.notification_tags import follow_button_context


def _safe_next(request, default: str) -> str:
    """The `next` address if it is on this site, else `default` (no open redirects)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@never_cache
@login_required
@require_GET
def notification_list(request):
    page = selectors.notification_page_for_user(user=request.user, page=page_number(request))
    return render(
        request,
        "notifications/notification_list/index.html",
        {"page_obj": page, "notifications": page.object_list},
    )


@never_cache
@login_required
@require_GET
def notification_open(request, notification_id: int):
    """Mark one of your notifications read and go to what it is about."""
    notification = selectors.notification_get_for_user(
        user=request.user, notification_id=notification_id
    )
    services.notification_mark_read(user=request.user, notification=notification)
    # Stored as a path on this site; checked again so a bad row can never
    # turn this into an open redirect.
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:list")


@never_cache
@login_required
@require_POST
def notifications_mark_all_read(request):
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:list")


@never_cache
@login_required
@require_GET
def following_list(request):
    return render(
        request,
        "notifications/following_list/index.html",
        {"items": selectors.follow_list_for_user(user=request.user)},
    )


def _follow_change(request, *, follow: bool):
    following_url = reverse("notifications:following")
    if not request.user.is_authenticated:
        # Back to the page with the button once logged in, not to this POST-only address.
        return redirect_to_login(_safe_next(request, default=following_url))
    key = request.POST.get("type", "")
    object_id = request.POST.get("id", "")
    if follow:
        target = selectors.followable_get(user=request.user, key=key, object_id=object_id)
    else:
        # Something hidden or removed since must still be unfollowable.
        target = selectors.followable_get_for_unfollow(key=key, object_id=object_id)
    if target is None:
        raise Http404
    followable = registry.followable_for(target)
    # A thing gone since (a bare stand-in, see the selector) has no page to return to.
    page_url = None if target._state.adding else followable.url_for(target)
    next_url = _safe_next(request, default=page_url or following_url)
    title = str(target) or _("this")
    error = ""
    try:
        if follow:
            services.follow_create(user=request.user, target=target)
        else:
            services.follow_delete(user=request.user, target=target)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        # Only the button is swapped; its new words say what happened.
        context = follow_button_context(request=request, obj=target, next_url=next_url)
        context["error"] = error
        # Always 200: htmx does not swap error responses, and the refusal is
        # shown in place of the button.
        return render(request, "notifications/includes/follow_button.html#inner", context)
    if error:
        messages.error(request, error)
    elif follow:
        messages.success(
            request,
            _("You follow “%(title)s”. You will hear about it in your notifications.")
            % {"title": title},
        )
    else:
        messages.success(request, _("You no longer follow “%(title)s”.") % {"title": title})
    return redirect(next_url)


@never_cache
@require_POST
def follow_create(request):
    return _follow_change(request, follow=True)


@never_cache
@require_POST
def follow_delete(request):
    return _follow_change(request, follow=False)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    current = selectors.email_frequency_for_user(user=request.user)
    if request.method == "POST":
        form = EmailPreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.notification_preference_update(
                    user=request.user, email_frequency=form.cleaned_data["email_frequency"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your email settings are saved."))
                return redirect("notifications:settings")
    else:
        form = EmailPreferenceForm(initial={"email_frequency": current})
    return render(
        request,
        "notifications/notification_settings/index.html",
        {"form": form, "followables": registry.followable_types()},
        status=400 if form.errors else 200,
    )


@never_cache
# Mail providers post here for one-click unsubscribing (RFC 8058) without a
# session or CSRF cookie; the signed token is what authorises the change.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Stop notification emails, from a link in an email; no login needed.

    A GET only shows the page with its one button: link scanners and
    previews fetch every link in an email, and must not switch anyone's
    email off. The button, and the List-Unsubscribe-Post request mail
    providers send, do it.
    """
    user_id = unsubscribe_token_check(token=token)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return render(request, "notifications/unsubscribe/index.html", {"valid": False}, status=400)
    if request.method == "POST":
        services.email_unsubscribe(user=user)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            # A mail provider's request: it wants a plain success, not a redirect.
            return render(
                request,
                "notifications/unsubscribe/index.html",
                {"valid": True, "unsubscribed": True},
            )
        return redirect(request.path)
    unsubscribed = selectors.email_frequency_for_user(user=user) == EmailFrequency.NEVER
    return render(
        request,
        "notifications/unsubscribe/index.html",
        {"valid": True, "unsubscribed": unsubscribed},
    )
