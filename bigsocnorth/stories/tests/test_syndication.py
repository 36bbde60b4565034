"""Story feeds out: Atom, RSS and JSON Feed, read back with feedparser and the XML parser."""

from __future__ import annotations

import calendar
import datetime
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest
from django.template import Context, Template
from django.urls import reverse

from bigsocnorth.core.feeds import JSON_FEED_VERSION
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation.models import Status
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.stories.models import Story, StoryKind
from bigsocnorth.stories.services import story_tags_sync
from bigsocnorth.stories.syndication import FEED_SIZE

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://stories.example.org"
FORMATS = ["atom", "rss", "json"]
CONTENT_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
UNPUBLISHED = [Status.DRAFT, Status.IN_REVIEW, Status.HIDDEN, Status.ARCHIVED]


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL
    settings.SITE_NAME = "Big Society in the North"


@pytest.fixture
def calderdale(db) -> LocalAuthority:
    return LocalAuthority.objects.get(slug="calderdale")


@pytest.fixture
def newcastle(db) -> LocalAuthority:
    return LocalAuthority.objects.get(slug="newcastle-upon-tyne")


_counter = iter(range(1, 1_000_000))


def make_story(**fields) -> Story:
    n = next(_counter)
    values = {
        "kind": StoryKind.OWN,
        "title": f"Story {n}",
        "slug": f"story-{n}",
        "summary": f"Summary of story {n}.",
        "body": f"The **body** of story {n}.",
        "status": Status.PUBLISHED,
        "published_at": datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)
        + datetime.timedelta(hours=n),
    }
    values.update(fields)
    about = values.pop("about", [])
    story = Story.objects.create(**values)
    story.about.set(about)
    story_tags_sync(story)  # as every write through the services does
    return story


def xml_root(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own feed, not untrusted input


def feed_url(name: str = "feed_all", feed_format: str = "atom", **kwargs) -> str:
    return reverse(f"stories:{name}", kwargs={**kwargs, "format": feed_format})


def get_feed(client, name: str = "feed_all", feed_format: str = "atom", **kwargs):
    response = client.get(feed_url(name, feed_format, **kwargs))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == CONTENT_TYPES[feed_format]
    return response


def parsed(client, name: str = "feed_all", feed_format: str = "atom", **kwargs):
    response = get_feed(client, name, feed_format, **kwargs)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def item_titles(client, name: str = "feed_all", feed_format: str = "atom", **kwargs) -> list[str]:
    response = get_feed(client, name, feed_format, **kwargs)
    if feed_format == "json":
        return [item["title"] for item in json.loads(response.content)["items"]]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return [entry.title for entry in feed.entries]


# --- All stories, in each format ---------------------------------------------------


def test_atom_feed_lists_published_stories_newest_first_with_absolute_links(client, member):
    make_story(title="Older", author=member)
    newer = make_story(title="Newer", author=member)

    feed = parsed(client)

    assert feed.version == "atom10"
    assert feed.feed.title == "Stories — Big Society in the North"
    assert feed.feed.link == f"{SITE_URL}{reverse('stories:story_list')}"
    assert feed.feed.id == f"{SITE_URL}{feed_url()}"
    assert [entry.title for entry in feed.entries] == ["Newer", "Older"]
    first = feed.entries[0]
    assert first.link == f"{SITE_URL}{newer.get_absolute_url()}"
    assert first.id == f"urn:uuid:{newer.uuid}"
    assert calendar.timegm(first.published_parsed) == newer.published_at.timestamp()
    assert first.author == member.profile.display_name
    assert member.email not in get_feed(client).content.decode()


def test_rss_feed_has_titles_links_dates_guids_and_authors(client, member):
    story = make_story(title="Tea and cakes", author=member, tags="food, tea")

    feed = parsed(client, feed_format="rss")

    assert feed.version == "rss20"
    assert feed.feed.title == "Stories — Big Society in the North"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"{SITE_URL}{feed_url(feed_format='rss')}"]
    (entry,) = feed.entries
    assert entry.title == "Tea and cakes"
    assert entry.link == f"{SITE_URL}{story.get_absolute_url()}"
    assert entry.id == f"urn:uuid:{story.uuid}"
    assert entry.guidislink is False
    assert calendar.timegm(entry.published_parsed) == story.published_at.timestamp()
    assert [tag.term for tag in entry.tags] == ["food", "tea"]
    assert member.profile.display_name in entry.author
    assert member.email not in get_feed(client, feed_format="rss").content.decode()


