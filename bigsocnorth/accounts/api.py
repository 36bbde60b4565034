"""People in the API: your own profile (read and change) and public profiles.

`/api/v1/me` is the twin of `/profile/`, `/api/v1/people/{handle}` of
`/people/<handle>/`. Changes go through the same service as the web form,
so the same input gets the same answer.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict, Field

from bigsocnorth.accounts import selectors, services
from bigsocnorth.accounts.auth import api_auth
from bigsocnorth.accounts.models import Profile
from bigsocnorth.core.markdown import render_markdown

router = Router(tags=["people"])


class ProfileOut(Schema):
    handle: str = Field(description="The name in the profile's web address.")
    url: str = Field(description="The public profile page.")
    display_name: str
    pronouns: str
    bio: str = Field(description="About the person, in Markdown, as they wrote it.")
    bio_html: str = Field(description="The bio rendered to sanitised HTML.")
    home_area: str | None = Field(description="Slug of the person's local authority, if given.")
    links: list[str]


class MeOut(ProfileOut):
    role: str = Field(description="member, moderator or admin.")


class MePatch(Schema):
    """Any of these fields; the ones left out are not changed."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, description="Up to 80 characters.")
    pronouns: str | None = Field(default=None, description="Up to 40 characters.")
    bio: str | None = Field(default=None, description="Markdown, up to 5,000 characters.")
    home_area: str | None = Field(
        default=None, description="A local authority slug, or null for none."
    )
    links: list[str] | None = Field(
        default=None, description="Up to 5 web addresses starting with https:// or http://."
    )


class ErrorOut(Schema):
    message: str


def _profile_data(profile: Profile) -> dict:
    return {
        "handle": profile.handle,
        "url": settings.SITE_URL + profile.get_absolute_url(),
        "display_name": profile.display_name,
        "pronouns": profile.pronouns,
        "bio": profile.bio,
        "bio_html": str(render_markdown(profile.bio)),
        "home_area": profile.home_area.slug if profile.home_area else None,
        "links": list(profile.links),
    }


def _me_data(user, profile: Profile) -> dict:
    return {**_profile_data(profile), "role": user.role}


def _as_api_validation_error(error: DjangoValidationError) -> ValidationError:
    """A service's per-field errors in the shape the API's 422 handler reports."""
    errors = []
    for field, messages in error.message_dict.items():
        for message in messages:
            errors.append({"loc": ["body", "payload", field], "msg": message, "type": "invalid"})
    return ValidationError(errors)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=api_auth, summary="Your profile")
def me_detail(request):
    profile = services.profile_get_or_create_for_user(user=request.auth)
    return _me_data(request.auth, profile)


@router.patch(
    "/me",
    response={200: MeOut, 400: ErrorOut, 401: ErrorOut, 422: dict},
    auth=api_auth,
    summary="Change your profile",
)
def me_update(request, payload: MePatch):
    profile = services.profile_get_or_create_for_user(user=request.auth)
    changes = payload.model_dump(exclude_unset=True)
    # null clears an optional field; for the display name it is reported as missing.
    for name in ("pronouns", "bio"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if "links" in changes and changes["links"] is None:
        changes["links"] = []
    try:
        services.profile_update(profile=profile, **changes)
    except DjangoValidationError as error:
        raise _as_api_validation_error(error) from None
    return _me_data(request.auth, profile)


@router.get(
    "/people/{handle}",
    response={200: ProfileOut, 404: ErrorOut},
    summary="A person's public profile",
)
def person_detail(request, handle: str):
    profile = selectors.profile_get_public(handle=handle)
    if profile is None:
        raise Http404(_("There is no one with that profile name."))
    return _profile_data(profile)
