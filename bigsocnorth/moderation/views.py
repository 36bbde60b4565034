"""Moderation pages: the review queue and its actions, the audit log, and flagging."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.moderation import registry, selectors, services
from bigsocnorth.moderation.forms import FlagForm, HideForm
from bigsocnorth.moderation.permissions import check_moderate_permission


@never_cache
@require_GET
def queue(request):
    check_moderate_permission(user=request.user)
    return render(
        request,
        "moderation/queue/index.html",
        {"items": selectors.review_queue(), "hide_form": HideForm()},
    )


@never_cache
@login_required
@require_GET
def contribution_list(request):
    """A member's own contributions and where each stands: in review, published, hidden…"""
    return render(
        request,
        "moderation/contribution_list/index.html",
        {"contributions": selectors.contribution_list(user=request.user)},
    )


@never_cache
@require_GET
def audit_log(request):
    check_moderate_permission(user=request.user)
    return render(
        request, "moderation/audit_log/index.html", {"entries": selectors.audit_log_list()}
    )


@never_cache
@require_POST
def queue_action(request, content_type_id: int, object_id: int, action: str):
    check_moderate_permission(user=request.user)
    content = selectors.content_get(content_type_id=content_type_id, object_id=object_id)
    title = registry.title_for(content)
    try:
        if action == services.Action.APPROVE:
            services.content_approve(actor=request.user, content=content)
            messages.success(request, _("“%(title)s” is published.") % {"title": title})
        elif action == services.Action.HIDE:
            services.content_hide(
                actor=request.user, content=content, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("“%(title)s” is hidden.") % {"title": title})
        elif action == services.Action.RESTORE:
            services.content_restore(actor=request.user, content=content)
            messages.success(request, _("“%(title)s” is published again.") % {"title": title})
        elif action == services.Action.DISMISS_FLAGS:
            services.flags_dismiss(actor=request.user, content=content)
            messages.success(
                request, _("The flags on “%(title)s” are dismissed.") % {"title": title}
            )
        elif action == services.Action.BLOCK_AUTHOR:
            hidden = services.author_block(
                actor=request.user, content=content, reason=request.POST.get("reason", "")
            )
            messages.success(
                request,
                _(
                    "The author is blocked. Contributions of theirs waiting "
                    "for review that are now hidden: %(count)d."
                )
                % {"count": hidden},
            )
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("moderation:queue")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def flag_create(request, content_type_id: int, object_id: int):
    content = selectors.content_get_for_view(
        user=request.user, content_type_id=content_type_id, object_id=object_id
    )
    back_url = content.get_absolute_url() if hasattr(content, "get_absolute_url") else "/"
    if request.method == "POST":
        form = FlagForm(request.POST)
        if form.is_valid():
            try:
                services.flag_create(
                    flagger=request.user,
                    content=content,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Thank you. A moderator will look at what you flagged.")
                )
                return redirect(back_url)
    else:
        form = FlagForm()
    return render(
        request,
        "moderation/flag_create/index.html",
        {
            "form": form,
            "content": content,
            "title": registry.title_for(content),
            "back_url": back_url,
        },
        status=400 if form.errors else 200,
    )
