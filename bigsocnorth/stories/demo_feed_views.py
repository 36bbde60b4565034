"""The demo news sites' feeds, served by this site itself when SERVE_DEMO_FEEDS is on.

The demo directory's three hyperlocal news sites take stories from these
feeds (stories/demo_feeds/<name>.xml), so taking stories from a news feed can
be seen working on a developer's machine without the internet.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from bigsocnorth.core.fetch import DEMO_FEEDS_PATH

DEMO_FEEDS_DIR = Path(__file__).resolve().parent / "demo_feeds"
DEMO_FEED_NAME = re.compile(r"[a-z0-9-]+")
_ATOM_ROOT = re.compile(rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->)*<feed[\s>]", re.S)


def demo_feed_url(feed: str) -> str:
    """Where this site serves the demo feed `feed` (made from SITE_URL).

    The fetcher lets exactly this address through while SERVE_DEMO_FEEDS is on
    (core.fetch.allowed_url_prefixes), and nothing else on this machine.
    """
    return f"{settings.SITE_URL}{DEMO_FEEDS_PATH}{feed}.xml"


@require_safe
def demo_feed(request, name: str):
    """A demo news site's feed (stories/demo_feeds/<name>.xml), when SERVE_DEMO_FEEDS is on.

    A real site has no invented news to serve: it leaves SERVE_DEMO_FEEDS off (the
    default in production) and this is a 404.
    Conditional requests (ETag, Last-Modified) are answered with 304, as a
    real feed should.
    """
    if not settings.SERVE_DEMO_FEEDS or not DEMO_FEED_NAME.fullmatch(name):
        raise Http404
    path = DEMO_FEEDS_DIR / f"{name}.xml"
    try:
        content = path.read_bytes()
        modified = int(path.stat().st_mtime)
    except OSError:
        raise Http404 from None
    kind = "atom" if _ATOM_ROOT.match(content) else "rss"
    response = HttpResponse(content, content_type=f"application/{kind}+xml; charset=utf-8")
    response["ETag"] = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    response["Last-Modified"] = http_date(modified)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=modified, response=response
    )
