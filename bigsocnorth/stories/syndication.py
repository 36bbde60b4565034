"""Published stories out to the world: Atom 1.0, RSS 2.0 and JSON Feed 1.1.

Four scopes (all stories, a tag, an area, a directory entry), each in three
formats, built on Django's syndication framework. Only published stories
appear, newest first, at most FEED_SIZE per feed. Every address in a feed is
made from settings.SITE_URL, never from the request's Host header, so a
forged header cannot plant another site's links in what readers cache.

Public pieces: `story_feed_view` (the view the URLs use), `story_feed_links`
(the discovery links a page's head needs) and `FEED_FORMATS`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page, require_safe

from bigsocnorth.core.feeds import JsonFeed, absolute_url
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.directory.entries.selectors import EntryMoved, entry_get_for_view
from bigsocnorth.directory.models import Entry
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_get_by_slug
from bigsocnorth.stories.models import Story, StoryKind
from bigsocnorth.stories.selectors import published_stories, stories_filter

FEED_SIZE = 50


# --- Feed generators ----------------------------------------------------------


class StoryAtomFeed(feedgenerator.Atom1Feed):
    """Atom with the short summary in <summary> and the whole story in <content>.

    Django's Atom1Feed puts the description in <summary>; readers show
    <content> when there is one, so they get the full text of own stories.
    A linked story's original is a rel="related" link.
    """

    def add_item_elements(self, handler, item):
        content_html = item.get("content_html")
        super().add_item_elements(handler, {**item, "description": item.get("summary_html")})
        if content_html:
            handler.addQuickElement("content", content_html, {"type": "html"})
        if item.get("external_url"):
            # A linked story's original, where the story itself is told.
            handler.addQuickElement("link", "", {"href": item["external_url"], "rel": "related"})


class StoryRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0; the description carries the whole item (summary and story) as HTML."""


class FeedFormat:
    ATOM = "atom"
    RSS = "rss"
    JSON = "json"


FEED_FORMATS: dict[str, type[feedgenerator.SyndicationFeed]] = {
    FeedFormat.ATOM: StoryAtomFeed,
    FeedFormat.RSS: StoryRssFeed,
    FeedFormat.JSON: JsonFeed,
}
# The type attribute of a <link rel="alternate"> and the name people know each format by.
FORMAT_LINK_TYPES = {
    FeedFormat.ATOM: ("application/atom+xml", "Atom"),
    FeedFormat.RSS: ("application/rss+xml", "RSS"),
    FeedFormat.JSON: ("application/feed+json", "JSON Feed"),
}


# --- What a feed is of ----------------------------------------------------------


@dataclass(frozen=True)
class FeedScope:
    """One feed's subject: its title, its page, its URL name and its stories."""

    title: str
    description: str
    page_url: str
    route: str
    route_kwargs: dict
    stories: QuerySet[Story]

    def feed_url(self, feed_format: str) -> str:
        return absolute_url(
            reverse(f"stories:{self.route}", kwargs={**self.route_kwargs, "format": feed_format})
        )


def _titled(subject: str) -> str:
    return _("%(subject)s — %(site)s") % {"subject": subject, "site": settings.SITE_NAME}


def _story_list_url(**query: str) -> str:
    url = reverse("stories:story_list")
    return absolute_url(f"{url}?{urlencode(query)}" if query else url)


def scope_all() -> FeedScope:
    return FeedScope(
        title=_titled(_("Stories")),
        description=_("Stories of community action in the North of England."),
        page_url=_story_list_url(),
        route="feed_all",
        route_kwargs={},
        stories=published_stories(),
    )


def tag_check(raw: str) -> str:
    """The tag as stories store it (trimmed, lower case), or Http404 if no story could have it.

    A well-formed tag nobody has used yet is not an error: its feed is empty
    until the first story with it is published (see scope_tag).
    """
    tag = " ".join(raw.split()).lower()
    if not tag or len(tag) > Story.TAGS_MAX or "," in tag:
        raise Http404(_("There can be no stories with that tag."))
    # Control characters never survive tag normalisation; PostgreSQL refuses NUL outright.
    if any(ord(character) < 32 or ord(character) == 127 for character in tag):
        raise Http404(_("There can be no stories with that tag."))
    return tag


