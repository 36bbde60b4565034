"""Template helpers: the follow button for any followable thing, and the header's notices link.

{% load notification_tags %}
{% follow_button entry %}
{% notifications_nav_link %}
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from bigsocnorth.notifications import registry, selectors

register = template.Library()


def follow_button_context(*, request, obj, next_url: str | None = None) -> dict:
    """What notifications/includes/follow_button.html needs; the follow views use it too."""
    followable = registry.followable_for(obj) if obj is not None else None
    if followable is None or obj.pk is None:
        return {"followable": None}
    user = getattr(request, "user", None)
    if next_url is None:
        next_url = request.get_full_path() if request is not None else ""
    return {
        "followable": followable,
        "target": obj,
        "title": str(obj),
        "label": followable.label,
        "key": followable.key,
        "user": user,
        "is_authenticated": bool(user is not None and user.is_authenticated),
        "following": selectors.follow_exists(user=user, target=obj),
        "next_url": next_url,
        # Stable across the htmx swap, so htmx puts the focus back on it.
        "button_id": f"follow-{followable.key.replace('.', '-')}-{obj.pk}",
        "error": "",
    }


@register.inclusion_tag("notifications/includes/follow_button.html", takes_context=True)
def follow_button(context, obj):
    """A POST form: "Follow", or "Following — unfollow"; a login link for visitors.

    One query (whether the person follows it); none for anonymous visitors.
    Renders nothing for a thing that cannot be followed.
    """
    return follow_button_context(request=context.get("request"), obj=obj)


@register.inclusion_tag("notifications/includes/nav_link.html", takes_context=True)
def notifications_nav_link(context):
    """The "Notifications" link with the unread count: one small, capped query."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    count = selectors.unread_notification_count(user=user)
    url = reverse("notifications:list")
    return {
        "url": url,
        "count": min(count, selectors.UNREAD_COUNT_CAP),
        "more": count > selectors.UNREAD_COUNT_CAP,
        "current": bool(request is not None and request.path == url),
    }
