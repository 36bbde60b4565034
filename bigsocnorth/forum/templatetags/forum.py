"""Template filters for posts: their text as safe HTML, their cards, a short excerpt."""

from __future__ import annotations

from django import template

from bigsocnorth.forum import text

register = template.Library()


@register.filter
def post_html(post):
    return text.post_html(post.body, post.mentions)


@register.filter
def post_excerpt(post):
    return text.plain_excerpt(post.body)


@register.filter
def cards_for(post, cards: dict):
    """The cards (search documents) of the site pages this post links to, in its order."""
    return [cards[path] for path in post.site_paths if path in cards]