def scope_tag(raw_tag: str) -> FeedScope:
    """Stories with this tag. A tag with no published stories has an empty feed, not a 404.

    Tags are free words people choose, with no list of them anywhere: a
    reader may subscribe to "food banks" before the first such story, and a
    tag whose only story is hidden must not start answering differently.
    """
    tag = tag_check(raw_tag)
    return FeedScope(
        title=_titled(_("Stories tagged “%(tag)s”") % {"tag": tag}),
        description=_("Stories of community action tagged “%(tag)s”.") % {"tag": tag},
        page_url=_story_list_url(tag=tag),
        route="feed_tag",
        route_kwargs={"tag": tag},
        stories=stories_filter(published_stories(), tag=tag),
    )


def scope_area(area: str | LocalAuthority | Region) -> FeedScope:
    """Stories in a local authority, or in any of a region's; Http404 for an unknown slug."""
    found = area_get_by_slug(slug=area) if isinstance(area, str) else area
    if found is None:
        raise Http404(_("There is no area with that name in the North."))
    name = found.name_in_sentence if isinstance(found, Region) else found.name
    return FeedScope(
        title=_titled(_("Stories in %(area)s") % {"area": name}),
        description=_("Stories of community action in %(area)s.") % {"area": name},
        page_url=_story_list_url(area=found.slug),
        route="feed_area",
        route_kwargs={"area": found.slug},
        stories=stories_filter(published_stories(), area=found),
    )


def scope_entry(entry: Entry) -> FeedScope:
    """Stories about a published directory entry or told on its behalf."""
    return FeedScope(
        title=_titled(_("Stories by and about %(entry)s") % {"entry": entry.name}),
        description=_("Stories of community action by and about %(entry)s.")
        % {"entry": entry.name},
        page_url=absolute_url(entry.get_absolute_url()),
        route="feed_entry",
        route_kwargs={"slug": entry.slug},
        stories=stories_filter(published_stories(), entry=entry),
    )


def entry_for_feed(slug: str) -> Entry:
    """The published entry with this slug; Http404 otherwise, EntryMoved if it was merged."""
    # Feeds are the same for everyone, so they see what a visitor who is not logged in sees.
    return entry_get_for_view(user=AnonymousUser(), slug=slug)


# --- The feed -------------------------------------------------------------------


class StoryFeed(Feed):
    """One scope of stories in one format; get_object decides the scope from the URL."""

    def __init__(self, *, feed_format: str) -> None:
        self.feed_format = feed_format
        self.feed_type = FEED_FORMATS[feed_format]

    def get_object(self, request, **kwargs) -> FeedScope:
        if "tag" in kwargs:
            return scope_tag(kwargs["tag"])
        if "area" in kwargs:
            return scope_area(kwargs["area"])
        if "slug" in kwargs:
            return scope_entry(entry_for_feed(kwargs["slug"]))
        return scope_all()

    def title(self, scope: FeedScope) -> str:
        return scope.title

    def description(self, scope: FeedScope) -> str:
        return scope.description

    def link(self, scope: FeedScope) -> str:
        return scope.page_url

    def feed_url(self, scope: FeedScope) -> str:
        return scope.feed_url(self.feed_format)

    def feed_guid(self, scope: FeedScope) -> str:
        return scope.feed_url(self.feed_format)

    def author_name(self) -> str:
        return settings.SITE_NAME

    def author_link(self) -> str:
        return settings.SITE_URL + "/"

    def items(self, scope: FeedScope) -> list[Story]:
        # Only what an item shows: who told it. Dropping the list's other joins, deferrals
        # and the "about" prefetch keeps a feed to one query, however many items.
        stories = (
            scope.stories.select_related(None)
            .select_related("author__profile", "on_behalf_of", "feed__entry")
            .prefetch_related(None)
            .defer(None)
            .order_by("-published_at", "-pk")
        )
        found = list(stories[:FEED_SIZE])
        for story in found:
            # Rendered once: the description and the content both carry it.
            story.content_html = story_content_html(story)
        return found

    def item_title(self, story: Story) -> str:
        # Plain text: the feed writer escapes it once (Django's default escapes it twice).
        return story.title

    def item_link(self, story: Story) -> str:
        return absolute_url(story.get_absolute_url())

    def item_guid(self, story: Story) -> str:
        # The open data identifier never changes, unlike the slug or the site's address.
        return f"urn:uuid:{story.uuid}"

    def item_guid_is_permalink(self, story: Story) -> bool:
        return False

    def item_description(self, story: Story) -> str:
        return story.content_html

    def item_pubdate(self, story: Story):
        return story.published_at

    def item_updateddate(self, story: Story):
        if story.published_at and story.updated_at < story.published_at:
            return story.published_at
        return story.updated_at

    def item_categories(self, story: Story) -> list[str]:
        return story.tag_list

    def item_author_name(self, story: Story) -> str | None:
        return story_byline(story)[0]

    def item_author_link(self, story: Story) -> str | None:
        return story_byline(story)[1]

    def item_extra_kwargs(self, story: Story) -> dict:
        return {
            "content_html": story.content_html,
            "summary_html": escape(story.summary) if story.summary else None,
            "summary_text": story.summary,
            "external_url": _safe_web_address(story.url) if story.is_linked else "",
            "image_url": absolute_url(story.image.url) if story.image else "",
        }


