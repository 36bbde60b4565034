"""Two processes editing the same entry (and their own, in the same cells) at once never
leave the cluster counts wrong: they are recounted from the items at the end."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from bigsocnorth.core.tests.test_concurrent_writes import _child_env
from bigsocnorth.mapping.models import MapItem
from bigsocnorth.mapping.tests.conftest import _stored_counts

EDITS_PER_PROCESS = 40

EDITOR = textwrap.dedent(
    """
    import random
    import sys
    import django

    django.setup()
    from bigsocnorth.accounts.models import User
    from bigsocnorth.directory.entries import services
    from bigsocnorth.directory.models import Entry
    from bigsocnorth.moderation import services as moderation

    shared_pk, own_pk, seed, count = (int(value) for value in sys.argv[1:5])
    places = [(53.3811, -1.4701), (53.3925, -1.4960), (53.7997, -1.5492), (53.3812, -1.4702)]
    moderator = User.objects.get(email="moderator@example.org")
    rng = random.Random(seed)
    sys.stdout.write("ready\\n")
    sys.stdout.flush()
    sys.stdin.readline()  # start together
    for n in range(count):
        entry = Entry.objects.get(pk=rng.choice([shared_pk, own_pk]))
        action = rng.random()
        if action < 0.2 and entry.status == "published":
            moderation.content_hide(actor=moderator, content=entry, reason="test")
        elif action < 0.4 and entry.status == "hidden":
            moderation.content_restore(actor=moderator, content=entry)
        else:
            points = rng.sample(places, rng.randint(1, 2))
            services.entry_update(
                actor=moderator, entry=entry, name=entry.name, kind=entry.kind,
                sector=entry.sector,
                places=[{"latitude": lat, "longitude": lon} for lat, lon in points],
            )
    print("done")
    """
)


@pytest.mark.django_db(transaction=True)
def test_two_processes_editing_at_once_keep_the_counts_exact(add_entry):
    from bigsocnorth.accounts.models import Role
    from bigsocnorth.accounts.tests.factories import UserFactory
    from bigsocnorth.directory.models import Entry

    UserFactory(email="moderator@example.org", role=Role.MODERATOR)
    shared = add_entry("Shared", (53.3811, -1.4701))
    own = [add_entry(f"Own {n}", (53.3925, -1.4960)) for n in range(2)]
    env = _child_env()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                EDITOR,
                str(shared.pk),
                str(mine.pk),
                str(seed),
                str(EDITS_PER_PROCESS),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed, mine in enumerate(own)
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert stdout.strip() == "done"

    # The items are exactly each entry's places now...
    for entry in Entry.objects.all():
        items = sorted(
            (item.latitude, item.longitude) for item in MapItem.objects.filter(object_id=entry.pk)
        )
        expected = (
            sorted((p.public_latitude, p.public_longitude) for p in entry.places.all())
            if entry.status == "published"
            else []
        )
        assert items == expected, entry.name
    # ...and the counts kept along the way equal a recount from those items.
    from bigsocnorth.mapping.services import map_counts_rebuild

    kept = _stored_counts()
    map_counts_rebuild()
    assert _stored_counts() == kept
