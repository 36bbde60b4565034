"""The home page, the standing pages, the health check and the demo's news feeds."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

logger = logging.getLogger(__name__)

DEMO_FEEDS_DIR = Path(__file__).resolve().parent / "demo" / "feeds"
DEMO_FEED_NAME = re.compile(r"[a-z0-9-]+")
_ATOM_ROOT = re.compile(rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->)*<feed[\s>]", re.S)


@require_GET
def home(request):
    return render(request, "core/home.html")


@require_GET
def privacy(request):
    return render(request, "core/privacy.html")


@require_GET
def guidelines(request):
    return render(request, "core/guidelines.html")


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database unavailable: %s", error)
        return JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def csrf_failure(request, reason=""):
    """A plain-English page instead of Django's technical one."""
    return render(request, "403_csrf.html", status=403)


@require_safe
def demo_feed(request, name: str):
    """One of the demo news sites' feeds (core/demo/feeds/<name>.xml), only while DEBUG is on.

    So that taking stories from a news feed can be seen working on a
    developer's machine without the internet. A real site has no invented
    news to serve: with DEBUG off this is a 404. Conditional requests (ETag,
    Last-Modified) are answered with 304, as a real feed should.
    """
    if not settings.DEBUG or not DEMO_FEED_NAME.fullmatch(name):
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
