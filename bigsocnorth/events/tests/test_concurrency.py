"""The last places of a gathering under a rush: never more people going than the capacity.

Several processes answer at the same moment against the same database file
(or PostgreSQL, when the suite runs there), the way several app processes
would in production: 200 answers for the last 10 places. The places are
taken under the gathering's row lock (on SQLite, the IMMEDIATE transaction's
write lock), so exactly 10 go and everyone else waits, in order.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core.tests.test_concurrent_writes import _child_env
from bigsocnorth.events import services
from bigsocnorth.events.models import Rsvp, RsvpState
from bigsocnorth.events.tests.conftest import gathering_values

PROCESSES = 8
ANSWERS = 200
CAPACITY = 50
ALREADY_GOING = 40  # so 10 places are left

ANSWERER = textwrap.dedent(
    """
    import sys
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from bigsocnorth.events import services
    from bigsocnorth.events.models import Gathering

    gathering = Gathering.objects.get(pk=int(sys.argv[1]))
    people = list(get_user_model().objects.filter(pk__in=[int(pk) for pk in sys.argv[2:]]))
    sys.stdout.write("ready\\n")
    sys.stdout.flush()
    sys.stdin.readline()  # wait for the go signal so all start together
    states = []
    for person in people:
        states.append(services.rsvp_member(user=person, gathering=gathering).state)
    print(" ".join(states))
    """
)


@pytest.mark.django_db(transaction=True)
def test_two_hundred_answers_at_once_never_overfill_the_last_ten_places(area, moderator):
    gathering = services.gathering_create(
        author=moderator,
        values=gathering_values(area, capacity=CAPACITY, plus_ones_allowed=0),
    )
    Rsvp.objects.bulk_create(
        Rsvp(gathering=gathering, user=person, state=RsvpState.GOING, cancel_key="k")
        for person in UserFactory.create_batch(ALREADY_GOING)
    )
    people = [person.pk for person in UserFactory.create_batch(ANSWERS)]
    share = ANSWERS // PROCESSES
    env = _child_env()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", ANSWERER, str(gathering.pk)]
            + [str(pk) for pk in people[n * share : (n + 1) * share]],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=300) for process in processes]

    said = []
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert "database is locked" not in stderr
        assert process.returncode == 0, stderr
        said += stdout.split()
    assert len(said) == ANSWERS
    assert said.count(RsvpState.GOING) == CAPACITY - ALREADY_GOING
    assert services.places_taken(gathering) == CAPACITY
    assert Rsvp.objects.filter(gathering=gathering, state=RsvpState.WAITING).count() == (
        ANSWERS - (CAPACITY - ALREADY_GOING)
    )
