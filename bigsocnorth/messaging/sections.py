"""Private messages on the pages that gather sections: "Send a message" on a profile."""

from __future__ import annotations

from django.urls import reverse

from bigsocnorth.core.sections import Section
from bigsocnorth.messaging.permissions import is_signed_in


def profile_messaging_section(*, obj, user) -> Section | None:
    """A button to write to the person, for signed-in people other than the person themselves.

    Shown whether or not the person blocked the viewer: a block is never shown.
    No query: the profile page loads the person's profile with them.
    """
    if not is_signed_in(user) or obj is None or obj.pk == user.pk:
        return None
    profile = getattr(obj, "profile", None)
    if profile is None:
        return None
    return Section(
        template="messaging/includes/profile_section.html",
        context={
            "url": reverse("messaging:conversation_new", kwargs={"handle": profile.handle}),
            "name": profile.display_name,
        },
    )
