"""allauth hooks: every new account gets a profile, and emails speak with the site's name."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    # The messages people see most, in plainer English than allauth's.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "The email address or password is not right. Check them and try again."
        ),
        "email_taken": _(
            "There is already an account with this email address. Log in, or reset "
            "your password if you have forgotten it."
        ),
        "incorrect_password": _("That is not your current password."),
        "too_many_login_attempts": _(
            "Too many failed attempts to log in. Wait a few minutes, then try again."
        ),
        "rate_limited": _("Too many tries in a short time. Wait a minute, then try again."),
    }

    def save_user(self, request, user, form, commit=True):
        """Save the new user and their profile together.

        The sign-up form's display name and home area (already checked by
        the form, with the same rules the service applies) go to the profile.
        """
        if not commit:
            return super().save_user(request, user, form, commit=False)
        from bigsocnorth.accounts.services import profile_create_for_new_user

        data = getattr(form, "cleaned_data", {}) or {}
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            profile_create_for_new_user(
                user=user,
                display_name=data.get("display_name") or "",
                home_area=data.get("home_area"),
            )
        return user

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failed logins per "site domain:login", and without the
        # sites framework the domain is the request's Host header: a guesser
        # could then spread attempts over every allowed host name (or app
        # processes reached on their own ports) and get five for each. The
        # count is per account, whichever host the request names.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"login:{login}"

    def send_mail(self, template_prefix, email, context):
        # Emails are rendered without the template context processors'
        # guarantees (for example from the worker), so name the site here.
        context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
        return super().send_mail(template_prefix, email, context)
