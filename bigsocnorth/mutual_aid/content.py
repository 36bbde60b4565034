"""Needs and offers as a content type: how they plug into every shared mechanism.

Found at start-up (see docs/adding-a-content-type.md). A post is moderated
(safeguarding holds some for review whoever wrote them), searched by its
title and description, on the map at its area's centre while open, followed
by area and by kind of help, and shown on area, entry and home pages. Matches
are not content: they are private answers, kept by the services.
"""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bigsocnorth.core import sections
from bigsocnorth.core.demo.registry import register_demo
from bigsocnorth.core.navigation import register_menu_item
from bigsocnorth.core.scheduler import register_job
from bigsocnorth.mapping import registry as map_registry
from bigsocnorth.moderation import registry as moderation
from bigsocnorth.moderation.changes import Change
from bigsocnorth.mutual_aid import notices
from bigsocnorth.mutual_aid.demo import load_mutual_aid_demo
from bigsocnorth.mutual_aid.indexing import (
    post_index_queryset,
    post_map_points,
    post_search_fields,
)
from bigsocnorth.mutual_aid.models import AidCategory, Post, PostKind
from bigsocnorth.mutual_aid.permissions import can_edit_post
from bigsocnorth.mutual_aid.sections import (
    area_posts_section,
    entry_posts_section,
    home_posts_section,
    open_needs_figure,
)
from bigsocnorth.notifications import registry as follows
from bigsocnorth.search import registry as search_registry


def post_changed(change: Change) -> None:
    if change.first_publication:
        actor = change.obj.author if change.is_new else None
        notices.post_published_notify(post=change.obj, actor=actor)


@cache
def _categories() -> list[tuple[str, str]]:
    # Reference data a migration loads and nothing edits: read once a process, not on every
    # search that checks a category against every type's.
    return list(AidCategory.objects.values_list("slug", "name"))


def posts_expiring(**_kwargs) -> list[str]:
    warned, lapsed = notices.posts_expiring_warn(), notices.posts_lapse()
    lines = []
    if warned:
        lines.append(f"needs and offers: {warned} posters asked if still needed")
    if lapsed:
        lines.append(f"needs and offers: {lapsed} lapsed")
    return lines


moderation.register(
    Post,
    title_attr="title",
    on_change=post_changed,
    editable_by=lambda user, post: can_edit_post(user, post),
)
search_registry.register(
    Post,
    key="aid",
    label=_("Need or offer"),
    build=post_search_fields,
    queryset=post_index_queryset,
)
map_registry.register(
    Post,
    key="aid",
    label=_("Needs and offers"),
    points=post_map_points,
    queryset=post_index_queryset,
    search_type="aid",
    kinds=lambda: [(value, str(label)) for value, label in PostKind.choices],
    categories=_categories,
    add_label=_("Post a need or an offer here"),
    add_url_name="mutual_aid:post_create",
    colour="#8a3b12",
    icon="help",
)
follows.register(AidCategory, key="mutual_aid.category", label=_("kind of help"))
sections.register_section(sections.AREA, "mutual_aid", build=area_posts_section, order=50)
sections.register_section(sections.ENTRY, "mutual_aid", build=entry_posts_section, order=60)
sections.register_section(sections.HOME, "mutual_aid", build=home_posts_section, order=50)
sections.register_figure(
    "mutual_aid",
    label=lambda count: (
        ngettext("%(count)s open need", "%(count)s open needs", count) % {"count": count}
    ),
    count=open_needs_figure,
    order=70,
)
register_menu_item("mutual_aid:post_list", label=_("Needs and offers"), order=70)
register_job("mutual_aid_expiry", run=posts_expiring)
register_demo("mutual_aid", load=load_mutual_aid_demo, order=70)
