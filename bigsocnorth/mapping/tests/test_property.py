"""Property: after any mix of inserts, moves, hides and deletes, every cluster count on
the map equals a brute-force count of the items under it (hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bigsocnorth.directory.entries import services
from bigsocnorth.directory.models import Category, Entry, EntryKind
from bigsocnorth.mapping.services import map_items_sync
from bigsocnorth.mapping.tests.conftest import assert_counts_exact
from bigsocnorth.moderation.models import Status

pytestmark = pytest.mark.django_db

# Places in Yorkshire, some close together (they cluster until zoomed right in)
# and some the same (they never split).
PLACES = [
    (53.3811, -1.4701), (53.3925, -1.4960), (53.3926, -1.4961), (53.3811, -1.4701),
    (53.7997, -1.5492), (53.8008, -1.5491), (53.7676, -0.3274), (53.5228, -1.1285),
    (53.6458, -1.7850), (53.7211, -1.8620), (53.9600, -1.0873), (53.4830, -2.2426),
]  # fmt: skip
CATEGORIES = ["innovation", "existing-work", "community-of-interest"]

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.lists(st.sampled_from(PLACES), min_size=1, max_size=3),
            st.lists(st.sampled_from(CATEGORIES), max_size=2),
            st.sampled_from(["organisation", "network"]),
        ),
        st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(PLACES)),
        st.tuples(st.just("hide"), st.integers(0, 50)),
        st.tuples(st.just("restore"), st.integers(0, 50)),
        st.tuples(st.just("delete"), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=12,
)


def _apply(operation, author):
    entries = list(Entry.objects.order_by("pk"))
    name = operation[0]
    if name == "add":
        _, points, categories, kind = operation
        services.entry_create(
            author=author,
            not_a_duplicate=True,
            name=f"Group {len(entries)}",
            kind=EntryKind.objects.get(slug=kind),
            sector="voluntary",
            categories=list(Category.objects.filter(slug__in=categories)),
            places=[{"latitude": lat, "longitude": lon} for lat, lon in points],
        )
        return
    if not entries:
        return
    entry = entries[operation[1] % len(entries)]
    if name == "move":
        latitude, longitude = operation[2]
        services.entry_update(
            actor=author,
            entry=entry,
            name=entry.name,
            kind=entry.kind,
            sector=entry.sector,
            categories=list(entry.categories.all()),
            places=[{"latitude": latitude, "longitude": longitude}],
        )
    elif name in ("hide", "restore"):
        entry.status = Status.HIDDEN if name == "hide" else Status.PUBLISHED
        entry.save(update_fields=["status"])
        map_items_sync(obj=entry)
    else:
        entry.delete()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_cluster_counts_always_equal_a_brute_force_count(steps, moderator_author):
    for operation in steps:
        _apply(operation, moderator_author)
    assert_counts_exact()
    assert_counts_exact(category=["innovation", "community-of-interest"])
    assert_counts_exact(kind=["network"], area="sheffield")
