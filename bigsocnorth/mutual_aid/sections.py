"""Needs and offers on the pages that gather content: areas, entries and home."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from bigsocnorth.core.sections import Section
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.mutual_aid.models import VolunteerChecks
from bigsocnorth.mutual_aid.permissions import can_declare_checks
from bigsocnorth.mutual_aid.selectors import PostFilters, post_list

AREA_PAGE_POSTS = 5
ENTRY_PAGE_POSTS = 5
HOME_PAGE_POSTS = 4
HEAD = "mutual_aid/includes/section_head.html"


def list_url(area=None, **extra) -> str:
    query = {"area": area.slug} if area is not None else {}
    query.update(extra)
    url = reverse("mutual_aid:post_list")
    return f"{url}?{urlencode(query)}" if query else url


def area_posts_section(*, obj, user) -> Section:
    """The most pressing open needs and offers in the area."""
    posts = post_list(PostFilters(area=obj))
    shown = list(posts[:AREA_PAGE_POSTS])
    count = len(shown) if len(shown) < AREA_PAGE_POSTS else posts.count()
    return Section(
        template="mutual_aid/includes/area_posts.html",
        head_template=HEAD,
        context={
            "posts": shown,
            "count": count,
            "more_url": list_url(obj),
            "add_url": reverse("mutual_aid:post_create"),
            "data_url": reverse("mutual_aid:open_data") + f"?area={obj.slug}",
        },
    )


def entry_posts_section(*, obj, user) -> Section | None:
    """A group's open needs and offers, and its own word on checking its volunteers."""
    if not is_public(obj):
        return None
    posts = list(post_list(PostFilters()).filter(entry=obj)[:ENTRY_PAGE_POSTS])
    checks = VolunteerChecks.objects.filter(entry=obj).first()
    # The people who look after the entry are offered to say how they check volunteers.
    checks_url = (
        reverse("mutual_aid:checks_declare", kwargs={"entry_slug": obj.slug})
        if can_declare_checks(user, obj)
        else None
    )
    if not posts and checks is None and checks_url is None:
        return None
    return Section(
        template="mutual_aid/includes/entry_posts.html",
        head_template=HEAD,
        context={"posts": posts, "checks": checks, "checks_url": checks_url},
    )


def home_posts_section(*, obj, user) -> Section | None:
    posts = post_list(PostFilters(area=obj))
    shown = list(posts[:HOME_PAGE_POSTS])
    if not shown:
        return None
    return Section(
        template="mutual_aid/includes/home_posts.html",
        head_template=HEAD,
        context={"posts": shown, "more_url": list_url(obj)},
    )


def open_needs_figure(*, obj) -> tuple[int, str]:
    return post_list(PostFilters(kind="need", area=obj)).count(), list_url(obj, kind="need")
