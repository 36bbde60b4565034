"""schema.org Event on a gathering's page: parses, says the right status, mode and place,
never leaks the online link, and is only on public pages."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from bigsocnorth.events import jsonld, services
from bigsocnorth.events.models import Gathering

pytestmark = pytest.mark.django_db

_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _data(client, gathering) -> dict:
    page = client.get(reverse("events:gathering_detail", args=[gathering.slug]))
    assert page.status_code == 200
    (found,) = _SCRIPT.findall(page.content.decode())
    return json.loads(found)


def test_an_in_person_gathering_is_an_offline_event_at_a_place(client, organise):
    gathering = organise()
    data = _data(client, gathering)
    assert data["@type"] == "Event" and data["name"] == gathering.title
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["startDate"] == gathering.starts_at.isoformat()  # with the London offset
    assert data["startDate"][-6:] in ("+00:00", "+01:00")
    place = data["location"]
    assert place["@type"] == "Place" and place["name"] == "Burngreave Vestry Hall"
    assert place["address"]["streetAddress"] == "Burngreave Road, Sheffield S3 9DH"
    assert place["geo"]["latitude"] == pytest.approx(gathering.latitude)
    assert data["organizer"]["@type"] == "Person"
    assert data["url"].endswith(gathering.get_absolute_url())
    assert "**" not in data["description"]


def test_online_and_mixed_gatherings_give_the_link_only_when_public(client, organise):
    secret = organise(title="Secret link", in_person=False, online=True,
                      online_url="https://meet.example.org/secret-room")  # fmt: skip
    data = _data(client, secret)
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"]["@type"] == "VirtualLocation" and "url" not in data["location"]
    assert "secret-room" not in json.dumps(data)
    mixed = organise(title="Both", online=True, online_url_going_only=False,
                     online_url="https://meet.example.org/open-room")  # fmt: skip
    data = _data(client, mixed)
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    kinds = {place["@type"]: place for place in data["location"]}
    assert kinds["VirtualLocation"]["url"] == "https://meet.example.org/open-room"
    assert "Place" in kinds


def test_cancelled_and_postponed_gatherings_say_so(client, organise, moderator):
    cancelled = organise(title="Cancelled")
    services.gathering_cancel(actor=moderator, gathering=cancelled)
    assert _data(client, cancelled)["eventStatus"] == "https://schema.org/EventCancelled"
    moved = organise(title="Moved")
    was = moved.starts_at
    later = was + timedelta(days=14)
    services.gathering_postpone(actor=moderator, gathering=moved, starts_at=later,
                                ends_at=later + timedelta(hours=2), note="")  # fmt: skip
    data = _data(client, Gathering.objects.get(pk=moved.pk))
    # A new date is always given, which schema.org calls rescheduled.
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == was.isoformat()
    assert data["startDate"] == later.isoformat()


def test_hostile_text_cannot_close_the_script(client, organise):
    gathering = organise(title="</script><script>alert(1)</script>",
                         description="<!-- & </script> -->")  # fmt: skip
    page = client.get(reverse("events:gathering_detail", args=[gathering.slug])).content.decode()
    assert "<script>alert(1)" not in page
    (found,) = _SCRIPT.findall(page)
    assert json.loads(found)["name"] == gathering.title


def test_no_json_ld_on_a_gathering_in_review(client, organise, member):
    gathering = organise(author=member, title="In review")
    client.force_login(member)
    page = client.get(reverse("events:gathering_detail", args=[gathering.slug]))
    assert page.status_code == 200
    assert not _SCRIPT.findall(page.content.decode())
    assert jsonld.gathering_jsonld(gathering) == ""
