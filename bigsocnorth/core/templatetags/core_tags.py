"""Template helpers for the design system: avatars, and the site name and menu of the layout.

{% load core_tags %}
{{ person.display_name|initials }}   "Amara Okafor" -> "AO"
{{ person.display_name|avatar_colour }}   a number from 0 to 7, the same for the same name
{% site_name %}   settings.SITE_NAME, also where a page has no context (the 500 page)
"""

from __future__ import annotations

import hashlib
import unicodedata

from django import template
from django.conf import settings

from bigsocnorth.core.navigation import navigation_for

register = template.Library()

# .avatar-0 … .avatar-7 in site.css: each passes 4.5:1 with white initials.
AVATAR_COLOURS = 8


def _letter(word: str) -> str:
    for character in word:
        if unicodedata.category(character)[0] in ("L", "N"):
            return character
    return ""


@register.filter
def initials(name) -> str:
    """Up to two letters: the first of the first and last words ("Mary-Jo van Dyke" -> "MD")."""
    words = [word for word in str(name or "").split() if _letter(word)]
    if not words:
        return ""
    if len(words) == 1:
        return _letter(words[0]).upper()
    return (_letter(words[0]) + _letter(words[-1])).upper()


@register.filter
def avatar_colour(name) -> int:
    """Which of the avatar colours a name gets: stable across processes and restarts."""
    digest = hashlib.blake2s(str(name or "").strip().casefold().encode("utf-8"), digest_size=2)
    return int.from_bytes(digest.digest(), "big") % AVATAR_COLOURS


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME


@register.simple_tag(takes_context=True)
def site_navigation(context) -> list[dict]:
    """The main menu: from the context processor, or built without a request (error pages)."""
    items = context.get("main_navigation")
    if items is None:
        items = navigation_for(context.get("request"))
    return items


@register.inclusion_tag("includes/content_sections.html", takes_context=True)
def content_sections(context, obj):
    """What other types show under one piece of content (its discussion, say)."""
    from bigsocnorth.core.sections import CONTENT, sections_for

    request = context.get("request")
    return {
        "sections": sections_for(CONTENT, obj=obj, user=getattr(request, "user", None)),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
