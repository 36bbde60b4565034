"""`{% story_feed_links %}`: the <link rel="alternate"> tags that let feed readers find story feeds.

    {% load story_feeds %}
    {% block head %}{% story_feed_links area=area %}{% endblock %}

Give `tag` (text), `area` (a LocalAuthority, a Region or a slug) and/or
`entry` (a directory Entry): each gets its Atom, RSS and JSON Feed links.
With none of them, the links are to the feeds of all stories.
"""

from __future__ import annotations

from django import template

from bigsocnorth.stories.syndication import story_feed_links as feed_links_for

register = template.Library()


@register.inclusion_tag("stories/includes/feed_links.html")
def story_feed_links(tag=None, area=None, entry=None) -> dict:
    return {"feed_links": feed_links_for(tag=tag or None, area=area or None, entry=entry or None)}
