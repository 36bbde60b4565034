"""A page costs what it shows: no page's query count grows with the number of items on it.

Here rather than in one app: each page shows groups, stories, networks,
places, cuts, forum topics, gatherings and needs and offers together. Every page is requested
with eight of each (more than the short lists on area and home pages show,
so their "see all" counts are made both times), then with three times as
many, by a visitor and by someone signed in; the second count may not
exceed the first. Pages are rendered every time (PAGE_CACHE_SECONDS is 0 in
tests), so this measures the rendering, not the kept page.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.cuts import services as cut_services
from bigsocnorth.directory.models import EntryKind
from bigsocnorth.directory.networks.services import membership_add
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.events import services as event_services
from bigsocnorth.events.needs import need_add, offer_make
from bigsocnorth.events.recurrence import LONDON
from bigsocnorth.events.tests.conftest import gathering_values
from bigsocnorth.forum import services as forum_services
from bigsocnorth.forum.discussions import discussion_post
from bigsocnorth.forum.models import Category
from bigsocnorth.mutual_aid import services as aid_services
from bigsocnorth.mutual_aid.models import AidCategory
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import PlaceValue
from bigsocnorth.stories import services as story_services
from bigsocnorth.stories.services import Action

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/?area=leeds",
    "/directory/",
    "/directory/?q=group",
    "{network}",
    "/stories/",
    "/map/",
    "/search/?q=group",
    "/areas/leeds/",
    "{profile}",
    "/api/v1/hsds/organizations",
    "/cuts/",
    "/cuts/?area=leeds&state=open",
    "{cut}",
    "/cuts/due/",
    "/cuts/dashboards/",
    "/cuts/dashboards/council/leeds/",
    "/cuts/feed.atom",
    "/api/v1/cuts",
    "/forum/",
    "/forum/top/?period=year",
    "/forum/categories/",
    "/forum/c/ideas/",
    "{topic}?page=1",
    "{topic}?page=2",
    "/forum/feed.atom",
    "{topic_feed}",
    "/gatherings/",
    "/gatherings/?area=leeds&needs_help=on",
    "/gatherings/calendar/",
    "{gathering_month}",
    "{gathering}",
    "/gatherings/needs/",
    "/gatherings/calendars/area/leeds.ics",
    "/gatherings/feed.atom",
    "/help/",
    "/help/?kind=need&area=leeds",
    "{aid_need}",
    "/help/near/?area=leeds",
    "/help/data/",
    "/api/v1/needs-and-offers",
    "/api/v1/events",
]


class Site:
    """Groups in one network, with stories about the network and cuts to them, added in rounds.

    Each round also adds an entry, with evidence, to one cut's timeline.
    """

    def __init__(self, author):
        self.author = author
        self.leeds = LocalAuthority.objects.get(slug="leeds")
        self.network = EntryFactory(
            name="Leeds Community Network",
            kind=EntryKind.objects.get(slug="network"),
            located_in=self.leeds,
            author=author,
        )
        self.rounds = 0
        self.cut = None
        self.category = Category.objects.create(name="Ideas", slug="ideas")
        self.topic = None
        self.mentioned = []
        self.gathering = None
        self.aid_need = None

    def add(self, count: int) -> None:
        for _ in range(count):
            self.rounds += 1
            member = EntryFactory(
                name=f"Leeds group {self.rounds}", located_in=self.leeds, author=self.author
            )
            member.tags = f"food, group {self.rounds}"
            member.save()
            membership_add(actor=self.author, network=self.network, member=member)
            story_services.story_create(
                author=self.author,
                action=Action.PUBLISH,
                title=f"What the group did, part {self.rounds}",
                summary="A group's day out.",
                body="We met on **Saturday**.",
                latitude=self.leeds.centre_latitude,
                longitude=self.leeds.centre_longitude,
                about=[self.network, member],
                tags="food, group",
            )
            cut = cut_services.cut_report(
                author=self.author,
                values={
                    "title": f"Grant to group {self.rounds}",
                    "summary": "The council plans to end it.",
                    "entry": member,
                    "kind": "funding",
                    "sector": "youth",
                    "money_yearly": "£12,000",
                    "decision_due_on": date.today() + timedelta(days=10 + self.rounds),
                    "place": PlaceValue(
                        name="Armley",
                        local_authority=self.leeds,
                        latitude=self.leeds.centre_latitude,
                        longitude=self.leeds.centre_longitude,
                    ),
                },
                links=["https://council.example/minutes"],
            )
            self.cut = self.cut or cut
            self._add_to_the_forum(cut=cut)
            self._add_a_gathering(entry=member)
            self._add_needs_and_offers(entry=member)
            cut_services.timeline_entry_add(
                author=self.author,
                cut=self.cut,
                kind="news",
                happened_on=date.today(),
                text=f"Meeting number {self.rounds}.",
                links=[f"https://news.example/{self.rounds}"],
            )

    def _add_to_the_forum(self, *, cut) -> None:
        """A topic in Leeds, and in the one long topic a reply that quotes, mentions,
        links to a cut (a card) and answers the post before; a discussion under each cut."""
        forum_services.topic_create(
            author=self.author,
            category=self.category,
            title=f"Ideas from group {self.rounds}",
            body="What worked for you?",
            local_authority=self.leeds,
        )
        if self.topic is None:
            self.topic = forum_services.topic_create(
                author=self.author,
                category=self.category,
                title="One long conversation",
                body="Let us talk.",
            )
        previous = self.topic.posts.order_by("-number").first()
        quote = f"> [Someone wrote]({previous.get_absolute_url()}):\n> Earlier\n\n"
        mention = f"@{self.author.profile.handle}"
        for _ in range(2):
            previous = forum_services.post_create(
                author=self.author,
                topic=self.topic,
                body=f"{quote}Agreed, {mention}. See {settings.SITE_URL}{cut.get_absolute_url()}",
                reply_to=previous,
            )
        discussion_post(author=self.author, subject=cut, body="What can we do about this?")

    def _add_a_gathering(self, *, entry) -> None:
        """A gathering in Leeds the group organises, needing tea; one more person going to
        the first, which also gets an offer of help."""
        starts_at = timezone.now().astimezone(LONDON).replace(
            hour=18, minute=0, second=0, microsecond=0
        ) + timedelta(days=3 + self.rounds % 20)
        values = gathering_values(
            self.leeds, title=f"Group {self.rounds} meets", starts_at=starts_at
        )
        values["entries"] = [entry]
        gathering = event_services.gathering_create(author=self.author, values=values)
        need_add(
            actor=self.author, gathering=gathering, values={"kind": "refreshments", "wanted": 3}
        )
        self.gathering = self.gathering or gathering
        helper = UserFactory()
        event_services.rsvp_member(user=helper, gathering=self.gathering)
        need = self.gathering.needs.first()
        offer_make(user=helper, need=need, values={"message": "I can bake."})

    def _add_needs_and_offers(self, *, entry) -> None:
        """A need in Leeds for the group and an offer that fits it; one more answer to the
        first need (its page lists its answers to the poster, and its fits to everyone)."""
        lifts = AidCategory.objects.get(slug="lifts-and-transport")
        values = {
            "kind": "need", "category": lifts, "title": f"A lift for group {self.rounds}",
            "description": "To the food bank on Thursdays.", "urgency": "2", "times": 4,
            "when": "ongoing",
            "place": PlaceValue(name="Armley", local_authority=self.leeds),
        }  # fmt: skip
        need = aid_services.post_create(author=self.author, values=values, entry=entry)
        aid_services.post_create(
            author=self.author,
            values={**values, "kind": "offer", "title": f"Lifts from driver {self.rounds}"},
        )
        self.aid_need = self.aid_need or need
        aid_services.match_request(
            responder=UserFactory(), post=self.aid_need, message="I can drive.", contact="Ring me."
        )

    def path(self, page: str) -> str:
        return page.format(
            network=self.network.get_absolute_url(),
            profile=self.author.profile.get_absolute_url(),
            cut=self.cut.get_absolute_url(),
            topic=self.topic.get_absolute_url(),
            topic_feed=f"/forum/t/{self.topic.pk}/feed.atom",
            gathering=self.gathering.get_absolute_url(),
            aid_need=self.aid_need.get_absolute_url(),
            gathering_month=reverse(
                "events:gathering_day",
                args=[
                    self.gathering.starts_at.astimezone(LONDON).year,
                    self.gathering.starts_at.astimezone(LONDON).month,
                    self.gathering.starts_at.astimezone(LONDON).day,
                ],
            ),
        )


def _counts(client, site: Site) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        path = site.path(page)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[page] = len(queries)
    return counts


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed-in"])
def test_no_page_makes_more_queries_for_more_items(client, moderator, member, password, signed_in):
    site = Site(author=moderator)
    if signed_in:
        client.login(email=member.email, password=password)
    site.add(8)
    _counts(client, site)  # once, so what a process loads on first use is loaded
    few = _counts(client, site)
    site.add(16)
    many = _counts(client, site)
    grown = {page: (few[page], many[page]) for page in PAGES if many[page] > few[page]}
    assert not grown, f"queries grew with the items shown (few, many): {grown}"
