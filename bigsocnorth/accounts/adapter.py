"""allauth hooks: every new account gets a profile."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from bigsocnorth.accounts.services import profile_create_for_new_user

            profile_create_for_new_user(user=user)
        return user
