"""Pages for editors of entries: asking to become an editor, answering such requests,
and the moderators' page for merging an entry into another."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.directory.editors import selectors as editor_selectors
from bigsocnorth.directory.editors import services
from bigsocnorth.directory.editors.forms import EditorRequestForm, MergeForm
from bigsocnorth.directory.entries import selectors as entry_selectors
from bigsocnorth.directory.models import EditorRequest, Entry
from bigsocnorth.directory.permissions import (
    check_editor_request_decide_permission,
    check_entry_merge_permission,
)


def _entry_or_redirect(request, slug: str, url_name: str):
    try:
        return entry_selectors.entry_get_for_view(user=request.user, slug=slug), None
    except entry_selectors.EntryMoved as moved:
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
            services.editor_request_create(
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
            "editors": editor_selectors.entry_editor_list(entry=entry),
            "requests": editor_selectors.editor_request_list_pending(entry=entry),
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
        changed = services.editor_request_approve(actor=request.user, request=editor_request)
        done = _("%(name)s is now an editor.") % {"name": name}
    elif decision == "decline":
        changed = services.editor_request_decline(actor=request.user, request=editor_request)
        done = _("You declined the request from %(name)s.") % {"name": name}
    else:
        raise Http404
    if changed:
        messages.success(request, done)
    else:
        messages.info(request, _("This request was already answered."))
    return redirect("directory:entry_editors", slug=entry.slug)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def entry_merge(request, slug: str):
    check_entry_merge_permission(user=request.user)
    source = get_object_or_404(Entry, slug=slug[:220])
    if source.merged_into_id is not None:
        messages.info(request, _("This entry was already merged."))
        return redirect(source.merged_into)
    form = MergeForm(request.POST or None, initial={"target": request.GET.get("into", "")[:220]})
    if request.method == "POST" and form.is_valid():
        target = Entry.objects.filter(slug=form.cleaned_data["target"].strip().strip("/")).first()
        if target is None:
            form.add_error("target", _("There is no entry with this web address name."))
        else:
            try:
                services.entry_merge(
                    actor=request.user,
                    source=source,
                    target=target,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("“%(source)s” is merged into this entry; its old address leads here.")
                    % {"source": source.name},
                )
                return redirect(target)
    return render(
        request,
        "directory/entry_merge/index.html",
        {"entry": source, "form": form},
        status=400 if form.errors else 200,
    )
