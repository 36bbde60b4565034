"""The API keeps the word its OpenAPI document gives: property-based tests with schemathesis.

Schemathesis reads /api/v1/openapi.json from the site itself (in process,
through WSGI), generates requests from it (valid and invalid ones) and checks
every answer against the document: no server errors, only documented status
codes, content types, headers and bodies, invalid input refused, and
credentials enforced where the document says they are needed. It runs twice:
as an anonymous visitor and with a member's personal API token, against a
database with a little of everything in it.

The run is bounded (a few examples per operation) and deterministic (a fixed
seed), and it never touches the network: every connection but the
database's is refused for the whole file, so nothing it asks for can make
the site fetch a link.
"""

from __future__ import annotations

import logging
import re
import socket
from datetime import timedelta

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from bigsocnorth.accounts import services as account_services
from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.models import EntryKind
from bigsocnorth.directory.networks import services as network_services
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.places.services import PlaceValue

OPENAPI = "/api/v1/openapi.json"
EXAMPLES_PER_OPERATION = 12
SEED = 20260601
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "ignored_auth",
    "missing_required_header",
    "unsupported_method",
]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            # Generated credentials travel in headers, which WSGI carries as latin-1.
            "codec": "ascii",
        },
        "checks": {
            "enabled": False,
            **{name: {"enabled": True} for name in CHECKS},
        },
        "phases": {"stateful": {"enabled": False}},
    }
)

SHEFFIELD = (53.3811, -1.4701)


def _database_addresses() -> set[str]:
    host = django_settings.DATABASES["default"].get("HOST") or ""
    if not host or host.startswith("/"):
        return set()
    return {info[4][0] for info in socket.getaddrinfo(host, None)}


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """Refuse every network connection but the database's: link previews and feeds
    must not be fetched from a test, whatever the generated input asks for."""
    allowed = _database_addresses()
    real_connect = socket.socket.connect

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in allowed:
            raise OSError(f"Tests never touch the network (tried {address[0]}).")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def existing(db, area, settings):
    """A little of everything the API lists, made through the services: each
    operation that names one thing in its path, with a thing it can name."""
    from bigsocnorth.cuts import services as cut_services
    from bigsocnorth.events import services as event_services
    from bigsocnorth.forum import services as forum_services
    from bigsocnorth.forum.models import Category
    from bigsocnorth.mutual_aid import services as aid_services
    from bigsocnorth.stories import services as story_services
    from bigsocnorth.stories.services import Action

    settings.NEW_MEMBER_REVIEW_COUNT = 0
    moderator = UserFactory(role="moderator")
    place = PlaceValue(
        name="Burngreave", local_authority=area, latitude=SHEFFIELD[0], longitude=SHEFFIELD[1]
    )
    network = EntryFactory(
        name="Sheffield Voluntary Network",
        kind=EntryKind.objects.get(slug="network"),
        located_in=area,
    )
    member_entry = EntryFactory(name="Burngreave Food Bank", located_in=area)
    network_services.membership_add(actor=moderator, network=network, member=member_entry)
    story = story_services.story_create(
        author=moderator,
        action=Action.PUBLISH,
        title="Repair café",
        summary="We fix things.",
        body="Saturdays at the library.",
        about=[member_entry],
        latitude=SHEFFIELD[0],
        longitude=SHEFFIELD[1],
    )
    cut = cut_services.cut_report(
        author=moderator,
        values={
            "title": "Burngreave library to close",
            "summary": "The council's budget papers propose closing it in April.",
            "kind": "closure",
            "sector": "libraries",
            "state": "proposed",
            "money_yearly": "£120,000",
            "posts_lost": "3",
            "people_affected": "4,000",
            "place": place,
        },
    )
    category = Category.objects.create(name="Ideas", slug="ideas", position=10)
    topic = forum_services.topic_create(
        author=moderator, category=category, title="Sharing a minibus", body="Has anyone?"
    )
    starts_at = timezone.now() + timedelta(days=7)
    gathering = event_services.gathering_create(
        author=moderator,
        values={
            "title": "Tea and the park",
            "description": "Come and talk about the park.",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "in_person": True,
            "online": False,
            "venue_name": "Vestry Hall",
            "venue_address": "Burngreave Road, Sheffield",
            "place": place,
        },
    )
    aid_post = aid_services.post_create(
        author=UserFactory(),
        values={
            "kind": "need",
            "category": "lifts-and-transport",
            "title": "A lift to the community centre",
            "description": "The bus no longer runs after six.",
            "urgency": "2",
            "times": 4,
            "when": "ongoing",
            "place": place,
        },
    )
    return {
        "/api/v1/directory/entries/{slug}": member_entry.slug,
        "/api/v1/directory/networks/{slug}/members": network.slug,
        "/api/v1/stories/{slug}": story.slug,
        "/api/v1/cuts/{slug}": cut.slug,
        "/api/v1/areas/{slug}": area.slug,
        "/api/v1/people/{handle}": moderator.profile.handle,
        "/api/v1/hsds/organizations/{id}": str(member_entry.uuid),
        "/api/v1/forum/topics/{topic_id}": topic.pk,
        "/api/v1/forum/topics/{topic_id}/posts": topic.pk,
        "/api/v1/events/{gathering_id}": gathering.pk,
        "/api/v1/needs-and-offers/{post_id}": aid_post.pk,
    }