def test_atom_entry_carries_summary_and_the_whole_story_as_content(client):
    make_story(summary="A short summary.", body="A *long* story.\n\nWith two paragraphs.")

    (entry,) = parsed(client).entries

    assert entry.summary == "A short summary."
    (content,) = entry.content
    assert content.type == "text/html"
    assert "<em>long</em>" in content.value
    assert "With two paragraphs." in content.value
    assert "A short summary." in content.value


def test_json_feed_has_every_member_the_spec_requires(client, member):
    own = make_story(title="Told here", author=member, tags="food, tea")
    linked = make_story(
        kind=StoryKind.LINKED,
        title="Told in the paper",
        body="",
        url="https://news.example.com/story/1",
        source_name="The Example News",
    )

    response = get_feed(client, feed_format="json")
    data = json.loads(response.content)

    assert data["version"] == JSON_FEED_VERSION == "https://jsonfeed.org/version/1.1"
    assert data["title"] == "Stories — Big Society in the North"
    assert data["home_page_url"] == f"{SITE_URL}{reverse('stories:story_list')}"
    assert data["feed_url"] == f"{SITE_URL}{feed_url(feed_format='json')}"
    assert [item["id"] for item in data["items"]] == [
        f"urn:uuid:{linked.uuid}",
        f"urn:uuid:{own.uuid}",
    ]
    for item in data["items"]:
        assert isinstance(item["id"], str)
        assert "content_html" in item or "content_text" in item
        # RFC 3339, as the spec asks.
        assert datetime.datetime.fromisoformat(item["date_published"]).tzinfo is not None
    linked_item, own_item = data["items"]
    assert own_item["url"] == f"{SITE_URL}{own.get_absolute_url()}"
    assert own_item["tags"] == ["food", "tea"]
    assert own_item["authors"] == [{"name": member.profile.display_name}]
    assert own_item["summary"] == own.summary
    assert "external_url" not in own_item
    assert linked_item["external_url"] == "https://news.example.com/story/1"
    assert linked_item["url"] == f"{SITE_URL}{linked.get_absolute_url()}"
    assert datetime.datetime.fromisoformat(own_item["date_published"]) == own.published_at


def test_json_feed_item_has_its_picture_as_an_absolute_address(client):
    story = make_story()
    Story.objects.filter(pk=story.pk).update(
        image="stories/images/abc.jpg", image_width=10, image_height=10
    )

    (item,) = json.loads(get_feed(client, feed_format="json").content)["items"]

    assert item["image"] == f"{SITE_URL}/media/stories/images/abc.jpg"


def test_empty_feeds_are_valid(client):
    for feed_format in ("atom", "rss"):
        feed = parsed(client, feed_format=feed_format)
        assert feed.entries == []
    data = json.loads(get_feed(client, feed_format="json").content)
    assert data["items"] == []
    assert data["version"] == JSON_FEED_VERSION


def test_a_feed_holds_the_newest_fifty_stories(client):
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    Story.objects.bulk_create(
        Story(
            kind=StoryKind.OWN,
            title=f"Bulk {n}",
            slug=f"bulk-{n}",
            status=Status.PUBLISHED,
            published_at=start + datetime.timedelta(days=n),
        )
        for n in range(FEED_SIZE + 5)
    )

    titles = item_titles(client)

    assert len(titles) == FEED_SIZE == 50
    assert titles[0] == f"Bulk {FEED_SIZE + 4}"
    assert titles[-1] == "Bulk 5"


# --- Only published stories, ever -----------------------------------------------------


@pytest.mark.parametrize("feed_format", FORMATS)
def test_no_unpublished_story_appears_in_any_feed(client, calderdale, feed_format):
    entry = EntryFactory()
    on_everything = {"tags": "food", "local_authority": calderdale, "about": [entry]}
    make_story(title="Published", **on_everything)
    for status in UNPUBLISHED:
        make_story(title=f"Not published: {status}", status=status, **on_everything)

    scopes = [
        ("feed_all", {}),
        ("feed_tag", {"tag": "food"}),
        ("feed_area", {"area": "calderdale"}),
        ("feed_area", {"area": "yorkshire-and-the-humber"}),
        ("feed_entry", {"slug": entry.slug}),
    ]
    for name, kwargs in scopes:
        assert item_titles(client, name, feed_format, **kwargs) == ["Published"], name


