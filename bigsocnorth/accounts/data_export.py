"""A member's copy of everything held about them, as a zip prepared by the task worker.

Gathering every part (accounts' and each app's, see personal_data.py) and
copying the person's uploads can take longer than a web request should, so
asking for an export queues a task, and the member is told (a notice, and
an email if they chose one) when it is ready. The zip is kept privately
under PERSONAL_DATA_EXPORT_DIR (never under MEDIA_ROOT, which is served),
readable by the site's own user only, downloaded only by the member, and
deleted KEEP_DAYS after it was made by a scheduled job.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import Http404
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bigsocnorth.accounts.models import (
    IN_PROGRESS_EXPORT_STATUSES,
    DataExport,
    DataExportStatus,
    User,
)
from bigsocnorth.accounts.personal_data import collect_personal_data, personal_data_parts

logger = logging.getLogger(__name__)

KEEP_DAYS = 7
PER_DAY = 3
# An export still waiting or being prepared after this long has lost its worker
# (a restart, a crash): it is marked failed so the member can ask again.
STUCK_AFTER = timedelta(hours=6)
FORMAT = "bigsocnorth-personal-data/1"
NOTICE_READY = "accounts.data_export_ready"
NOTICE_FAILED = "accounts.data_export_failed"
# Database ids are 64-bit: a longer number in an address is nobody's export.
ID_MAX = 2**63 - 1


# --- Where the files are ------------------------------------------------------------


def export_dir() -> Path:
    return Path(settings.PERSONAL_DATA_EXPORT_DIR)


def export_path(export: DataExport) -> Path | None:
    """The export's zip, or None when it has none. Only ever a name we made."""
    name = export.file_name
    if not name or Path(name).name != name or not name.endswith(".zip"):
        return None
    return export_dir() / name


def _remove_file(file_name: str) -> None:
    if file_name and Path(file_name).name == file_name:
        (export_dir() / file_name).unlink(missing_ok=True)


def data_export_file_forget(export: DataExport) -> None:
    """Remove an export's zip once the deletion of its row is committed (post_delete)."""
    file_name = export.file_name
    if file_name:
        transaction.on_commit(lambda: _remove_file(file_name))


# --- Reads ---------------------------------------------------------------------------


def data_export_list_for_user(*, user) -> list[DataExport]:
    """The member's exports still kept, newest first (at most a week's worth)."""
    return list(DataExport.objects.filter(user=user).order_by("-created_at", "-pk"))


def data_export_get_for_download(*, user, export_id) -> tuple[DataExport, Path]:
    """The member's own ready, unexpired export and its file; Http404 for anything else."""
    if user is None or not user.is_authenticated or not 0 < int(export_id) <= ID_MAX:
        raise Http404
    export = (
        DataExport.objects.filter(
            pk=export_id,
            user=user,
            status=DataExportStatus.READY,
            expires_at__gt=timezone.now(),
        )
        .only("pk", "file_name", "created_at", "expires_at")
        .first()
    )
    path = export_path(export) if export is not None else None
    if path is None or not path.is_file():
        raise Http404
    return export, path


def data_export_download_name(export: DataExport) -> str:
    return f"bigsocnorth-my-data-{timezone.localdate(export.created_at).isoformat()}.zip"


# --- Asking for one ------------------------------------------------------------------


def data_export_request(*, user: User) -> DataExport:
    """Queue the preparation of a member's data. At most one at a time, PER_DAY a day.

    Raises ValidationError with the message to show. The task is queued only
    once the export row is committed, so the worker always finds it.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        raise ValidationError(_("Log in to ask for a copy of your data."))
    in_progress = ValidationError(
        _(
            "We are already preparing a copy of your data. It will be ready soon: "
            "we will tell you, and it will be here to download."
        ),
        code="in_progress",
    )
    since = timezone.now() - timedelta(days=1)
    try:
        with transaction.atomic():
            # Lock the person's row so two requests at once count one another.
            User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
            mine = DataExport.objects.filter(user=user)
            if mine.filter(status__in=IN_PROGRESS_EXPORT_STATUSES).exists():
                raise in_progress
            if mine.filter(created_at__gte=since).count() >= PER_DAY:
                raise ValidationError(
                    _(
                        "You have asked for a copy of your data %(count)d times in the last "
                        "24 hours, the most we allow. Please ask again tomorrow: a copy that "
                        "is ready stays here to download for a week."
                    )
                    % {"count": PER_DAY},
                    code="too_many",
                )
            export = DataExport.objects.create(user=user)
            transaction.on_commit(lambda: data_export_prepare_task.enqueue(export.pk))
    except IntegrityError:
        # The unique constraint settled a race with another tab.
        raise in_progress from None
    return export


# --- The task ------------------------------------------------------------------------


def _claim(export_id: int) -> DataExport | None:
    """Mark a queued export as being prepared; None if it is not queued (run once only)."""
    now = timezone.now()
    claimed = DataExport.objects.filter(pk=export_id, status=DataExportStatus.QUEUED).update(
        status=DataExportStatus.RUNNING, started_at=now
    )
    if not claimed:
        return None
    return DataExport.objects.select_related("user").get(pk=export_id)


def _upload_name(name: str) -> str | None:
    """The path inside the zip for an uploaded file, or None for a name that is not safe."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return str(PurePosixPath("uploads", path))


def _readme(*, exported_at, expires_at) -> str:
    return render_to_string(
        "accounts/data_export/README.txt",
        {
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
            "exported_at": exported_at,
            "expires_at": expires_at,
            "parts": personal_data_parts(),
            "keep_days": KEEP_DAYS,
        },
    )