@pytest.fixture
def wsgi_app():
    """The site as its WSGI server runs it, keeping the test's database connection open.

    After each request Django closes database connections it thinks are old;
    that would close the one the test's transaction lives on (Django's own test
    client leaves them open in the same way).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(existing, wsgi_app, request):
    # schemathesis 4.32 names each operation's subtest through the node's old
    # private `_nodeid`, which pytest 9 no longer has: give it the public one.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    return schemathesis.openapi.from_wsgi(OPENAPI, wsgi_app, config=CONFIG)


# Every token secret made in this file, for the last test to look for in the logs.
SECRETS: list[str] = []


class KeptRecords(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(logging.Formatter().format(record))


@pytest.fixture(scope="module", autouse=True)
def every_log_line():
    """Everything any logger says during the whole run, down to DEBUG."""
    handler = KeptRecords()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def token_secret(existing) -> str:
    _token, secret = account_services.api_token_create(user=UserFactory(), name="Contract test")
    SECRETS.append(secret)
    return secret


schema = schemathesis.pytest.from_fixture("api_schema")

HYPOTHESIS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@HYPOTHESIS
def test_the_api_keeps_its_word_for_a_visitor(case):
    case.call_and_validate()


@schema.parametrize()
@HYPOTHESIS
def test_the_api_keeps_its_word_with_a_personal_api_token(case, token_secret):
    case.call_and_validate(headers={"Authorization": f"Bearer {token_secret}"})


def test_what_exists_is_answered_as_documented(api_schema, existing, token_secret):
    """Generated slugs and ids rarely exist; each resource that does is read once, both ways."""
    me = api_schema["/api/v1/me"]["GET"].Case()
    assert (
        me.call_and_validate(headers={"Authorization": f"Bearer {token_secret}"}).status_code == 200
    )
    assert me.call_and_validate().status_code == 401
    for path, value in existing.items():
        (name,) = re.findall(r"{(\w+)}", path)
        case = api_schema[path]["GET"].Case(path_parameters={name: value})
        for headers in ({}, {"Authorization": f"Bearer {token_secret}"}):
            response = case.call_and_validate(headers=headers)
            assert response.status_code == 200, (path, response.text[:300])


def test_no_credential_reaches_the_logs(every_log_line, client, token_secret, settings):
    """Last in the file: after the whole run, and after malformed headers carrying a
    real token, sent with DEBUG on (when ninja would log an unexpected header)."""
    settings.DEBUG = True
    headers = [
        f"Basic {token_secret}",
        token_secret,
        f"Token {token_secret}",
        f"Bearer {token_secret} {token_secret}",
        f"bearer{token_secret}",
    ]
    answers = [
        client.get(path, HTTP_AUTHORIZATION=header).status_code
        for path in ("/api/v1/me", "/api/v1/stories")
        for header in headers
    ]

    logged = "\n".join(every_log_line.lines)
    assert every_log_line.lines  # the handler did hear the run
    assert token_secret in SECRETS
    for secret in SECRETS:
        assert secret not in logged
        assert secret[-12:] not in logged  # nor the secret part alone
    assert set(answers) == {401}
