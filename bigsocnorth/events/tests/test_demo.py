"""The demo gatherings: across the North, past and to come, showing each capability once."""

from __future__ import annotations

from django.core import mail
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core.demo import registry
from bigsocnorth.events.demo import PLANS, load_events_demo
from bigsocnorth.events.models import (
    Gathering,
    GatheringOffer,
    GatheringState,
    NeedKind,
    OfferState,
    Rsvp,
    RsvpState,
)
from bigsocnorth.moderation.models import Status


def test_the_demo_gatherings_show_every_capability_and_load_once(
    db, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    for key in ("people", "directory"):
        registry._sets[key].load()
    # The forum's demo brings a hundred more members; these stand in for them.
    UserFactory.create_batch(30)
    with django_capture_on_commit_callbacks(execute=True):
        result = load_events_demo()
    assert result.summary and "Gatherings:" in result.summary[0]
    # Invented guests are never written to, even by the postponed and cancelled ones.
    assert mail.outbox == []

    now = timezone.now()
    gatherings = Gathering.objects.all()
    assert gatherings.count() == len(PLANS)
    assert set(gatherings.values_list("status", flat=True)) == {Status.PUBLISHED}
    upcoming = gatherings.filter(last_ends_at__gte=now)
    past = gatherings.filter(last_ends_at__lt=now)
    assert upcoming.count() == sum(plan.days > 0 for plan in PLANS)
    assert past.count() == sum(plan.days < 0 for plan in PLANS)
    assert len(set(gatherings.values_list("local_authority__name", flat=True))) >= 15

    sheffield = gatherings.get(title__startswith="Networking the networks")
    local_start = timezone.localtime(sheffield.starts_at)
    local_end = timezone.localtime(sheffield.ends_at)
    assert sheffield.venue_wanted and sheffield.local_authority.name == "Sheffield"
    assert (local_start.hour, local_end.hour) == (17, 19)

    wanted = {need.kind: need for need in sheffield.needs.all()}
    assert {NeedKind.VENUE, NeedKind.REFRESHMENTS} <= set(wanted)
    venue_offer = wanted[NeedKind.VENUE].offers.get()
    assert venue_offer.state == OfferState.OFFERED and venue_offer.venue_name
    assert wanted[NeedKind.REFRESHMENTS].offers.filter(state=OfferState.ACCEPTED).count() == 1
    assert GatheringOffer.objects.filter(state=OfferState.ACCEPTED).count() >= 3

    full = gatherings.get(title="Small charities' funding surgery")
    going = Rsvp.objects.filter(gathering=full, state=RsvpState.GOING)
    assert going.count() == full.capacity
    assert Rsvp.objects.filter(gathering=full, state=RsvpState.WAITING).count() >= 2

    states = set(gatherings.values_list("state", flat=True))
    assert {GatheringState.POSTPONED, GatheringState.CANCELLED, GatheringState.TENTATIVE} <= states
    assert gatherings.exclude(recurrence="").count() >= 2
    assert gatherings.filter(online=True, in_person=False).exists()
    assert gatherings.filter(online=True, in_person=True).exists()
    assert Rsvp.objects.filter(user__isnull=True, state=RsvpState.GOING).exists()
    assert all(rsvp.guest_email.endswith(".example.org") for rsvp in Rsvp.objects.filter(user=None))
    for gathering in past:
        assert Rsvp.objects.filter(gathering=gathering, state=RsvpState.GOING).exists()

    # Afterwards: how two went, one told as a published story linked from its page.
    recorded = past.filter(outcome_recorded_at__isnull=False)
    assert recorded.count() == 2 and all(g.attended and g.outcome for g in recorded)
    told = recorded.get(story__isnull=False)
    assert told.story.status == Status.PUBLISHED
    assert told.story.get_absolute_url() in client.get(told.get_absolute_url()).content.decode()

    page = client.get("/gatherings/").content.decode()
    assert "Networking the networks" in page
    assert "Friends of parks: spring planning meeting" not in page  # past

    assert load_events_demo().summary == []
    assert Gathering.objects.count() == len(PLANS)
