"""Open data pages of the directory: the CSV export, and the CSV import for moderators.

The export is public and shows exactly what the directory list shows an
anonymous visitor. The import is a form (the upload), a page per upload
that shows the dry run's report while the task worker works (htmx updates
it; without JavaScript a link reloads it), and a POST that starts the
import. Permissions are decided in directory.permissions, through the
services.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.core.csv import csv_response
from bigsocnorth.directory.opendata import csv_export, import_jobs
from bigsocnorth.directory.opendata.csv_import import (
    IGNORED_COLUMNS,
    IMPORT_ONLY_COLUMNS,
    REQUIRED_COLUMNS,
)
from bigsocnorth.directory.opendata.forms import EntryImportForm, EntryImportRunForm
from bigsocnorth.directory.permissions import check_entry_import_permission

# Shown on the import page: the smallest useful file, and one with more columns.
EXAMPLE_CSV = (
    "name,kind,sector,categories,website,public_contact,identifiers,places,place_names,"
    "areas_served\r\n"
    "Walkley Repair Café,project-or-initiative,citizen_led,existing-work,"
    'https://walkleyrepair.example.org,hello@walkleyrepair.example.org,,"53.3925,-1.4960",'
    "Walkley Library,\r\n"
    "Calderdale Food Network,network,voluntary,,https://food.example.org,01422 000000,"
    "GB-CHC-1123456,,,Calderdale; Kirklees\r\n"
)


def _filters(request) -> dict[str, str | None]:
    """The directory list's filters, read as the list reads them."""
    return {key: request.GET.get(key, "")[:100] or None for key in ("kind", "category", "area")}


@require_GET
def entry_export_csv(request):
    entries = csv_export.entry_export_queryset(**_filters(request))
    base_url = request.build_absolute_uri("/").rstrip("/")
    return csv_response(
        filename=f"bigsocnorth-directory-{timezone.localdate():%Y-%m-%d}.csv",
        header=csv_export.COLUMNS,
        rows=csv_export.entry_export_rows(entries, base_url=base_url),
    )


# --- Import --------------------------------------------------------------------------


class _UploadLimit(FileUploadHandler):
    """Stops storing an upload once it passes the size limit.

    The rest of the request is read and thrown away, so the form's other
    fields (the CSRF token comes first) still arrive and the person gets a
    clear message instead of a broken connection.
    """

    def __init__(self, request, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_big_message() -> str:
    return _(
        "The file is larger than %(max)s MB, the most the import takes. Split it into "
        "smaller files and import them one after another. Nothing was imported."
    ) % {"max": settings.DIRECTORY_IMPORT_MAX_MB}


def _import_page(request, form, *, status=200):
    return render(
        request,
        "directory/entry_import/index.html",
        {
            "form": form,
            "jobs": import_jobs.entry_import_job_list(user=request.user),
            "columns": [
                {
                    "name": name,
                    "help": help_text,
                    "example": example,
                    "required": name in REQUIRED_COLUMNS,
                    "ignored": name in IGNORED_COLUMNS,
                }
                for name, (help_text, example) in csv_export.COLUMN_HELP.items()
            ],
            "import_only_columns": IMPORT_ONLY_COLUMNS,
            "example_csv": EXAMPLE_CSV,
            "max_mb": settings.DIRECTORY_IMPORT_MAX_MB,
            "max_rows": settings.DIRECTORY_IMPORT_MAX_ROWS,
            "keep_days": import_jobs.KEEP_DAYS,
        },
        status=status,
    )


@csrf_exempt  # checked by _entry_import_form, once the upload limit is in place
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def entry_import(request):
    # Before the body is read: only moderators' uploads are ever received.
    check_entry_import_permission(user=request.user)
    limit = _UploadLimit(request, settings.DIRECTORY_IMPORT_MAX_MB * 1_048_576)
    # Upload handlers can only be changed before anything reads the body,
    # which CSRF protection does; hence csrf_exempt here and csrf_protect below.
    request.upload_handlers.insert(0, limit)
    return _entry_import_form(request, limit)


@csrf_protect
def _entry_import_form(request, limit: _UploadLimit):
    if request.method == "GET":
        return _import_page(request, EntryImportForm())
    try:
        form = EntryImportForm(request.POST, request.FILES)
    except RequestDataTooBig:
        form = EntryImportForm()
        form.is_bound = True
        form._errors = {"file": form.error_class([_too_big_message()])}
        return _import_page(request, form, status=413)
    if limit.exceeded:
        form = EntryImportForm(request.POST)
        form.is_valid()
        form._errors = {"file": form.error_class([_too_big_message()])}
        return _import_page(request, form, status=413)
    if form.is_valid():
        try:
            job = import_jobs.entry_import_upload(
                user=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("directory:entry_import_detail", job_id=job.id)
    return _import_page(request, form, status=400)


@never_cache
@login_required
@require_GET
def entry_import_detail(request, job_id):
    job = import_jobs.entry_import_job_get(user=request.user, job_id=job_id)
    report = job.report_obj
    template = "directory/entry_import_detail/index.html"
    if request.htmx:
        # The part of the page that changes while the worker works.
        template += "#status"
    response = render(
        request,
        template,
        {
            "job": job,
            "report": report,
            "to_add": report.to_add(include_duplicates=False) if report else 0,
            "run_form": EntryImportRunForm(),
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@never_cache
@login_required
@require_POST
def entry_import_run(request, job_id):
    form = EntryImportRunForm(request.POST)
    form.is_valid()  # one optional checkbox: always valid
    try:
        import_jobs.entry_import_start(
            user=request.user,
            job_id=job_id,
            include_duplicates=form.cleaned_data.get("include_duplicates", False),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("directory:entry_import_detail", job_id=job_id)
