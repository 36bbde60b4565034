"""Moderators and admins must turn on two-factor authentication before acting."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from bigsocnorth.accounts.selectors import user_has_two_factor


@cache
def _allowed_prefixes() -> tuple[str, ...]:
    """Paths a moderator without two-factor may still use.

    Setting it up (which may first ask for the password again), logging
    out, and what those pages load.
    """
    return (
        reverse("mfa_index"),
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        settings.STATIC_URL,
        reverse("healthz"),
    )


class RequireStaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_two_factor(request):
            message = _(
                "Moderators and admins must turn on two-factor authentication before going on."
            )
            if request.path.startswith("/api/"):
                return JsonResponse({"message": message}, status=403)
            messages.warning(request, message)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up_two_factor(self, request) -> bool:
        if not settings.REQUIRE_STAFF_TWO_FACTOR:
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if not user.is_moderator:
            return False
        if request.path.startswith(_allowed_prefixes()):
            return False
        return not user_has_two_factor(user=user)
