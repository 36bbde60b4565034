"""What the forum shows on pages that gather content: areas, profiles, the home page,
and under anything that can be discussed."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from bigsocnorth.core.sections import Section
from bigsocnorth.forum.models import DiscussionOff, Post
from bigsocnorth.forum.selectors import discussion_for, topic_cards
from bigsocnorth.moderation import registry as moderation_registry
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.places.models import LocalAuthority

AREA_TOPICS = 5
HOME_TOPICS = 5
PROFILE_TOPICS = 5
DISCUSSION_POSTS = 5


def _in_area(topics, area):
    if isinstance(area, LocalAuthority):
        return topics.filter(local_authority=area)
    return topics.filter(local_authority__region=area)


def area_topics_section(*, obj, user) -> Section | None:
    topics = list(_in_area(topic_cards(), obj).order_by("-last_posted_at", "-id")[:AREA_TOPICS])
    if not topics:
        return None
    return Section(
        template="forum/includes/area_topics.html",
        context={"topics": topics, "more_url": reverse("forum:latest")},
    )


def home_topics_section(*, obj, user) -> Section | None:
    """Active conversations: the topics with the newest posts, across the North or nearby."""
    topics = topic_cards()
    if obj is not None:
        topics = _in_area(topics, obj)
    topics = list(topics.order_by("-last_posted_at", "-id")[:HOME_TOPICS])
    if not topics:
        return None
    return Section(
        template="forum/includes/home_topics.html",
        context={"topics": topics, "more_url": reverse("forum:latest")},
    )


def profile_topics_section(*, obj, user) -> Section | None:
    topics = list(topic_cards().filter(author=obj).order_by("-created_at", "-id")[:PROFILE_TOPICS])
    if not topics:
        return None
    return Section(template="forum/includes/profile_topics.html", context={"topics": topics})


def can_turn_discussion_off(*, user, subject) -> bool:
    """The subject's owners (whoever may edit it, as its type says) and moderators."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_moderator:
        return True
    registered = moderation_registry.registered_type_for(type(subject))
    return bool(registered and registered.editable_by and registered.editable_by(user, subject))


def discussion_is_off(subject) -> bool:
    return DiscussionOff.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).exists()


def discussion_section(*, obj, user) -> Section | None:
    """Under an entry, story, cut or gathering: its discussion, or a way to start one."""
    if not is_public(obj):
        return None
    topic = discussion_for(obj)
    off = discussion_is_off(obj)
    posts = []
    if topic is not None and is_public(topic):
        posts = list(
            Post.objects.public()
            .filter(topic=topic)
            .select_related("author__profile")
            .order_by("-number")[:DISCUSSION_POSTS]
        )[::-1]
    elif topic is not None:
        topic = None
    if off and topic is None and not can_turn_discussion_off(user=user, subject=obj):
        return None
    content_type = ContentType.objects.get_for_model(obj)
    return Section(
        template="forum/includes/discussion.html",
        context={
            "topic": topic,
            "posts": posts,
            "off": off,
            "can_turn_off": can_turn_discussion_off(user=user, subject=obj),
            "start_url": reverse(
                "forum:discussion_start",
                kwargs={"content_type_id": content_type.pk, "object_id": obj.pk},
            ),
            "switch_url": reverse(
                "forum:discussion_switch",
                kwargs={"content_type_id": content_type.pk, "object_id": obj.pk},
            ),
            "signed_in": bool(user and user.is_authenticated),
        },
    )