# --- Per tag -------------------------------------------------------------------------


@pytest.mark.parametrize("feed_format", FORMATS)
def test_tag_feed_matches_whole_tags_only(client, feed_format):
    make_story(title="Food", tags="food")
    make_story(title="Food and tea", tags="tea, food, cakes")
    make_story(title="Food bank", tags="food bank")
    make_story(title="Seafood", tags="seafood")

    titles = item_titles(client, "feed_tag", feed_format, tag="food")

    assert sorted(titles) == ["Food", "Food and tea"]


def test_tag_feed_title_names_the_tag(client):
    make_story(tags="food")

    feed = parsed(client, "feed_tag", tag="food")

    assert feed.feed.title == "Stories tagged “food” — Big Society in the North"
    assert feed.feed.link == f"{SITE_URL}{reverse('stories:story_list')}?tag=food"


@pytest.mark.parametrize("tag", ["food bank", "café culture", "health/wellbeing", "100% local"])
def test_tag_with_spaces_unicode_slash_or_percent_has_a_feed(client, tag):
    make_story(title="Tagged", tags=f"other, {tag}")
    make_story(title="Not tagged", tags="other")

    url = feed_url("feed_tag", tag=tag)
    assert " " not in url

    for feed_format in FORMATS:
        assert item_titles(client, "feed_tag", feed_format, tag=tag) == ["Tagged"]


def test_tag_in_the_address_is_trimmed_and_lower_cased_like_stored_tags(client):
    make_story(title="Tagged", tags="food bank")

    response = client.get("/stories/tag/Food%20%20Bank%20/feed.atom")

    assert response.status_code == 200
    assert [entry.title for entry in feedparser.parse(response.content).entries] == ["Tagged"]


def test_unknown_tag_gives_an_empty_feed_not_a_404(client):
    # Tags are free words with no list of them: a reader may subscribe before the first story.
    make_story(tags="food")

    for feed_format in FORMATS:
        assert item_titles(client, "feed_tag", feed_format, tag="never used") == []


@pytest.mark.parametrize(
    "path",
    [
        "/stories/tag/%20%20/feed.atom",  # only spaces
        "/stories/tag/a,b/feed.atom",  # no stored tag has a comma
        "/stories/tag/a%00b/feed.atom",  # NUL, which PostgreSQL refuses
        "/stories/tag/a%07b/feed.rss",  # a control character
        f"/stories/tag/{'x' * (Story.TAGS_MAX + 1)}/feed.json",  # longer than any tag field
    ],
)
def test_a_tag_no_story_could_have_is_a_404(client, path):
    make_story(tags="a, b")

    assert client.get(path).status_code == 404


# --- Per area -------------------------------------------------------------------------


@pytest.mark.parametrize("feed_format", FORMATS)
def test_area_feed_has_the_stories_of_that_local_authority_only(
    client, calderdale, newcastle, area, feed_format
):
    make_story(title="Halifax", local_authority=calderdale)
    make_story(title="Sheffield", local_authority=area)
    make_story(title="Newcastle", local_authority=newcastle)
    make_story(title="Nowhere")

    assert item_titles(client, "feed_area", feed_format, area="calderdale") == ["Halifax"]


@pytest.mark.parametrize("feed_format", FORMATS)
def test_region_feed_covers_all_its_local_authorities(
    client, calderdale, newcastle, area, feed_format
):
    make_story(title="Halifax", local_authority=calderdale)
    make_story(title="Sheffield", local_authority=area)
    make_story(title="Newcastle", local_authority=newcastle)
    make_story(title="Nowhere")

    titles = item_titles(client, "feed_area", feed_format, area="yorkshire-and-the-humber")

    assert titles == ["Sheffield", "Halifax"]
    assert item_titles(client, "feed_area", feed_format, area="north-east") == ["Newcastle"]


