"""The home page, the standing pages and the health check."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bigsocnorth.core.sections import HOME, sections_for

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    # What is happening now, from every installed content type.
    return render(
        request, "core/home.html", {"sections": sections_for(HOME, obj=None, user=request.user)}
    )


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
