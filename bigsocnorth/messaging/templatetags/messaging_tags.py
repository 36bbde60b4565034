"""Template helpers for private messages.

{% load messaging_tags %}
{% messages_nav_link %}   the header's "Messages" link
"""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("messaging/includes/nav_link.html", takes_context=True)
def messages_nav_link(context):
    """The "Messages" link in every signed-in page's header. It asks no query: a new
    message is also a notification, whose unread count the header shows already."""
    request = context.get("request")
    url = reverse("messaging:inbox")
    return {"url": url, "current": bool(request is not None and request.path.startswith(url))}
