"""How often someone may do something: counted in the shared cache, per key and window.

Used where a person without an account can write (reporting a cut): the
count lives in the default cache, which every web and worker process
shares, so a flood spread over processes is still one count.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    """The address the request came from: as the proxies we trust pass it on
    (TRUSTED_PROXY_COUNT entries from the end of X-Forwarded-For), else as
    the app server saw it. The same reading as the sign-in rate limits."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):  # no address, or fewer hops than proxies
        return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limit_hit(*, action: str, who: str, limit: int, per_seconds: int) -> bool:
    """Count one attempt; True when `who` has already made `limit` in this window.

    The window is fixed (it starts at a multiple of `per_seconds`), which is
    enough to stop a flood and costs one cache write per attempt.
    """
    window = int(time.time()) // per_seconds
    digest = hashlib.sha256(f"{action}:{who}".encode()).hexdigest()[:32]
    key = f"ratelimit:{action}:{digest}:{window}"
    if cache.add(key, 1, timeout=per_seconds + 5):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=per_seconds + 5)
        count = 1
    if count is None:
        # The shared cache is away (Redis restarting: settings, IGNORE_EXCEPTIONS):
        # let the request through rather than refuse everyone until it is back.
        logger.warning("Rate limit %r not counted: the shared cache did not answer", action)
        return False
    return count > limit
