"""Pages for asking to become an editor of an entry, and for answering such requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.directory import editor_requests, selectors
from bigsocnorth.directory.forms import EditorRequestForm
from bigsocnorth.directory.models import EditorRequest
from bigsocnorth.directory.permissions import check_editor_request_decide_permission


def _entry_or_redirect(request, slug: str, url_name: str):
    try:
        return selectors.entry_get_for_view(user=request.user, slug=slug), None
    except selectors.EntryMoved as moved:
        return None, redirect(url_name, slug=moved.target.slug)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def editor_request_create(request, slug: str):
    entry, moved = _entry_or_redirect(request, slug, "directory:editor_request_create")
    if moved:
        return moved
    form = EditorRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            editor_requests.editor_request_create(
                entry=entry, requester=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Thank you. The entry's editors will answer; we will let you know."),
            )
            return redirect(entry)
    return render(
        request,
        "directory/editor_request_create/index.html",
        {"entry": entry, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_GET
def entry_editors(request, slug: str):
    entry, moved = _entry_or_redirect(request, slug, "directory:entry_editors")
    if moved:
        return moved
    check_editor_request_decide_permission(user=request.user, entry=entry)
    return render(
        request,
        "directory/entry_editors/index.html",
        {
            "entry": entry,
            "editors": selectors.entry_editor_list(entry=entry),
            "requests": selectors.editor_request_list_pending(entry=entry),
        },
    )


@never_cache
@login_required
@require_POST
def editor_request_decide(request, slug: str, request_id: int, decision: str):
    entry, moved = _entry_or_redirect(request, slug, "directory:entry_detail")
    if moved:
        return moved
    check_editor_request_decide_permission(user=request.user, entry=entry)
    editor_request = get_object_or_404(EditorRequest, pk=request_id, entry=entry)
    name = str(editor_request.requester)
    if decision == "approve":
        changed = editor_requests.editor_request_approve(actor=request.user, request=editor_request)
        done = _("%(name)s is now an editor.") % {"name": name}
    elif decision == "decline":
        changed = editor_requests.editor_request_decline(actor=request.user, request=editor_request)
        done = _("You declined the request from %(name)s.") % {"name": name}
    else:
        raise Http404
    if changed:
        messages.success(request, done)
    else:
        messages.info(request, _("This request was already answered."))
    return redirect("directory:entry_editors", slug=entry.slug)
