"""What stories hold about a person, for their data export (accounts/personal_data.py):
the stories they told or shared, with their pictures."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import register_personal_data, rows, site_url
from bigsocnorth.stories.models import Story, StoryPicture

STORY_FIELDS = (
    "id",
    "uuid",
    "kind",
    "title",
    "slug",
    "summary",
    "body",
    "tags",
    "place_name",
    "latitude",
    "longitude",
    "approximate_location",
    "local_authority__name",
    "on_behalf_of__name",
    "image",
    "image_alt",
    "url",
    "source_name",
    "source_published_at",
    "status",
    "created_at",
    "updated_at",
    "published_at",
)


def stories_personal_data(user):
    stories = rows(Story.objects.filter(author=user).order_by("created_at", "pk"), *STORY_FIELDS)
    pictures: dict[int, list[dict]] = {}
    for picture in (
        StoryPicture.objects.filter(story__author=user)
        .order_by("pk")
        .values("story_id", "image", "alt", "created_at")
    ):
        pictures.setdefault(picture.pop("story_id"), []).append(picture)
    files = []
    for story in stories:
        story["area"] = story.pop("local_authority__name")
        story["on_behalf_of"] = story.pop("on_behalf_of__name")
        story["page"] = site_url(reverse("stories:story_detail", kwargs={"slug": story["slug"]}))
        story["pictures"] = pictures.get(story["id"], [])
        files.extend([story["image"], *(picture["image"] for picture in story["pictures"])])
    return {"stories": stories}, [name for name in files if name]


register_personal_data(
    "stories",
    describe=_(
        "The stories you told here or shared from elsewhere, in every state (drafts too), "
        "with their pictures in uploads/."
    ),
    collect=stories_personal_data,
    covers=(Story,),
)
