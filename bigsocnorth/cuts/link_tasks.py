"""Previews of evidence links, fetched by the task worker so nobody waits on another site.

Only through the safe fetcher (`core.links.link_preview`, which refuses
private and local addresses wherever a name resolves to): the page's own
title fills in a link given without one, and the site's name is shown with
it. A page that cannot be read keeps the link as it was given.
"""

from __future__ import annotations

import logging

from django.tasks import task

from bigsocnorth.core.links import PreviewError, link_preview
from bigsocnorth.cuts.models import Evidence
from bigsocnorth.moderation import limits

logger = logging.getLogger(__name__)


@task()
def evidence_preview_task(evidence_id: int) -> str:
    return evidence_preview_fill(evidence_id)


def evidence_preview_fill(evidence_id: int, *, allowed_networks=None) -> str:
    """Fill in one link's preview; returns its preview state ("gone" if deleted meanwhile,
    "skipped" when its sharer's fetches for the hour are used up)."""
    evidence = (
        Evidence.objects.select_related("entry__author", "entry__cut__author")
        .filter(pk=evidence_id, preview_state="fetching")
        .first()
    )
    if evidence is None:
        return "gone"
    # The report's first entry has no author of its own: the report's is the sharer.
    sharer = evidence.entry.author or evidence.entry.cut.author
    if not limits.link_fetch_allowed(member=sharer):
        # A flood of links must not become a flood of fetches: this one keeps no preview.
        logger.info(
            "Preview of evidence %s not fetched: its sharer's fetches for the hour are used up",
            evidence.pk,
        )
        Evidence.objects.filter(pk=evidence.pk).update(preview_state="")
        return "skipped"
    try:
        preview = link_preview(evidence.url, allowed_networks=allowed_networks)
    except PreviewError:
        Evidence.objects.filter(pk=evidence.pk).update(preview_state="failed")
        return "failed"
    except Exception:
        logger.exception("Fetching the preview of evidence %s failed", evidence.pk)
        Evidence.objects.filter(pk=evidence.pk).update(preview_state="failed")
        return "failed"
    changes = {"preview_state": "ready", "source_name": preview.source_name[:200]}
    if not evidence.title and preview.title:
        changes["title"] = preview.title[: Evidence.TITLE_MAX]
    Evidence.objects.filter(pk=evidence.pk).update(**changes)
    return "ready"
