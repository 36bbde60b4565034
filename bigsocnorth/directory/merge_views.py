"""The moderators' page for merging an entry into another."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bigsocnorth.directory import merge
from bigsocnorth.directory.forms import MergeForm
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.permissions import check_entry_merge_permission


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
                merge.entry_merge(
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
