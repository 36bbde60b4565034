"""Load invented demo content so a newcomer sees a living platform on first run.

The three login accounts get random passwords, printed once: on the run that
creates them. Never run this on a real deployment (it refuses when people
already have accounts, with --first-run-only).
"""

from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from bigsocnorth.accounts.models import Role, User
from bigsocnorth.accounts.services import (
    profile_create_for_new_user,
    profile_update,
    user_set_role,
)
from bigsocnorth.core.demo.directory import load_directory
from bigsocnorth.core.demo.people import LOGIN_ACCOUNTS, MEMBERS
from bigsocnorth.core.demo.stories import NEWCOMERS, load_stories
from bigsocnorth.places.models import LocalAuthority


class Command(BaseCommand):
    help = "Load demo people, a demo directory and demo stories into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--first-run-only",
            action="store_true",
            help="Do nothing when the database already has any account.",
        )

    def handle(self, *args, first_run_only: bool, **options):
        if first_run_only and User.objects.exists():
            return
        passwords = self._load_people()
        directory = self._load_directory()
        stories = self._load_stories()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data loaded: {entries} directory entries ({in_review} waiting for review), "
                "{networks} networks, {flags} flags for the moderators.".format(**directory)
            )
        )
        self.stdout.write(
            "Stories: {own} told here ({published} published, {new_voices} of them new voices; "
            "{in_review} waiting for review; {drafts} draft), {linked} linked from elsewhere. "
            "{feeds} news feeds are switched on: they are read once the site is running.".format(
                **stories
            )
        )
        self.stdout.write("You can log in as:")
        for email, role, password in passwords:
            self.stdout.write(f"  {role:<10} {email:<24} password: {password}")
        self.stdout.write(
            "These passwords are shown only this once. They are for development only."
        )

    @transaction.atomic
    def _load_people(self) -> list[tuple[str, str, str]]:
        areas = {la.code: la for la in LocalAuthority.objects.all()}
        created = []
        admin = None
        # The admin is made first, so the other roles are given through the
        # same service an admin uses.
        for email, role, name, pronouns, area_code, bio in sorted(
            LOGIN_ACCOUNTS, key=lambda account: account[1] != Role.ADMIN
        ):
            password = secrets.token_urlsafe(12)
            if role == Role.ADMIN:
                admin = User.objects.create_superuser(email=email, password=password)
                user = self._describe(admin, email, name, pronouns, areas[area_code], bio)
            else:
                user = self._person(email, name, pronouns, areas[area_code], bio, password)
                user_set_role(actor=admin, user=user, role=role)
            created.append((email, role, password))
        created.sort(key=lambda row: [account[0] for account in LOGIN_ACCOUNTS].index(row[0]))
        for number, (name, pronouns, area_code, bio) in enumerate(MEMBERS, start=1):
            self._person(f"demo{number}@example.org", name, pronouns, areas[area_code], bio, None)
        return created

    @transaction.atomic
    def _load_directory(self) -> dict:
        members = list(User.objects.filter(role=Role.MEMBER).order_by("pk"))
        moderator = User.objects.get(email="moderator@example.org")
        return load_directory(members=members, moderator=moderator)

    @transaction.atomic
    def _load_stories(self) -> dict:
        # Made only now, so they are not among the directory's authors: nothing of
        # theirs is published, and their first stories wait for review.
        codes = {newcomer[3] for newcomer in NEWCOMERS}
        areas = {la.code: la for la in LocalAuthority.objects.filter(code__in=codes)}
        for email, name, pronouns, area_code, bio in NEWCOMERS:
            self._person(email, name, pronouns, areas[area_code], bio, None)
        moderator = User.objects.get(email="moderator@example.org")
        return load_stories(moderator=moderator)

    def _person(self, email, name, pronouns, area, bio, password) -> User:
        user = User.objects.create_user(email=email, password=password)
        if password is None:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return self._describe(user, email, name, pronouns, area, bio)

    def _describe(self, user, email, name, pronouns, area, bio) -> User:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        profile = getattr(user, "profile", None) or profile_create_for_new_user(
            user=user, display_name=name, home_area=area
        )
        profile_update(
            profile=profile, display_name=name, pronouns=pronouns, home_area=area, bio=bio
        )
        return user
