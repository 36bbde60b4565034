"""Ranking, filters, paging and hostile input, the same on SQLite and PostgreSQL."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bigsocnorth.moderation.models import Status
from bigsocnorth.search import backends, selectors
from bigsocnorth.search.selectors import check_search_input, search_result_list
from bigsocnorth.search.tests.helpers import found

pytestmark = pytest.mark.django_db

_DAY = datetime.timedelta(days=1)
_NOW = datetime.datetime(2026, 11, 1, 12, tzinfo=datetime.UTC)


def test_title_with_every_word_comes_first_then_by_relevance(indexed_entry):
    indexed_entry(
        name="Community pantry",
        description="A food bank for Leeds, a food bank run by neighbours.",
        published_at=_NOW,
    )
    indexed_entry(
        name="Tenants union", description="We also collect for a food bank.", published_at=_NOW
    )
    indexed_entry(name="Leeds Food Bank", description="Parcels.", published_at=_NOW - 300 * _DAY)
    assert found("food bank") == ["Leeds Food Bank", "Community pantry", "Tenants union"]


def test_a_word_in_the_title_outranks_the_same_word_in_the_text(indexed_entry):
    # Neither has both words in its title: relevance decides, and counts the title more.
    indexed_entry(name="Allotments", description="Refugee families garden here.")
    indexed_entry(name="Garden club", description="For refugees.")
    assert found("garden refugee") == ["Garden club", "Allotments"]


def test_equal_relevance_puts_the_newest_first(indexed_entry):
    for days, name in ((30, "Older choir"), (1, "Newer choir"), (10, "Middle choir")):
        indexed_entry(name=name, description="Singing.", published_at=_NOW - days * _DAY)
    assert found("choir") == ["Newer choir", "Middle choir", "Older choir"]


def test_every_word_must_match_in_title_or_text(indexed_entry):
    indexed_entry(name="Leeds Bike Kitchen", description="Repairs on Saturdays.")
    indexed_entry(name="Leeds Library Friends", description="Books.")
    assert found("leeds saturdays") == ["Leeds Bike Kitchen"]
    assert found("leeds nothing") == []


def test_word_forms_and_accents_match(indexed_entry):
    indexed_entry(name="Hebden Café", description="Volunteers welcome, communities together.")
    assert found("cafe") == ["Hebden Café"]
    assert found("CAFÉ") == ["Hebden Café"]
    assert found("volunteering") == ["Hebden Café"]
    assert found("community") == ["Hebden Café"]


def test_results_are_highlighted_and_safe(indexed_entry):
    indexed_entry(
        name="<script>alert('food')</script> Food Hub",
        description='<img src=x onerror="alert(1)"> Fresh food every <b>Monday</b>.',
    )
    [result] = search_result_list(search=check_search_input(q="food")).results
    assert "<script>" not in result.title_html and "<img" not in result.snippet_html
    assert result.title_html.count("<mark>food</mark>") == 1
    assert "<mark>Food</mark> Hub" in result.title_html
    assert "Fresh <mark>food</mark> every &lt;b&gt;Monday&lt;/b&gt;." in result.snippet_html


def test_filter_by_local_authority_and_region(indexed_entry, leeds, newcastle):
    indexed_entry(name="Leeds Youth Theatre", areas=[leeds])
    indexed_entry(name="Tyneside Youth Theatre", areas=[newcastle])
    indexed_entry(name="Online Youth Theatre")
    indexed_entry(name="Pennine Youth Theatre", areas=[leeds, newcastle])
    assert set(found("theatre", area="leeds")) == {"Leeds Youth Theatre", "Pennine Youth Theatre"}
    assert set(found("theatre", area="north-east")) == {
        "Tyneside Youth Theatre",
        "Pennine Youth Theatre",
    }
    assert set(found("theatre", area="yorkshire-and-the-humber")) == {
        "Leeds Youth Theatre",
        "Pennine Youth Theatre",
    }
    assert found("theatre", area="north-west") == []
    assert len(found("theatre")) == 4


def test_filter_by_category_and_type(indexed_entry, innovation, leeds):
    indexed_entry(name="Makerspace Leeds", categories=[innovation], areas=[leeds])
    indexed_entry(name="Makerspace York")
    assert found("makerspace", category="innovation") == ["Makerspace Leeds"]
    assert found("makerspace", category="existing-work") == []
    assert len(found("makerspace", type="entry")) == 2
    assert found("makerspace", type="entry", category="innovation", area="leeds") == [
        "Makerspace Leeds"
    ]
    assert found("makerspace", category="innovation", area="york") == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "type",
            "parrot",
            "There is no type “parrot” to search. Choose one of: Directory entry (entry), Story",
        ),
        ("category", "knitting", "There is no category “knitting”"),
        ("area", "wales", "There is no area “wales” in the North"),
        ("area", "leeds\x00", "There is no area"),
        ("area", "x" * 10_000, "“" + "x" * 60 + "…”"),
    ],
)
def test_unknown_filters_say_what_is_wrong(field, value, message):
    with pytest.raises(ValidationError) as error:
        check_search_input(q="food", **{field: value})
    assert message in error.value.message_dict[field][0]


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as error:
        check_search_input(q="", type="nope", category="nope", area="nope")
    assert set(error.value.message_dict) == {"q", "type", "category", "area"}


def test_pages_of_twenty(indexed_entry):
    for number in range(25):
        indexed_entry(name=f"Walking group {number}", published_at=_NOW - number * _DAY)
    search = check_search_input(q="walking")
    first = search_result_list(search=search)
    assert (first.count, first.more, first.page.paginator.num_pages) == (25, False, 2)
    assert first.results[0].title == "Walking group 0"
    second = search_result_list(search=search, page=2)
    assert [result.title for result in second.results][-1] == "Walking group 24"
    assert len(second.results) == 5
    assert search_result_list(search=search, page=99).page.number == 2
    assert search_result_list(search=search, page="x" * 5000).page.number == 1


def test_past_the_ranking_limit_the_count_stops_and_says_so(indexed_entry, monkeypatch):
    monkeypatch.setattr(backends, "RANK_CANDIDATES", 5)
    monkeypatch.setattr(selectors, "MAX_RESULTS", 5)
    indexed_entry(name="Running club", published_at=_NOW - 400 * _DAY)  # oldest, title match
    for number in range(8):
        indexed_entry(name=f"Sports group {number}", description="Running and more.")
    page = search_result_list(search=check_search_input(q="running"), per_page=3)
    assert (page.count, page.more, page.page.paginator.num_pages) == (5, True, 2)
    # A title match is ranked even when it is older than the newest matches.
    assert page.results[0].title == "Running club"
    assert search_result_list(search=check_search_input(q="club")).more is False


def test_unpublished_entries_never_appear(indexed_entry):
    indexed_entry(name="Secret garden", status=Status.IN_REVIEW)
    indexed_entry(name="Public garden")
    assert found("garden") == ["Public garden"]


HOSTILE = [
    '"',
    '""',
    '"food',
    "*",
    "food*",
    "NEAR(food bank)",
    "food NEAR/2 bank",
    "-food",
    "food -bank",
    "(((",
    ")",
    "food OR bank",
    "food AND NOT bank",
    "title:food",
    "{title}: food",
    "^food",
    "food:*",
    "!food & bank | x <-> y",
    "food\x00bank",
    "\x00",
    "🙂",
    "🍲 food 🍲",
    "'; DROP TABLE search_searchdocument; --",
    "%s %(name)s {}",
    "\\",
    "x" * 10_000,
    "a " * 5_000,
    "ŁÓDŹ straße ﬁnance",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_reach_the_database_as_syntax(indexed_entry, query):
    indexed_entry(name="Food bank", description="Food for all.")
    with transaction.atomic():
        try:
            search = check_search_input(q=query)
        except ValidationError as error:
            assert error.message_dict["q"][0]
        else:
            search_result_list(search=search)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=300))
def test_any_text_either_searches_or_explains(indexed_entry, query):
    try:
        search = check_search_input(q=query)
    except ValidationError as error:
        assert error.message_dict["q"][0]
        return
    try:
        with transaction.atomic():
            search_result_list(search=search)
    except DatabaseError as error:  # pragma: no cover - what this test exists to catch
        pytest.fail(f"{query!r} caused a database error: {error}")


@pytest.fixture
def second_type(db):
    """Another registered type beside entries and stories, as events will be."""
    from django.contrib.contenttypes.models import ContentType

    from bigsocnorth.places.models import LocalAuthority
    from bigsocnorth.search import registry, services
    from bigsocnorth.search.registry import SearchFields

    def build(authority):
        return SearchFields(
            title=f"Theatre news from {authority.name}",
            body="Plays and pantomimes.",
            url=authority.get_absolute_url(),
            categories=["theatre-arts"],
            area_ids=[authority.pk],
        )

    registry.register(
        LocalAuthority,
        key="theatre_news",
        label="Theatre news",
        build=build,
        categories=lambda: [("theatre-arts", "Theatre arts")],
    )
    searchable = registry.searchable_type_for_key("theatre_news")
    content_type = ContentType.objects.get_for_model(LocalAuthority)
    # Local authorities have no status: written straight in, as sync would for published ones.
    services._documents_write(
        services._documents(
            searchable, content_type, LocalAuthority.objects.filter(slug__in=["leeds", "york"])
        )
    )
    yield
    registry.unregister(LocalAuthority)


def test_several_types_are_searched_together_and_filtered_apart(indexed_entry, leeds, second_type):
    indexed_entry(name="Leeds Youth Theatre", areas=[leeds])
    assert set(found("theatre")) == {
        "Leeds Youth Theatre",
        "Theatre news from Leeds",
        "Theatre news from York",
    }
    assert found("theatre", type="entry") == ["Leeds Youth Theatre"]
    assert set(found("theatre", type="theatre_news")) == {
        "Theatre news from Leeds",
        "Theatre news from York",
    }
    assert found("theatre", type="theatre_news", area="leeds") == ["Theatre news from Leeds"]
    assert found("theatre", category="theatre-arts") == found("theatre", type="theatre_news")
    [result] = search_result_list(search=check_search_input(q="pantomimes york")).results
    assert str(result.type_label) == "Theatre news"
    assert ("theatre-arts", "Theatre arts") in selectors.category_choices()
    assert ("theatre_news", "Theatre news") in selectors.type_choices()


def test_the_snippet_is_a_sentence_of_the_text_never_tags_and_places(indexed_entry, leeds):
    indexed_entry(
        name="Chapeltown Pantry",
        description="Open to all on Fridays.\n\nWe share surplus food from local shops.",
        tags="food, surplus, pantry",
        areas=[leeds],
    )
    [result] = search_result_list(search=check_search_input(q="surplus food")).results
    assert (
        result.snippet_html == "… We share <mark>surplus</mark> <mark>food</mark> from local shops."
    )
    # Found by its place and its tag, shown by its first sentences.
    [result] = search_result_list(search=check_search_input(q="pantry leeds")).results
    assert result.snippet_html.startswith("Open to all on Fridays.")
    assert "Leeds" not in result.snippet_html
