"""The forum as a content type: how topics and their posts plug into the shared mechanisms.

Found at start-up (see docs/adding-a-content-type.md). A topic is
moderated, searched, shown on area, profile and home pages, and can be the
discussion of any other content (the CONTENT section under it). Its posts
are parts of it: moderated one by one, shown on its page. Topics have no
point of their own, so they are not on the map.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bigsocnorth.core import sections
from bigsocnorth.core.demo.registry import register_demo
from bigsocnorth.core.navigation import register_menu_item
from bigsocnorth.forum import notices
from bigsocnorth.forum.demo import load_forum_demo
from bigsocnorth.forum.models import Category, Post, Topic
from bigsocnorth.forum.permissions import can_edit_post
from bigsocnorth.forum.reply_addresses import forum_reply_to
from bigsocnorth.forum.search_document import topic_search_fields, topic_search_queryset
from bigsocnorth.forum.sections import (
    area_topics_section,
    discussion_section,
    home_topics_section,
    profile_topics_section,
)
from bigsocnorth.forum.selectors import CATEGORY_CHOICES_KEY, category_choices
from bigsocnorth.forum.services import (
    category_counts_refresh,
    reply_counted,
    topic_counts_refresh,
)
from bigsocnorth.moderation import registry as moderation
from bigsocnorth.moderation.changes import Change, content_changed
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.notifications import registry as notifications_registry
from bigsocnorth.search import registry as search_registry


def topic_changed(change: Change) -> None:
    topic = change.obj
    if change.is_new or change.previous_status != topic.status:
        category_counts_refresh(topic.category_id)
    if change.first_publication:
        opening = topic.posts.filter(number=1).first()
        if opening is not None:
            notices.topic_published_notify(topic=topic, opening=opening)


def post_changed(change: Change) -> None:
    """A post added, approved, hidden or edited: the topic's counts follow, and the
    opening post's text is the topic's, so the topic's indexes follow it too."""
    post = change.obj
    topic = post.topic
    if change.is_new and post.number > 1 and is_public(post):
        # The common case, on every reply: added to what the topic keeps, no
        # recount; and a reply changes no category's count of topics.
        reply_counted(post)
    else:
        topic_counts_refresh(topic)
        if post.number == 1 and not change.is_new:
            content_changed(topic, previous_status=topic.status)
        elif post.number > 1 and is_public(topic) and change.previous_status != post.status:
            category_counts_refresh(topic.category_id)
    if change.first_publication and post.number > 1:
        notices.post_published_notify(post=post)


moderation.register(
    Topic,
    title_attr="title",
    on_change=topic_changed,
    refresh=("category", "local_authority"),
    editable_by=lambda user, topic: bool(
        user.is_authenticated and (user.is_moderator or topic.author_id == user.pk)
    ),
)
moderation.register(
    Post,
    title_attr="title",
    on_change=post_changed,
    part_of="topic",
    editable_by=lambda user, post: can_edit_post(user=user, post=post),
)
search_registry.register(
    Topic,
    key="topic",
    label=_("Forum topic"),
    build=topic_search_fields,
    queryset=topic_search_queryset,
    categories=category_choices,
)
sections.register_section(sections.AREA, "forum", build=area_topics_section, order=50)
sections.register_section(sections.PROFILE, "forum", build=profile_topics_section, order=50)
sections.register_section(sections.HOME, "forum", build=home_topics_section, order=50)
sections.register_section(sections.CONTENT, "discussion", build=discussion_section, order=50)
sections.register_figure(
    "forum",
    label=lambda count: (
        ngettext("%(count)s forum topic", "%(count)s forum topics", count) % {"count": count}
    ),
    count=lambda *, obj: _topics_figure(obj),
    order=60,
)
register_menu_item("forum:latest", label=_("Forum"), order=50)
register_demo("forum", load=load_forum_demo, order=50)


def _categories_changed(sender, **kwargs) -> None:
    cache.delete(CATEGORY_CHOICES_KEY)


post_save.connect(_categories_changed, sender=Category, dispatch_uid="forum-categories-saved")
post_delete.connect(_categories_changed, sender=Category, dispatch_uid="forum-categories-gone")
notifications_registry.register_reply_to("forum.", forum_reply_to)


def _topics_figure(obj) -> tuple[int, str]:
    from django.urls import reverse

    from bigsocnorth.forum.sections import _in_area

    topics = Topic.objects.public()
    if obj is not None:
        topics = _in_area(topics, obj)
    return topics.count(), reverse("forum:latest")
