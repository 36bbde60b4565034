"""Reads for stories: lists and single stories, always scoped to what the viewer may see."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from bigsocnorth.directory.models import Entry
from bigsocnorth.moderation.permissions import check_view_permission
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_get_by_slug
from bigsocnorth.stories.models import Story, StoryTag

PER_PAGE = 20


def _stories() -> QuerySet[Story]:
    return (
        Story.objects.select_related(
            "author__profile", "on_behalf_of", "local_authority__region", "feed__entry"
        )
        .prefetch_related(
            Prefetch("about", queryset=Entry.objects.only("id", "name", "slug", "status"))
        )
        .defer("local_authority__boundary")
    )


def published_stories() -> QuerySet[Story]:
    """Every published story, newest first: what pages, feeds and the API show."""
    return _stories().public().order_by("-published_at", "-pk")


# What a story card (stories/includes/story_card.html) shows, and nothing more:
# lists make up to 20 cards, and every column read and model made costs
# (docs/benchmarks.md). A field added to the card goes here too; a missing one
# costs a query per card, which tests/test_page_queries.py catches.
_CARD_FIELDS = (
    "id", "status", "kind", "title", "slug", "summary", "published_at", "is_new_voice",
    "image", "image_width", "image_height", "image_alt", "source_name",
    "author__id", "author__profile__id", "author__profile__display_name",
    "on_behalf_of__id", "on_behalf_of__status", "on_behalf_of__name", "on_behalf_of__slug",
    "local_authority__id", "local_authority__name", "local_authority__slug",
)  # fmt: skip


def _story_cards() -> QuerySet[Story]:
    return Story.objects.select_related("author__profile", "on_behalf_of", "local_authority").only(
        *_CARD_FIELDS
    )


def published_story_cards() -> QuerySet[Story]:
    """Published stories, newest first, with only what their cards show."""
    return _story_cards().public().order_by("-published_at", "-pk")


def stories_filter(
    stories: QuerySet[Story],
    *,
    tag: str | None = None,
    area: str | LocalAuthority | Region | None = None,
    entry: Entry | None = None,
    kind: str | None = None,
) -> QuerySet[Story]:
    """Narrow a story queryset; an unknown tag or area matches nothing."""
    if tag:
        tag = tag_fold(tag)
        stories = stories.filter(pk__in=StoryTag.objects.filter(tag=tag).values("story_id"))
    if area:
        found = area_get_by_slug(slug=area) if isinstance(area, str) else area
        if isinstance(found, LocalAuthority):
            stories = stories.filter(local_authority=found)
        elif isinstance(found, Region):
            # The region's authorities by id: a join on the region read every story.
            stories = stories.filter(local_authority_id__in=found.local_authorities.values("pk"))
        else:
            stories = stories.none()
    if entry is not None:
        stories = stories.filter(pk__in=_stories_of_entry(entry))
    if kind:
        stories = stories.filter(kind=kind)
    return stories


def _stories_of_entry(entry: Entry) -> list[int]:
    # The ids themselves, each read from its own index: an OR of the two made
    # the database walk all published stories for an entry with few.
    about = Story.about.through.objects.filter(entry=entry).values_list("story_id", flat=True)
    told = Story.objects.filter(on_behalf_of=entry).values_list("pk", flat=True)
    return sorted({*about, *told})


def tag_fold(tag: str) -> str:
    """A tag as it is stored: lower case, single spaces."""
    return " ".join(tag.split()).lower()


def story_list(
    *,
    user,
    tag: str | None = None,
    area: str | None = None,
    kind: str | None = None,
    new_voices_first: bool = False,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """A page of published stories, newest first, or new voices first when asked."""
    stories = stories_filter(published_story_cards(), tag=tag, area=area, kind=kind)
    order = ["-published_at", "-pk"]
    if new_voices_first:
        order = ["-is_new_voice", *order]
    # The page's ids first, from an index, then only those rows with their
    # joins: joining every skipped row made deep pages slow.
    paginator = Paginator(stories.order_by(*order).values_list("pk", flat=True), per_page)
    if tag and not (area or kind):
        # Tag rows exist for published stories only: their number is the count.
        paginator.count = StoryTag.objects.filter(tag=tag_fold(tag)).count()
    found = paginator.get_page(page)
    ids = list(found.object_list)
    rows = _story_cards().in_bulk(ids)
    found.object_list = [rows[pk] for pk in ids if pk in rows]
    return found


def story_get(*, user, slug: str) -> Story:
    """The story if this person may see it (published, or theirs, or they moderate)."""
    try:
        story = _stories().get(slug=slug)
    except Story.DoesNotExist:
        raise Http404 from None
    check_view_permission(user=user, obj=story)
    return story


def story_list_for_area(*, area, limit: int) -> tuple[list[Story], int]:
    stories = stories_filter(published_story_cards(), area=area)
    first = list(stories[:limit])
    # A short first page is all of them: no second query to count.
    return first, (len(first) if len(first) < limit else stories.count())


def entries_by_reference(references: list[str]) -> tuple[list[Entry], list[str]]:
    """Published directory entries named by their address, web address name or exact name.

    Returns the entries found (in the order given, once each) and the
    references that matched nothing, so the form can say which.
    """
    found: list[Entry] = []
    unknown: list[str] = []
    published = Entry.objects.public().filter(merged_into__isnull=True)
    for reference in references:
        text = reference.strip()
        slug = text.rstrip("/").rsplit("/directory/", 1)[-1].strip("/") if "/" in text else text
        entry = (
            published.filter(slug=slug).first()
            or published.filter(name__iexact=text).order_by("pk").first()
        )
        if entry is None:
            unknown.append(text)
        elif entry not in found:
            found.append(entry)
    return found, unknown


def entries_told_for_choices(*, user) -> QuerySet[Entry]:
    """The published entries a person edits: who they may tell a story on behalf of."""
    if not (user and user.is_authenticated):
        return Entry.objects.none()
    return Entry.objects.public().filter(editors=user, merged_into__isnull=True).order_by("name")
