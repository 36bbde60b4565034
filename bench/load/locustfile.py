"""People on the platform, for locust: visitors browsing and members writing.

bench/bench_load.py runs this headless against one deployment at a time. It
reads its plan (a JSON file named by BENCH_LOAD_PLAN, written by
bench_load.py) for the pages to visit, the words to search for and one
signed-in session per member, and writes two JSON Lines files named there:

- `writes`: every write the server acknowledged (a story's redirect to its
  page, a flag's redirect back, a follow's "Following" button), with what
  identifies it, so bench_load.py can check that each one is in the database;
- `errors`: every answer of 500 or above, and every request that got no
  answer at all, with the time, so 5xx can be counted around each fault.

Members never sign in through the login form (its per-address throttle
would refuse 200 sign-ins from one address, as it should): each takes one
of the sessions bench_load.py made in the database beforehand.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text())
TIMEOUT = 60  # seconds; an answer slower than this counts as a failure

_sessions = itertools.cycle(PLAN["sessions"])
_story_numbers = itertools.count(1)
# Stories the members published during this run, for other members to flag.
# At most FLAGS_PER_STORY flags each: one fewer than hides a thing automatically
# (FLAG_HIDE_THRESHOLD), so the pages stay up and every flag stays an open one.
_published: list[dict] = []
FLAGS_PER_STORY = 2

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STORY_REDIRECT = re.compile(r"^(?:https?://[^/]+)?/stories/([^/]+)/(?:edit/)?$")
FLAG_LINK = re.compile(r"/moderation/flag/(\d+)/(\d+)/")
FOLLOW_FORM = re.compile(
    r'<form method="post" action="/notifications/(?:un)?follow/".*?'
    r'name="type" value="([^"]+)".*?name="id" value="(\d+)"',
    re.S,
)

# Words the stories are made of (a search for them finds the new stories too).
WORDS = [
    "volunteers", "neighbours", "community", "centre", "food", "bank", "youth", "club",
    "library", "garden", "allotment", "befriending", "warm", "space", "credit", "union",
    "canal", "litter", "pick", "mural", "choir", "repair", "cafe", "walk", "minibus",
    "advice", "surgery", "pantry", "swimming", "pool", "playground", "orchard", "market",
    "trust", "hall",
]  # fmt: skip

# Places in the North, with their coordinates, for stories that happened somewhere
# (inland, so that a point a kilometre or so away is still in a local authority).
PLACES = [
    ("Leeds", 53.7997, -1.5492),
    ("Hebden Bridge", 53.7420, -2.0110),
    ("Gateshead", 54.9526, -1.6034),
    ("Kendal", 54.3280, -2.7460),
    ("Barnsley", 53.5526, -1.4797),
    ("Wigan", 53.5450, -2.6325),
    ("Darlington", 54.5236, -1.5595),
    ("York", 53.9600, -1.0873),
]


def _append(path: str, record: dict) -> None:
    # One short line per write: appends of whole lines from one process do not interleave.
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


@events.request.add_listener
def _server_errors_log(request_type, name, response, exception, **kwargs):
    status = (getattr(response, "status_code", 0) or 0) if response is not None else 0
    if status >= 500 or (exception is not None and status == 0):
        _append(
            PLAN["errors"],
            {
                "t": time.time(),
                "status": status,
                "method": request_type,
                "name": name,
                "error": "" if exception is None else str(exception)[:200],
            },
        )


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


class Visitor(HttpUser):
    """Someone not signed in: reads pages, searches, looks at the map, reads feeds and the API."""

    weight = 3
    wait_time = between(1, 3)

    def _get(self, path: str, name: str | None = None):
        return self.client.get(path, name=name or path, timeout=TIMEOUT)

    @task(4)
    def home(self):
        self._get("/")

    @task(3)
    def area(self):
        self._get(random.choice(PLAN["pages"]["area"]), "/areas/[slug]/")

    @task(2)
    def directory(self):
        self._get("/directory/")

    @task(3)
    def entry(self):
        self._get(random.choice(PLAN["pages"]["entry"]), "/directory/[slug]/")

    @task(3)
    def stories(self):
        self._get("/stories/")

    @task(4)
    def story(self):
        self._get(random.choice(PLAN["pages"]["story"]), "/stories/[slug]/")

    @task(2)
    def cuts(self):
        self._get("/cuts/")

    @task(2)
    def cut(self):
        self._get(random.choice(PLAN["pages"]["cut"]), "/cuts/[slug]/")

    @task(1)
    def cuts_dashboard(self):
        self._get("/cuts/dashboards/")

    @task(2)
    def forum(self):
        self._get("/forum/")

    @task(3)
    def topic(self):
        self._get(random.choice(PLAN["pages"]["topic"]), "/forum/t/[id]/[slug]/")

    @task(2)
    def gatherings(self):
        self._get("/gatherings/")

    @task(2)
    def gathering(self):
        self._get(random.choice(PLAN["pages"]["gathering"]), "/gatherings/[slug]/")

    @task(2)
    def help(self):
        self._get("/help/")

    @task(2)
    def help_post(self):
        self._get(random.choice(PLAN["pages"]["aid"]), "/help/[slug]/")

    @task(4)
    def search(self):
        query = random.choice(PLAN["searches"])
        self._get(f"/search/?q={query.replace(' ', '+')}", "/search/?q=[words]")

    @task(2)
    def map_page(self):
        self._get("/map/")

    @task(4)
    def map_data(self):
        self._get(random.choice(PLAN["map_views"]), "/api/v1/map?bbox=[box]&zoom=[z]")

    @task(1)
    def map_outlines(self):
        self._get("/api/v1/areas/outlines")

    @task(1)
    def map_export(self):
        self._get("/map/export.geojson")

    @task(3)
    def feed(self):
        path = random.choice(PLAN["feeds"])
        self._get(path)

    @task(4)
    def api(self):
        path = random.choice(PLAN["api"])
        self._get(path)


class Member(HttpUser):
    """A signed-in member: reads, tells stories, follows things and flags what looks wrong."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        session = next(_sessions)
        self.user_id = session["user_id"]
        self.client.cookies.set("sessionid", session["key"])
        self.rng = random.Random(self.user_id)
        self.flagged: set[str] = set()

    def _get(self, path: str, name: str | None = None):
        return self.client.get(path, name=name or path, timeout=TIMEOUT)

    # --- reading, signed in (never served from the visitors' page cache) ---------

    @task(1)
    def home(self):
        self._get("/", "/ (member)")

    @task(1)
    def browse(self):
        kind = self.rng.choice(["story", "entry", "topic", "area"])
        self._get(random.choice(PLAN["pages"][kind]), f"[{kind} page] (member)")

    @task(1)
    def notifications(self):
        self._get(random.choice(["/notifications/", "/notifications/following/"]))

    # --- writing ----------------------------------------------------------------------

    @task(3)
    def story_tell(self):
        form = self._get("/stories/new/", "/stories/new/ (form)")
        token = CSRF.search(form.text or "") if form.status_code == 200 else None
        if token is None:
            return
        number = next(_story_numbers)
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "title": f"{_sentence(self.rng, 4)[:-1]} ({self.user_id}-{number})",
            "summary": _sentence(self.rng, 14),
            "body": "\n\n".join(_sentence(self.rng, 30) for _ in range(3)),
            "tags": ", ".join(self.rng.sample(WORDS, 2)),
            "publish": "1",
        }
        if self.rng.random() < 0.5:  # half of them happened somewhere: on the map
            name, latitude, longitude = self.rng.choice(PLACES)
            data.update(
                place=name,
                place_typed_latitude=f"{latitude + self.rng.uniform(-0.01, 0.01):.5f}",
                place_typed_longitude=f"{longitude + self.rng.uniform(-0.01, 0.01):.5f}",
            )
        with self.client.post(
            "/stories/new/",
            data=data,
            name="/stories/new/ (publish)",
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as answer:
            match = STORY_REDIRECT.match(answer.headers.get("Location", ""))
            if answer.status_code == 302 and match:
                slug = match.group(1)
                _append(PLAN["writes"], {"kind": "story", "slug": slug, "author_id": self.user_id})
                _published.append({"slug": slug, "author_id": self.user_id, "flags": 0})
                answer.success()
            elif answer.status_code < 500:
                answer.failure(f"story not saved: {answer.status_code}")

    @task(2)
    def follow(self):
        page = self.rng.choice(PLAN["follow_pages"])
        answer = self._get(page["url"], page["name"])
        form = FOLLOW_FORM.search(answer.text or "") if answer.status_code == 200 else None
        token = CSRF.search(answer.text or "") if form else None
        if token is None:
            return
        key, object_id = form.groups()
        with self.client.post(
            "/notifications/follow/",
            data={"csrfmiddlewaretoken": token.group(1), "type": key, "id": object_id},
            headers={"HX-Request": "true"},
            name="/notifications/follow/",
            catch_response=True,
            timeout=TIMEOUT,
        ) as answer:
            text = answer.text or ""
            if (
                answer.status_code == 200
                and 'action="/notifications/unfollow/"' in text
                and "follow-error" not in text
            ):
                _append(
                    PLAN["writes"],
                    {
                        "kind": "follow",
                        "user_id": self.user_id,
                        "type": key,
                        "object_id": int(object_id),
                    },
                )
                answer.success()
            elif answer.status_code < 500:
                answer.failure(f"follow not made: {answer.status_code}")

    @task(1)
    def flag(self):
        candidates = [
            story
            for story in _published[-200:]
            if story["author_id"] != self.user_id
            and story["flags"] < FLAGS_PER_STORY
            and story["slug"] not in self.flagged
        ]
        if not candidates:
            self.follow()
            return
        story = self.rng.choice(candidates)
        story["flags"] += 1  # taken before the requests, so no third member takes it too
        self.flagged.add(story["slug"])
        page = self._get(f"/stories/{story['slug']}/", "/stories/[slug]/ (member)")
        link = FLAG_LINK.search(page.text or "") if page.status_code == 200 else None
        if link is None:
            return
        form = self._get(link.group(0), "/moderation/flag/[type]/[id]/ (form)")
        token = CSRF.search(form.text or "") if form.status_code == 200 else None
        if token is None:
            return
        with self.client.post(
            link.group(0),
            data={
                "csrfmiddlewaretoken": token.group(1),
                "reason": self.rng.choice(["inaccurate", "other", "agenda"]),
                "note": _sentence(self.rng, 8),
            },
            name="/moderation/flag/[type]/[id]/",
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as answer:
            if answer.status_code == 302:
                _append(
                    PLAN["writes"],
                    {
                        "kind": "flag",
                        "flagger_id": self.user_id,
                        "content_type_id": int(link.group(1)),
                        "object_id": int(link.group(2)),
                        "slug": story["slug"],
                    },
                )
                answer.success()
            elif answer.status_code < 500:
                answer.failure(f"flag not made: {answer.status_code}")
