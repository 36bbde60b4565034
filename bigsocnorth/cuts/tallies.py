"""The dashboards' figures, kept exact with every change instead of added up on every request.

Each public cut adds itself once to a few `Tally` rows for the North, its
region and its local authority: one row for everything, and one for its
state, kind, sector and financial year. What a cut added is kept on the cut
(`Cut.tallied`), so any later change (a new state on the timeline, an edit,
a hide, a merge, a deletion) takes away exactly that and adds the new
contribution, in the same transaction. Registered as an index of the
moderation fan-out (content.py), so every write path keeps it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from bigsocnorth.cuts.models import Cut, Tally
from bigsocnorth.moderation.permissions import is_public

DIMENSIONS = ("all", "state", "kind", "sector", "year")
MEASURES = ("cuts", "money_yearly", "money_one_off", "posts_lost", "people_affected")
NORTH = "north"


def region_scope(region_id: int) -> str:
    return f"region:{region_id}"


def authority_scope(local_authority_id: int) -> str:
    return f"authority:{local_authority_id}"


def cut_contribution(cut: Cut) -> dict | None:
    """What a cut adds to the tallies now: None unless it is public (merged cuts are hidden)."""
    if not is_public(cut) or cut.merged_into_id is not None:
        return None
    return {
        "authority": cut.local_authority_id,
        "region": cut.local_authority.region_id,
        "state": cut.state,
        "kind": cut.kind,
        "sector": cut.sector,
        "year": "" if cut.financial_year is None else str(cut.financial_year),
        "cuts": 1,
        "money_yearly": cut.money_yearly or 0,
        "money_one_off": cut.money_one_off or 0,
        "posts_lost": cut.posts_lost or 0,
        "people_affected": cut.people_affected or 0,
    }


def _rows(contribution: dict) -> Iterable[tuple[str, str, str]]:
    scopes = (
        NORTH,
        region_scope(contribution["region"]),
        authority_scope(contribution["authority"]),
    )
    for scope in scopes:
        for dimension in DIMENSIONS:
            value = "" if dimension == "all" else contribution[dimension]
            yield scope, dimension, value


def _add(deltas: dict, contribution: dict | None, sign: int) -> None:
    if not contribution:
        return
    for key in _rows(contribution):
        row = deltas[key]
        for measure in MEASURES:
            row[measure] += sign * contribution[measure]


def _new_deltas() -> dict:
    return defaultdict(lambda: dict.fromkeys(MEASURES, 0))


def _apply(deltas: dict) -> None:
    for (scope, dimension, value), delta in deltas.items():
        if not any(delta.values()):
            continue
        changes = {measure: F(measure) + amount for measure, amount in delta.items() if amount}
        rows = Tally.objects.filter(scope=scope, dimension=dimension, value=value)
        if rows.update(**changes):
            continue
        try:
            with transaction.atomic():
                Tally.objects.create(scope=scope, dimension=dimension, value=value, **delta)
        except IntegrityError:
            # Another change created the row in the meantime: add to it.
            rows.update(**changes)


def tally_sync(cut: Cut) -> None:
    """Take away what the cut added before, add what it adds now."""
    if cut.pk is None:
        return
    with transaction.atomic():
        before = (
            Cut.objects.select_for_update().filter(pk=cut.pk).values_list("tallied", flat=True)
        ).first()
        now = cut_contribution(cut)
        if before == now:
            return
        deltas = _new_deltas()
        _add(deltas, before, -1)
        _add(deltas, now, +1)
        _apply(deltas)
        Cut.objects.filter(pk=cut.pk).update(tallied=now)
        cut.tallied = now


def tally_sync_many(cuts: list[Cut]) -> None:
    """For new cuts added in bulk (the demo, a benchmark): one pass over the batch."""
    deltas = _new_deltas()
    changed = []
    for cut in cuts:
        now = cut_contribution(cut)
        if cut.tallied == now:
            continue
        _add(deltas, cut.tallied, -1)
        _add(deltas, now, +1)
        cut.tallied = now
        changed.append(cut)
    with transaction.atomic():
        _apply(deltas)
        Cut.objects.bulk_update(changed, ["tallied"], batch_size=500)


def tally_forget(tallied: dict | None) -> None:
    """A deleted cut takes away what it added."""
    deltas = _new_deltas()
    _add(deltas, tallied, -1)
    _apply(deltas)


def tallies_rebuild() -> None:
    """Every tally from scratch, from the public cuts (for a database from before tallies)."""
    with transaction.atomic():
        Tally.objects.all().delete()
        Cut.objects.filter(tallied__isnull=False).update(tallied=None)
        cuts = Cut.objects.public().select_related("local_authority").order_by("pk")
        batch: list[Cut] = []
        for cut in cuts.iterator(chunk_size=2000):
            cut.tallied = None
            batch.append(cut)
            if len(batch) == 2000:
                tally_sync_many(batch)
                batch = []
        tally_sync_many(batch)


def tallies_are_empty() -> bool:
    return not Tally.objects.exists() and Cut.objects.public().exists()
