"""CSV imports as jobs: the uploaded file kept privately, what became of it, and the tasks.

A dry run of 100,000 rows takes longer than a web request should (see
docs/benchmarks.md), so both the dry run and the import run in the task
worker; the job's page shows where it has got to. Each job is a folder
under DIRECTORY_IMPORT_DIR (never under MEDIA_ROOT, which is served), named
by a random UUID, holding the upload and a small JSON state file written
atomically. The web and worker processes must share that folder, as they
share the media folder. Jobs are removed KEEP_DAYS after their upload.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.directory.opendata.csv_import import (
    ImportHasErrors,
    ImportReport,
    entry_import_check,
    entry_import_write,
)
from bigsocnorth.directory.permissions import check_entry_import_permission

logger = logging.getLogger(__name__)

KEEP_DAYS = 7
FILE_NAME_MAX = 200
UPLOAD = "upload.csv"
STATE = "state.json"
# Created (exclusively) when an import starts, so one upload is imported at most once.
CLAIM = "import.claimed"


class JobStatus:
    CHECKING = "checking"
    CHECKED = "checked"
    IMPORTING = "importing"
    IMPORTED = "imported"
    FAILED = "failed"


@dataclass
class ImportJob:
    id: str
    owner_id: int
    file_name: str
    size: int
    sha256: str
    uploaded_at: str
    status: str = JobStatus.CHECKING
    report: dict | None = None
    result: dict = field(default_factory=dict)
    error: str = ""

    @property
    def uploaded(self) -> datetime:
        return datetime.fromisoformat(self.uploaded_at)

    @property
    def status_label(self) -> str:
        return {
            JobStatus.CHECKING: _("being checked"),
            JobStatus.CHECKED: _("checked"),
            JobStatus.IMPORTING: _("being imported"),
            JobStatus.IMPORTED: _("imported"),
            JobStatus.FAILED: _("stopped by an error"),
        }.get(self.status, self.status)

    @property
    def report_obj(self) -> ImportReport | None:
        return ImportReport.from_data(self.report) if self.report is not None else None

    @property
    def is_busy(self) -> bool:
        return self.status in (JobStatus.CHECKING, JobStatus.IMPORTING)

    @property
    def can_import(self) -> bool:
        report = self.report_obj
        return (
            self.status == JobStatus.CHECKED
            and report is not None
            and not report.has_errors
            and report.to_add(include_duplicates=True) > 0
        )


# --- Storage -----------------------------------------------------------------------


def _root() -> Path:
    return Path(settings.DIRECTORY_IMPORT_DIR)


def _folder(job_id: str) -> Path:
    # Only ever a UUID we made: never a path taken from a request as it is.
    return _root() / str(uuid.UUID(str(job_id)))


def _save(job: ImportJob) -> None:
    folder = _folder(job.id)
    temporary = folder / f".{STATE}.{uuid.uuid4().hex}"
    temporary.write_text(json.dumps(asdict(job)))
    os.replace(temporary, folder / STATE)  # atomic: readers see the old or the new state


def _load(job_id: str) -> ImportJob | None:
    try:
        data = json.loads((_folder(job_id) / STATE).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return ImportJob(**data)


def _remove_old_jobs() -> None:
    """Delete jobs uploaded more than KEEP_DAYS ago (run on each upload: there are few)."""
    if not _root().is_dir():
        return
    cutoff = time.time() - KEEP_DAYS * 86_400
    for folder in _root().iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _clean_file_name(name: str) -> str:
    """The uploaded file's name, for showing only (escaped by the templates)."""
    name = Path(str(name or "")).name
    return "".join(ch for ch in name if ch.isprintable())[:FILE_NAME_MAX] or "upload.csv"


# --- Services ----------------------------------------------------------------------


