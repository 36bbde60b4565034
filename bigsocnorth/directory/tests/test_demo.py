"""The demo directory: a few hundred groups across the North, networks, and flags."""

from __future__ import annotations

from django.db.models import Count
from PIL import Image

from bigsocnorth.accounts.demo import load_people
from bigsocnorth.directory.demo import ENTRY_COUNT, load_directory_demo
from bigsocnorth.directory.models import Entry, Membership
from bigsocnorth.moderation.models import Flag, Status
from bigsocnorth.moderation.selectors import review_queue
from bigsocnorth.places.models import LocalAuthority


def test_the_demo_fills_the_directory_across_the_north(db):
    load_people()
    result = load_directory_demo()
    assert result.summary == [
        f"Demo data loaded: {ENTRY_COUNT} directory entries (4 waiting for review), "
        "9 networks, 3 flags for the moderators."
    ]
    assert not result.logins
    assert ENTRY_COUNT == 320
    published = Entry.objects.filter(status=Status.PUBLISHED)
    assert published.count() >= 300
    per_area = dict(
        LocalAuthority.objects.annotate(n=Count("directory_entries")).values_list("name", "n")
    )
    # Dense in cities, sparse in the dales: Leeds has more than the whole of Westmorland.
    assert per_area["Leeds"] > per_area["Westmorland and Furness"]
    assert sum(1 for n in per_area.values() if n) >= 55
    networks = Entry.objects.filter(kind__is_network=True)
    assert networks.filter(member_links__status="approved").distinct().count() >= 8
    umbrella = Entry.objects.get(name="Northern Network of Networks")
    members = Membership.objects.filter(network=umbrella, status="approved")
    assert members.count() >= 8
    assert all(m.member.kind.is_network for m in members)
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 3

    # About three in five groups have a logo drawn at load time, stored as an upload
    # would be: a valid PNG without any metadata, its size recorded for the page.
    with_logo = Entry.objects.exclude(logo="")
    assert 0.45 * ENTRY_COUNT < with_logo.count() < 0.75 * ENTRY_COUNT
    for entry in with_logo[:40]:
        with entry.logo.open("rb") as file, Image.open(file) as logo:
            logo.load()
            assert logo.format == "PNG" and logo.size == (entry.logo_width, entry.logo_height)
            assert not logo.getexif() and "exif" not in logo.info
    queue = review_queue()
    assert sum(1 for item in queue if item.flags) == 3
    assert sum(1 for item in queue if item.is_in_review) >= 1