def test_area_feed_titles_are_plain_english(client, calderdale):
    assert parsed(client, "feed_area", area="calderdale").feed.title == (
        "Stories in Calderdale — Big Society in the North"
    )
    assert parsed(client, "feed_area", area="north-east").feed.title == (
        "Stories in the North East — Big Society in the North"
    )
    assert parsed(client, "feed_area", feed_format="rss", area="calderdale").feed.link == (
        f"{SITE_URL}{reverse('stories:story_list')}?area=calderdale"
    )


@pytest.mark.parametrize("feed_format", FORMATS)
def test_unknown_area_is_a_404(client, feed_format):
    response = client.get(feed_url("feed_area", feed_format, area="atlantis"))

    assert response.status_code == 404


# --- Per directory entry ---------------------------------------------------------------


@pytest.mark.parametrize("feed_format", FORMATS)
def test_entry_feed_has_stories_about_it_or_told_for_it(client, feed_format):
    entry = EntryFactory(name="Calder Food Bank")
    other = EntryFactory()
    make_story(title="About it", about=[entry, other])
    make_story(title="Told for it", on_behalf_of=entry)
    make_story(title="About another", about=[other])

    titles = item_titles(client, "feed_entry", feed_format, slug=entry.slug)

    assert titles == ["Told for it", "About it"]


def test_entry_feed_is_titled_with_the_entry_name_and_links_to_it(client):
    entry = EntryFactory(name="Calder Food Bank")

    feed = parsed(client, "feed_entry", slug=entry.slug)

    assert feed.feed.title == "Stories by and about Calder Food Bank — Big Society in the North"
    assert feed.feed.link == f"{SITE_URL}{entry.get_absolute_url()}"


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_feed_of_an_unpublished_entry_is_a_404(client, status):
    entry = EntryFactory(status=status)
    make_story(about=[entry])

    for feed_format in FORMATS:
        assert client.get(feed_url("feed_entry", feed_format, slug=entry.slug)).status_code == 404


def test_feed_of_an_unknown_entry_is_a_404(client):
    assert client.get(feed_url("feed_entry", slug="no-such-group")).status_code == 404


def test_feed_of_a_merged_entry_moves_to_the_feed_of_the_entry_it_became(client):
    target = EntryFactory()
    merged = EntryFactory(status=Status.ARCHIVED, merged_into=target)

    response = client.get(feed_url("feed_entry", "rss", slug=merged.slug))

    assert response.status_code == 301
    assert response["Location"] == feed_url("feed_entry", "rss", slug=target.slug)


def test_story_told_for_an_entry_names_the_entry_as_author(client, member):
    entry = EntryFactory(name="Calder Food Bank")
    make_story(title="For the group", author=member, on_behalf_of=entry)

    (atom_entry,) = parsed(client).entries
    (item,) = json.loads(get_feed(client, feed_format="json").content)["items"]

    assert atom_entry.author == "Calder Food Bank"
    assert atom_entry.author_detail.href == f"{SITE_URL}{entry.get_absolute_url()}"
    assert item["authors"] == [
        {"name": "Calder Food Bank", "url": f"{SITE_URL}{entry.get_absolute_url()}"}
    ]


def test_story_told_for_a_hidden_entry_names_the_person_instead(client, member):
    entry = EntryFactory(name="Hidden Group", status=Status.HIDDEN)
    make_story(author=member, on_behalf_of=entry)

    response = get_feed(client)
    (atom_entry,) = feedparser.parse(response.content).entries

    assert atom_entry.author == member.profile.display_name
    assert "Hidden Group" not in response.content.decode()


# --- Linked stories -------------------------------------------------------------------


def test_linked_story_content_names_the_source_and_links_to_the_original(client):
    make_story(
        kind=StoryKind.LINKED,
        body="",
        summary="Volunteers reopened the library.",
        url="https://news.example.com/library?a=1&b=2",
        source_name="Halifax Courier",
    )

    for feed_format in ("atom", "rss"):
        (entry,) = parsed(client, feed_format=feed_format).entries
        html = entry.content[0].value if feed_format == "atom" else entry.description
        assert "Volunteers reopened the library." in html
        assert "Halifax Courier" in html
        assert 'href="https://news.example.com/library?a=1&amp;b=2"' in html
    (atom_entry,) = parsed(client).entries
    related = [link.href for link in atom_entry.links if link.rel == "related"]
    assert related == ["https://news.example.com/library?a=1&b=2"]


