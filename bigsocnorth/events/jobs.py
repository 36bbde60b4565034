"""Scheduled work for gatherings: taking ended gatherings off the map.

The map keeps what a gathering's points said at its last change; a
gathering that ends changes nothing by itself. Each scheduler tick brings
the ones that ended since the last tick up to date (content_changed, so
every index follows), remembering in the shared cache how far it got. If
the cache forgets, it looks back a day: doing one twice is harmless.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from bigsocnorth.events.models import Gathering
from bigsocnorth.moderation.changes import content_changed

DONE_THROUGH_KEY = "events:ended-done-through"
LOOK_BACK = timedelta(days=1)
BATCH = 500


def gatherings_ended_refresh(*, now: datetime | None = None) -> list[str]:
    now = now or timezone.now()
    since = cache.get(DONE_THROUGH_KEY) or now - LOOK_BACK
    ended = list(
        Gathering.objects.public()
        .filter(in_person=True, latitude__isnull=False)
        .filter(last_ends_at__gt=since, last_ends_at__lte=now)
        .order_by("last_ends_at", "pk")[:BATCH]
    )
    for gathering in ended:
        with transaction.atomic():
            content_changed(gathering, previous_status=gathering.status)
    # A full batch may leave more: continue from the last one done at the next tick.
    done_through = ended[-1].last_ends_at if len(ended) == BATCH else now
    cache.set(DONE_THROUGH_KEY, done_through, timeout=None)
    if not ended:
        return []
    return [f"gatherings: {len(ended)} ended, taken off the map"]
