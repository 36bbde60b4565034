"""Reads about people."""

from __future__ import annotations

from allauth.mfa.models import Authenticator


def user_has_two_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
