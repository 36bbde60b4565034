"""Evidence for a report or a timeline entry: links checked, documents cleaned.

Nothing is half-kept: a failed write removes the files it stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from bigsocnorth.core.fetch import url_refusal
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.cuts.models import Evidence, TimelineEntry

MAX_LINKS = 5
MAX_DOCUMENTS = 3


@dataclass(frozen=True)
class CheckedEvidence:
    url: str = ""
    title: str = ""
    document: ContentFile | None = None
    document_type: str = ""
    document_size: int | None = None


def _link_checked(link, errors: dict) -> CheckedEvidence | None:
    if isinstance(link, str):
        link = {"url": link}
    if not isinstance(link, dict):
        errors.setdefault("links", []).append(_("Give each link as a web address."))
        return None
    url = without_control_characters(str(link.get("url") or ""), keep_newlines=False).strip()
    title = without_control_characters(str(link.get("title") or ""), keep_newlines=False).strip()
    if not url:
        return None
    if len(url) > Evidence.URL_MAX:
        errors.setdefault("links", []).append(
            _("A web address can be at most %(max)s characters.") % {"max": "2,000"}
        )
        return None
    refusal = url_refusal(url)
    if refusal is not None:
        errors.setdefault("links", []).append(
            _("%(url)s cannot be used: %(reason)s") % {"url": url[:100], "reason": refusal}
        )
        return None
    return CheckedEvidence(url=url, title=title[: Evidence.TITLE_MAX])


def evidence_checked(*, links=(), documents=()) -> list[CheckedEvidence]:
    """Every link and document checked and cleaned, or a ValidationError saying which and why."""
    from bigsocnorth.cuts.documents import evidence_document_clean

    errors: dict[str, list] = {}
    links = [link for link in links if link]
    documents = [document for document in documents if document]
    if len(links) > MAX_LINKS:
        errors.setdefault("links", []).append(
            _("Give at most %(max)s links at a time.") % {"max": MAX_LINKS}
        )
        links = []
    if len(documents) > MAX_DOCUMENTS:
        errors.setdefault("documents", []).append(
            _("Upload at most %(max)s documents at a time.") % {"max": MAX_DOCUMENTS}
        )
        documents = []
    checked = [found for link in links if (found := _link_checked(link, errors))]
    for upload in documents:
        try:
            clean = evidence_document_clean(upload=upload)
        except ValidationError as error:
            name = str(getattr(upload, "name", "") or _("the document"))[:100]
            errors.setdefault("documents", []).extend(
                f"{name}: {message}" for message in error.messages
            )
            continue
        title = without_control_characters(str(getattr(upload, "name", "")), keep_newlines=False)
        checked.append(
            CheckedEvidence(
                title=title.strip()[: Evidence.TITLE_MAX],
                document=ContentFile(clean.content.read(), name=f"evidence.{clean.extension}"),
                document_type=clean.content_type,
                document_size=clean.size,
            )
        )
    if errors:
        raise ValidationError(errors)
    return checked


def evidence_save(*, entry: TimelineEntry, evidence: list[CheckedEvidence], stored: list) -> None:
    """Save the evidence rows; each stored file goes into `stored`, to remove on failure."""
    for item in evidence:
        row = Evidence(
            entry=entry,
            url=item.url,
            title=item.title,
            document_type=item.document_type,
            document_size=item.document_size,
        )
        if item.document is not None:
            row.document.save(item.document.name, item.document, save=False)
            stored.append(row.document)
        else:
            row.preview_state = "fetching"
        row.save()
        if item.document is None:
            transaction.on_commit(lambda pk=row.pk: _enqueue_preview(pk))


def _enqueue_preview(evidence_id: int) -> None:
    from bigsocnorth.cuts.link_tasks import evidence_preview_task

    evidence_preview_task.enqueue(evidence_id)


def stored_files_remove(stored: list) -> None:
    """After a failed write: the files it stored go too (no file without a row)."""
    for field_file in stored:
        field_file.storage.delete(field_file.name)
