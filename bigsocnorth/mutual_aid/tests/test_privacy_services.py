"""After a whole match, what the public can reach (open data, search, the map) still holds
nobody's contact details, email address or exact place."""

from __future__ import annotations

import pytest

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.mapping.models import MapItem
from bigsocnorth.messaging.models import Message
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.mutual_aid import permissions, services
from bigsocnorth.mutual_aid.models import MatchState
from bigsocnorth.mutual_aid.tests.makers import (
    CONTACT,
    WALKLEY,
    make_post,
    make_trusted,
    walkley,
)
from bigsocnorth.notifications.models import Notification
from bigsocnorth.search.models import SearchDocument

pytestmark = pytest.mark.django_db

POSTER_CONTACT = "call 07700 900123 after six"


@pytest.fixture
def full_match(area):
    """A need at an exact point in Walkley, answered, accepted and done, with contact
    details on both sides."""
    poster = make_trusted()
    helper = UserFactory()
    need = make_post(poster, place=walkley(area), title="Lift to the dentist on Friday")
    assert is_public(need)
    match = services.match_request(
        responder=helper, post=need, message="Happy to drive you.", contact=CONTACT
    )
    services.match_accept(actor=poster, match=match, contact=POSTER_CONTACT)
    services.match_finish(actor=helper, match=match, done=True)
    services.match_finish(actor=poster, match=match, done=True)
    match.refresh_from_db()
    assert match.state == MatchState.DONE
    need.refresh_from_db()
    return {"poster": poster, "helper": helper, "post": need, "match": match}


def _secrets(full_match) -> list[str]:
    return [
        CONTACT,
        POSTER_CONTACT,
        "07700",
        "900123",
        full_match["poster"].email,
        full_match["helper"].email,
        str(WALKLEY[0]),
        str(WALKLEY[1]),
    ]


def test_the_open_data_holds_no_contact_email_or_place(client, full_match):
    for path in ("/help/data/counts.json", "/help/data/counts.csv"):
        response = client.get(path)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        text = raw.decode()
        for secret in _secrets(full_match):
            assert secret not in text, (path, secret)
        assert full_match["post"].title not in text


def test_the_search_index_holds_no_contact_email_or_place(full_match):
    post = full_match["post"]
    (document,) = SearchDocument.objects.filter(type_key="aid", object_id=post.pk)
    assert document.title == post.title
    # Every field people wrote or read (facet_tokens are digests, digits only).
    indexed = " ".join(
        str(getattr(document, name))
        for name in ("title", "body", "facets", "url", "categories", "area_ids")
    )
    for secret in _secrets(full_match):
        assert secret not in indexed, secret
    for person in (full_match["poster"], full_match["helper"]):
        assert person.profile.display_name not in indexed
    # Nothing about the match (its conversation included) is searchable at all.
    assert (
        not SearchDocument.objects.exclude(type_key="aid").filter(body__contains="07700").exists()
    )


def test_the_map_point_is_the_areas_centre_and_holds_no_contact(area, full_match):
    post = full_match["post"]
    (item,) = MapItem.objects.filter(layer="aid", object_id=post.pk)
    assert (item.latitude, item.longitude) == (area.centre_latitude, area.centre_longitude)
    assert (item.latitude, item.longitude) != WALKLEY
    assert (item.latitude, item.longitude) != (post.latitude, post.longitude)
    row = " ".join(str(getattr(item, name)) for name in ("title", "url", "kind", "category"))
    for secret in _secrets(full_match):
        assert secret not in row, secret


def test_the_post_itself_keeps_only_a_rough_point(full_match):
    post = full_match["post"]
    assert post.latitude is not None and post.longitude is not None
    assert (post.latitude, post.longitude) != WALKLEY
    assert round(post.latitude, 2) == post.latitude
    assert abs(post.latitude - WALKLEY[0]) < 0.01 and abs(post.longitude - WALKLEY[1]) < 0.01


def test_contact_details_reach_only_the_two_people_and_only_once_accepted(full_match):
    match, poster, helper = full_match["match"], full_match["poster"], full_match["helper"]
    assert permissions.can_see_contact(poster, match) and permissions.can_see_contact(helper, match)
    assert not permissions.can_see_contact(UserFactory(), match)
    pending = services.match_request(
        responder=UserFactory(), post=full_match["post"], message="Me too.", contact="ring me"
    )
    assert not permissions.can_see_contact(poster, pending)
    # The contact details are never written into a message or a notice.
    for text in Message.objects.values_list("body", flat=True):
        assert "07700" not in text
    for text in Notification.objects.values_list("message", flat=True):
        assert "07700" not in text
