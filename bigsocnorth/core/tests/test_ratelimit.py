"""Counting attempts in the shared cache: a limit per person and window, nothing more."""

from __future__ import annotations

from bigsocnorth.core.ratelimit import rate_limit_hit


def test_the_limit_is_reached_after_that_many_attempts():
    hits = [
        rate_limit_hit(action="report", who="203.0.113.5", limit=3, per_seconds=3600)
        for _ in range(5)
    ]
    assert hits == [False, False, False, True, True]


def test_each_person_and_action_is_counted_apart():
    for _ in range(3):
        rate_limit_hit(action="report", who="203.0.113.5", limit=3, per_seconds=3600)
    assert not rate_limit_hit(action="report", who="203.0.113.6", limit=3, per_seconds=3600)
    assert not rate_limit_hit(action="confirm", who="203.0.113.5", limit=3, per_seconds=3600)
