"""The gathering page's open formats: its schema.org JSON-LD, read from what the page has."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from bigsocnorth.events.jsonld import gathering_jsonld

register = template.Library()


@register.simple_tag
def gathering_json_ld(gathering, entries=()):
    """<script type="application/ld+json"> for a public gathering; nothing for any other.

    Reads only what the page's selector has already read (the public groups
    organising it are `entries`), so it adds no query.
    """
    content = gathering_jsonld(gathering, entries=entries or ())
    if not content:
        return ""
    return format_html('<script type="application/ld+json">{}</script>', content)
