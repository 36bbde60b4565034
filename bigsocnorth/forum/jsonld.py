"""schema.org DiscussionForumPosting for a topic page, with the page's posts as comments."""

from __future__ import annotations

from bigsocnorth.core.feeds import absolute_url
from bigsocnorth.core.jsonld import json_ld_script_content
from bigsocnorth.forum.text import plain_text
from bigsocnorth.moderation.permissions import is_public


def _person(user) -> dict:
    profile = getattr(user, "profile", None) if user is not None else None
    if profile is None:
        return {"@type": "Person", "name": "Someone"}
    return {
        "@type": "Person",
        "name": profile.display_name,
        "url": absolute_url(profile.get_absolute_url()),
    }


def topic_jsonld(*, topic, posts, page):
    """Only for public topics: what search engines read as a forum thread."""
    if not is_public(topic):
        return ""
    public = [post for post in posts if is_public(post)]
    opening = public[0] if public and public[0].number == 1 else None
    data = {
        "@context": "https://schema.org",
        "@type": "DiscussionForumPosting",
        "@id": absolute_url(topic.get_absolute_url()),
        "url": absolute_url(topic.get_absolute_url()),
        "headline": topic.title,
        "author": _person(topic.author),
        "datePublished": (topic.published_at or topic.created_at).isoformat(),
        "interactionStatistic": [
            {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/CommentAction",
                "userInteractionCount": topic.reply_count,
            },
            {
                "@type": "InteractionCounter",
                "interactionType": "https://schema.org/LikeAction",
                "userInteractionCount": topic.like_count,
            },
        ],
    }
    if opening is not None:
        data["text"] = plain_text(opening.body, chars=2000)
    comments = [post for post in public if post.number > 1]
    if comments:
        data["comment"] = [
            {
                "@type": "Comment",
                "url": absolute_url(post.get_absolute_url()),
                "author": _person(post.author),
                "datePublished": post.created_at.isoformat(),
                "text": plain_text(post.body, chars=2000),
            }
            for post in comments
        ]
    return json_ld_script_content(data)
