"""factory_boy factories for people."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from bigsocnorth.accounts.models import Profile, Role, User


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified email address and a profile."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    role = Role.MEMBER
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-passphrase-42")

    @factory.post_generation
    def finish(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        ProfileFactory(user=self)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    handle = factory.Sequence(lambda n: f"person-{n}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