def data_export_build(*, user: User, target) -> dict:
    """Write the member's zip to the open binary file `target`: data.json, README.txt, uploads/.

    Returns what the zip holds, by part.
    """
    now = timezone.now()
    parts, files = collect_personal_data(user=user)
    included, missing = [], []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            inside = _upload_name(name)
            if inside is None:
                missing.append(name)
                continue
            try:
                with default_storage.open(name, "rb") as source, archive.open(inside, "w") as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
            except (FileNotFoundError, OSError):
                # A file that is gone from the storage is named, not fatal.
                logger.warning("Upload %r of user %s is missing from the storage", name, user.pk)
                missing.append(name)
                continue
            included.append(inside)
        data = {
            "format": FORMAT,
            "exported_at": now,
            "site": {"name": settings.SITE_NAME, "url": settings.SITE_URL},
            **parts,
            "uploads": {"files": included, "missing": missing},
        }
        archive.writestr(
            "data.json",
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        )
        archive.writestr(
            "README.txt", _readme(exported_at=now, expires_at=now + timedelta(days=KEEP_DAYS))
        )
    return {"parts": sorted(parts), "uploads": len(included), "missing": len(missing)}


def _notify(export: DataExport, *, kind: str, message: str) -> None:
    from bigsocnorth.notifications.services import notify

    notify(
        recipients=[export.user_id],
        kind=kind,
        message=message,
        url=reverse("accounts:profile_edit") + "#your-data",
    )


@task()
def data_export_prepare_task(export_id: int) -> dict:
    """Prepare one queued export: the zip, written privately (0600), then the member is told."""
    export = _claim(export_id)
    if export is None:
        return {"skipped": True}
    folder = export_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp makes the file 0600 (only the site's own user reads it); it gets its
    # final name only when complete, so nothing half-written is ever downloaded.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".building-", suffix=".zip")
    try:
        with os.fdopen(handle, "wb") as target:
            summary = data_export_build(user=export.user, target=target)
        file_name = f"{secrets.token_hex(16)}.zip"
        final = folder / file_name
        os.replace(temporary, final)
        os.chmod(final, 0o600)
    except Exception:
        logger.exception("Preparing data export %s failed", export_id)
        Path(temporary).unlink(missing_ok=True)
        data_export_fail(
            export,
            error=_(
                "Something went wrong on our side while preparing your data. "
                "Ask for it again; if it fails again, contact the team who run the site."
            ),
        )
        raise
    now = timezone.now()
    export.status = DataExportStatus.READY
    export.file_name = file_name
    export.size = final.stat().st_size
    export.finished_at = now
    export.expires_at = now + timedelta(days=KEEP_DAYS)
    export.error = ""
    with transaction.atomic():
        export.save(
            update_fields=["status", "file_name", "size", "finished_at", "expires_at", "error"]
        )
        # The newest copy replaces older ones: one file per member on the disk.
        for older in DataExport.objects.filter(
            user_id=export.user_id, status=DataExportStatus.READY, created_at__lt=export.created_at
        ):
            older.delete()
        _notify(
            export,
            kind=NOTICE_READY,
            message=_("A copy of your data is ready to download until %(date)s.")
            % {"date": date_format(timezone.localtime(export.expires_at), "j F Y")},
        )
    return {"export": export.pk, **summary}


def data_export_fail(export: DataExport, *, error: str) -> None:
    """Mark an export failed with a message for the member, and tell them."""
    now = timezone.now()
    with transaction.atomic():
        DataExport.objects.filter(pk=export.pk).update(
            status=DataExportStatus.FAILED,
            finished_at=now,
            # Kept a while so the member sees what happened, then cleared like the rest.
            expires_at=now + timedelta(days=KEEP_DAYS),
            error=error[: DataExport.ERROR_MAX],
        )
        _notify(
            export,
            kind=NOTICE_FAILED,
            message=_("We could not prepare a copy of your data. You can ask for it again."),
        )


# --- The scheduled job ---------------------------------------------------------------


def data_exports_clear(now=None) -> list[str]:
    """Delete exports (and their files) past their time; fail those whose worker was lost.

    Safe from several schedulers at once: deleting a row twice deletes it once.
    """
    now = now or timezone.now()
    lines = []
    stuck = list(
        DataExport.objects.filter(
            status__in=IN_PROGRESS_EXPORT_STATUSES, created_at__lt=now - STUCK_AFTER
        ).only("pk", "user_id")
    )
    for export in stuck:
        data_export_fail(
            export,
            error=_("Preparing your data took far too long and was stopped. Ask for it again."),
        )
    if stuck:
        lines.append(f"Data exports: {len(stuck)} stopped after taking too long")
    expired = list(DataExport.objects.filter(expires_at__lte=now))
    with transaction.atomic():
        for export in expired:
            export.delete()  # the post_delete signal removes the file after the commit
    if expired:
        lines.append(f"Data exports: {len(expired)} deleted after {KEEP_DAYS} days")
    _remove_stray_files(now)
    return lines


def _remove_stray_files(now) -> None:
    """Files no export names (half-written by a lost worker), once surely abandoned."""
    folder = export_dir()
    if not folder.is_dir():
        return
    known = set(DataExport.objects.exclude(file_name="").values_list("file_name", flat=True))
    cutoff = (now - STUCK_AFTER).timestamp()
    for path in folder.iterdir():
        try:
            if path.is_file() and path.name not in known and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