def story_byline(story: Story) -> tuple[str | None, str | None]:
    """(name, link) of who told the story: the entry it was told for, else the person.

    Only a published entry is named; a person is named by their profile's
    display name, never by their email address.
    """
    for entry in (story.on_behalf_of, story.feed.entry if story.feed else None):
        if is_public(entry):
            return entry.name, absolute_url(entry.get_absolute_url())
    profile = getattr(story.author, "profile", None) if story.author else None
    if profile is not None:
        return profile.display_name, None
    return None, None


def _safe_web_address(url: str) -> str:
    """The address if it is a web address; anything else (javascript:, data:) is left out."""
    return url if url.lower().startswith(("http://", "https://")) else ""


def story_content_html(story: Story) -> SafeString:
    """The item's HTML: the summary, then the story itself, or where to read it."""
    parts = []
    if story.summary:
        parts.append(format_html("<p>{}</p>", story.summary))
    if story.kind == StoryKind.OWN:
        parts.append(render_markdown(story.body))
    else:
        original = _safe_web_address(story.url)
        source = story.source_name or _("the original site")
        if original:
            parts.append(
                format_html(
                    '<p>{} <a href="{}">{}</a></p>',
                    _("First told elsewhere."),
                    original,
                    _("Read it at %(source)s") % {"source": source},
                )
            )
        elif story.source_name:
            parts.append(
                format_html("<p>{}</p>", _("First told at %(source)s") % {"source": source})
            )
    return SafeString("\n".join(parts))


# --- Views ----------------------------------------------------------------------

_FEEDS = {feed_format: StoryFeed(feed_format=feed_format) for feed_format in FEED_FORMATS}


@require_safe
@conditional_page
def story_feed_view(request, *, format: str, **scope_kwargs):
    """Any story feed: `format` is atom, rss or json; `tag`, `area` or `slug` pick the scope.

    Answers GET and HEAD only; 304 when the reader's copy is current (ETag,
    or Last-Modified: the newest item's date); 404 for an unknown area or
    entry; a permanent redirect from a merged entry's feed to the feed of
    the entry it became.
    """
    feed = _FEEDS.get(format)
    if feed is None:
        raise Http404
    try:
        return feed(request, **scope_kwargs)
    except EntryMoved as moved:
        target = moved.target
        return HttpResponsePermanentRedirect(
            reverse("stories:feed_entry", kwargs={"slug": target.slug, "format": format})
        )


# --- Discovery links for a page's head ----------------------------------------------


@dataclass(frozen=True)
class FeedLink:
    href: str
    type: str
    title: str


def story_feed_links(
    *,
    tag: str | None = None,
    area: str | LocalAuthority | Region | None = None,
    entry: Entry | None = None,
) -> list[FeedLink]:
    """The <link rel="alternate"> values for each scope given (all stories when none is).

    Nothing is returned for a scope that has no feed: an unknown area, an
    unpublished or merged entry, a tag no story could have.
    """
    scopes: list[FeedScope] = []
    if is_public(entry) and entry.merged_into_id is None:
        scopes.append(scope_entry(entry))
    if area:
        with contextlib.suppress(Http404):
            scopes.append(scope_area(area))
    if tag:
        with contextlib.suppress(Http404):
            scopes.append(scope_tag(tag))
    if tag is None and area is None and entry is None:
        scopes.append(scope_all())
    links = []
    for scope in scopes:
        for feed_format, (mime_type, format_name) in FORMAT_LINK_TYPES.items():
            links.append(
                FeedLink(
                    href=scope.feed_url(feed_format),
                    type=mime_type,
                    title=_("%(feed)s (%(format)s)") % {"feed": scope.title, "format": format_name},
                )
            )
    return links