def entry_import_upload(*, user, upload) -> ImportJob:
    """Keep an uploaded CSV file privately and queue its dry run. Moderators only.

    Raises ValidationError if the file is larger than DIRECTORY_IMPORT_MAX_MB
    (counted while it is copied, whatever the upload claimed).
    """
    check_entry_import_permission(user=user)
    max_bytes = settings.DIRECTORY_IMPORT_MAX_MB * 1_048_576
    too_big = ValidationError(
        _("The file is larger than %(max)s MB. Split it into smaller files.")
        % {"max": settings.DIRECTORY_IMPORT_MAX_MB}
    )
    if upload.size is not None and upload.size > max_bytes:
        raise too_big
    _remove_old_jobs()
    job_id = str(uuid.uuid4())
    folder = _folder(job_id)
    folder.mkdir(mode=0o700, parents=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with (folder / UPLOAD).open("wb") as target:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > max_bytes:
                    raise too_big
                digest.update(chunk)
                target.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job = ImportJob(
        id=job_id,
        owner_id=user.pk,
        file_name=_clean_file_name(upload.name),
        size=size,
        sha256=digest.hexdigest(),
        uploaded_at=timezone.now().isoformat(),
    )
    _save(job)
    entry_import_check_task.enqueue(job_id)
    return job


def entry_import_job_get(*, user, job_id) -> ImportJob:
    """The person's own import job; Http404 for anyone else's, or one that is gone."""
    check_entry_import_permission(user=user)
    try:
        job = _load(job_id)
    except ValueError:
        job = None
    if job is None or job.owner_id != user.pk:
        raise Http404
    return job


def entry_import_job_list(*, user) -> list[ImportJob]:
    """The person's import jobs still kept, newest first."""
    check_entry_import_permission(user=user)
    if not _root().is_dir():
        return []
    jobs = []
    for folder in _root().iterdir():
        try:
            job = _load(folder.name)
        except ValueError:
            continue
        if job is not None and job.owner_id == user.pk:
            jobs.append(job)
    return sorted(jobs, key=lambda job: job.uploaded_at, reverse=True)


def entry_import_start(*, user, job_id, include_duplicates: bool) -> ImportJob:
    """Queue the import of a checked file with no errors. At most once per upload."""
    job = entry_import_job_get(user=user, job_id=job_id)
    if not job.can_import:
        raise ValidationError(
            _("This file cannot be imported: fix the rows with errors and upload it again.")
        )
    try:
        # O_EXCL: of two clicks (or two moderators' tabs), exactly one gets here.
        os.close(os.open(_folder(job.id) / CLAIM, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise ValidationError(_("This file is already being imported.")) from None
    job.status = JobStatus.IMPORTING
    _save(job)
    entry_import_run_task.enqueue(job.id, user.pk, include_duplicates)
    return job


# --- Tasks (the worker) -------------------------------------------------------------


@task()
def entry_import_check_task(job_id: str) -> dict:
    """The dry run of an uploaded file, its report saved with the job."""
    job = _load(job_id)
    if job is None:
        return {"missing": True}
    try:
        report = entry_import_check(path=_folder(job_id) / UPLOAD)
    except Exception:
        logger.exception("Checking import %s failed", job_id)
        job.status = JobStatus.FAILED
        job.error = _("The check stopped because of an error on the server. Try again later.")
        _save(job)
        raise
    job.report = report.as_data()
    job.status = JobStatus.CHECKED
    _save(job)
    return {"rows": report.rows, "with_errors": report.with_errors}


@task()
def entry_import_run_task(job_id: str, user_id: int, include_duplicates: bool) -> dict:
    """The import itself: all the file's new entries in one transaction, or none."""
    job = _load(job_id)
    if job is None:
        return {"missing": True}
    actor = get_user_model().objects.filter(pk=user_id).first()
    try:
        result = entry_import_write(
            path=_folder(job_id) / UPLOAD,
            actor=actor,
            include_duplicates=include_duplicates,
            file_name=job.file_name,
            details={"job": job.id, "sha256": job.sha256},
        )
    except ImportHasErrors as found:
        # Something changed since the dry run; nothing was written.
        job.report = found.report.as_data()
        job.status = JobStatus.CHECKED
        job.error = _(
            "Nothing was imported: the directory or the file changed since the check, "
            "and some rows have errors now. They are listed below."
        )
        (_folder(job_id) / CLAIM).unlink(missing_ok=True)
        _save(job)
        return {"created": 0}
    except PermissionDenied as denied:
        job.status = JobStatus.FAILED
        job.error = str(denied)
        _save(job)
        return {"created": 0}
    except Exception:
        logger.exception("Import %s failed", job_id)
        job.status = JobStatus.FAILED
        job.error = _(
            "The import stopped because of an error on the server, and nothing was imported. "
            "Upload the file again to try again."
        )
        _save(job)
        raise
    job.status = JobStatus.IMPORTED
    job.report = result.report.as_data()
    job.result = {
        "created": result.created,
        "left_out_duplicates": result.left_out_duplicates,
        "already_there": result.already_there,
        "finished_at": timezone.now().isoformat(),
    }
    job.error = ""
    _save(job)
    # The entries are in the database now; the upload is no longer needed.
    (_folder(job_id) / UPLOAD).unlink(missing_ok=True)
    return {"created": result.created}
