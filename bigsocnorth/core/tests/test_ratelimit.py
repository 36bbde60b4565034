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


def test_behind_our_proxy_the_client_is_the_address_it_passes_on(rf, settings):
    from bigsocnorth.core.ratelimit import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The last hop is what our proxy saw; what the client wrote before it is not trusted.
    assert client_address(request) == "203.0.113.9"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 3  # more proxies than the header names
    assert client_address(request) == "10.0.0.2"