def test_linked_story_with_a_non_web_address_gets_no_link(client):
    make_story(kind=StoryKind.LINKED, body="", url="javascript:alert(1)", source_name="Evil")

    body = get_feed(client).content.decode() + get_feed(client, feed_format="json").content.decode()

    assert "javascript:" not in body
    (item,) = json.loads(get_feed(client, feed_format="json").content)["items"]
    assert "external_url" not in item


# --- Hostile and awkward text ----------------------------------------------------------

HOSTILE_BODY = (
    "A [good link](https://example.org/ok) first.\n\n"
    "<script>alert('body')</script>\n\n"
    "[click me](javascript:alert('link'))\n\n"
    '<img src=x onerror="alert(1)">\n\n'
    "[data](data:text/html;base64,PHNjcmlwdD4=)"
)


def _atom_contents(content: bytes) -> list[str]:
    root = xml_root(content)
    return [
        element.text or ""
        for entry in root.iter(f"{ATOM}entry")
        for tag in ("content", "summary")
        for element in entry.iter(f"{ATOM}{tag}")
    ]


class _ElementCollector(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def _assert_not_executable(html: str) -> None:
    collector = _ElementCollector()
    collector.feed(html)
    collector.close()
    for tag, attributes in collector.elements:
        assert tag not in {"script", "img", "iframe", "object", "embed", "style"}, html
        for name, value in attributes.items():
            assert not name.startswith("on"), html
            if name in {"href", "src"}:
                assert value.startswith(("http://", "https://", "mailto:")), html


def test_hostile_markdown_is_not_executable_in_any_format(client):
    make_story(summary="<script>alert('summary')</script>", body=HOSTILE_BODY)

    atom_html = _atom_contents(get_feed(client).content)
    rss_root = xml_root(get_feed(client, feed_format="rss").content)
    # The first <description> is the channel's.
    rss_html = [element.text for element in rss_root.iter("description")][1:]
    (item,) = json.loads(get_feed(client, feed_format="json").content)["items"]

    assert atom_html
    assert rss_html
    for html in [*atom_html, *rss_html, item["content_html"]]:
        _assert_not_executable(html)
    # The words survive as text, the script does not run; the good link stays a link.
    assert 'href="https://example.org/ok"' in item["content_html"]
    assert "&lt;script&gt;alert" in item["content_html"]
    assert "click me" in item["content_html"]


def test_titles_with_ampersands_and_angle_brackets_are_escaped_once(client):
    title = 'Tea & <cakes> at "St Mary\'s" <script>x</script>'
    make_story(title=title, tags="a & b")

    atom = get_feed(client).content
    rss = get_feed(client, feed_format="rss").content
    data = json.loads(get_feed(client, feed_format="json").content)

    atom_titles = [element.text for element in xml_root(atom).iter(f"{ATOM}title")]
    rss_titles = [element.text for element in xml_root(rss).iter("title")]
    assert title in atom_titles
    assert title in rss_titles
    assert data["items"][0]["title"] == title
    assert data["items"][0]["tags"] == ["a & b"]
    assert b"<script>" not in atom
    assert b"<script>" not in rss
    assert parsed(client).entries[0].title == title


def test_a_forged_host_header_does_not_reach_the_feed(client, settings):
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    make_story()

    for feed_format in FORMATS:
        response = client.get(feed_url(feed_format=feed_format), HTTP_HOST="evil.example")
        assert response.status_code == 200
        assert b"evil.example" not in response.content
        assert SITE_URL.encode() in response.content


# --- HTTP behaviour ------------------------------------------------------------------------


@pytest.mark.parametrize("feed_format", FORMATS)
def test_head_request_answers_like_get_without_a_body(client, feed_format):
    make_story()

    response = client.head(feed_url(feed_format=feed_format))

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[feed_format]
    assert response.content == b""
    assert response.has_header("Last-Modified")


@pytest.mark.parametrize("feed_format", FORMATS)
def test_feeds_answer_304_when_the_reader_is_up_to_date(client, feed_format):
    make_story()
    first = get_feed(client, feed_format=feed_format)

    by_date = client.get(
        feed_url(feed_format=feed_format), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    by_etag = client.get(feed_url(feed_format=feed_format), HTTP_IF_NONE_MATCH=first["ETag"])

    assert by_date.status_code == 304
    assert by_etag.status_code == 304


def test_last_modified_is_the_newest_item_and_moves_when_a_story_is_published(client):
    old = make_story(published_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    Story.objects.filter(pk=old.pk).update(
        updated_at=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC)
    )
    first = get_feed(client)
    assert first["Last-Modified"] == "Thu, 02 Jan 2020 00:00:00 GMT"

    make_story()
    response = client.get(feed_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert response.status_code == 200
    assert len(feedparser.parse(response.content).entries) == 2


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_feeds_are_read_only(client, method):
    assert getattr(client, method)(feed_url()).status_code == 405


def test_unknown_format_is_a_404(client):
    assert client.get("/stories/feed.xml").status_code == 404
    with pytest.raises(Exception, match="Reverse"):
        feed_url(feed_format="xml")


@pytest.mark.parametrize("feed_format", FORMATS)
def test_query_count_does_not_grow_with_the_number_of_stories(
    client, django_assert_max_num_queries, calderdale, feed_format, member
):
    entry = EntryFactory()
    make_story(author=member, on_behalf_of=entry, local_authority=calderdale, about=[entry])

    def many(count: int) -> None:
        for n in range(count):
            person = member if n % 2 else None
            make_story(
                author=person,
                on_behalf_of=EntryFactory() if n % 3 == 0 else None,
                local_authority=calderdale,
                about=[entry],
                kind=StoryKind.LINKED if n % 4 == 0 else StoryKind.OWN,
                url="https://example.com/a" if n % 4 == 0 else "",
                tags="food, tea",
            )

    scopes = [
        ("feed_all", {}),
        ("feed_tag", {"tag": "food"}),
        ("feed_area", {"area": "yorkshire-and-the-humber"}),
        ("feed_entry", {"slug": entry.slug}),
    ]
    # An entry's feed reads its stories' ids first (an OR of its two links was slow).
    limits = {"feed_all": 2, "feed_tag": 2, "feed_area": 4, "feed_entry": 8}
    for name, kwargs in scopes:
        with django_assert_max_num_queries(limits[name]):
            get_feed(client, name, feed_format, **kwargs)
    many(12)
    for name, kwargs in scopes:
        with django_assert_max_num_queries(limits[name]):
            assert len(item_titles(client, name, feed_format, **kwargs)) >= 12


# --- The discovery links tag ------------------------------------------------------------


def _render(source: str, **context) -> str:
    return Template("{% load story_feeds %}" + source).render(Context(context))


def test_feed_links_tag_without_arguments_links_to_all_stories(client):
    html = _render("{% story_feed_links %}")

    assert html.count('<link rel="alternate"') == 3
    assert 'type="application/atom+xml"' in html
    assert 'type="application/rss+xml"' in html
    assert 'type="application/feed+json"' in html
    assert f'href="{SITE_URL}{feed_url()}"' in html
    assert 'title="Stories — Big Society in the North (Atom)"' in html


def test_feed_links_tag_for_an_area_entry_and_tag_point_at_working_feeds(client, calderdale):
    entry = EntryFactory(name="Calder Food Bank")

    html = _render(
        "{% story_feed_links tag='food bank' area=area entry=entry %}", area=calderdale, entry=entry
    )

    assert html.count('<link rel="alternate"') == 9
    assert "Stories in Calderdale — Big Society in the North (RSS)" in html
    assert "Stories by and about Calder Food Bank — Big Society in the North (JSON Feed)" in html
    hrefs = [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    assert len(hrefs) == 9
    for href in hrefs:
        assert href.startswith(SITE_URL)
        assert client.get(href.removeprefix(SITE_URL)).status_code == 200


def test_feed_links_tag_takes_an_area_slug_and_skips_unknown_areas(client):
    assert "Stories in the North East" in _render("{% story_feed_links area='north-east' %}")
    assert _render("{% story_feed_links area='atlantis' %}").strip() == ""


def test_feed_links_tag_gives_nothing_for_an_unpublished_entry(client):
    entry = EntryFactory(status=Status.DRAFT)

    assert _render("{% story_feed_links entry=entry %}", entry=entry).strip() == ""


def test_feed_links_tag_escapes_the_tag_in_titles(client):
    html = _render("{% story_feed_links tag=tag %}", tag='"><script>alert(1)</script>')

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
