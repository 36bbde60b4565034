"""Moderation pages: the review queue and its actions, the audit log, and flagging.

Destructive actions are kept apart and made hard to do by mistake: hiding
needs a reason and can be undone for a few minutes from the queue, and
blocking an author goes through a page that says what will happen.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.moderation import registry, selectors, services
from bigsocnorth.moderation.forms import BlockForm, FlagForm, HideForm, UndoForm
from bigsocnorth.moderation.permissions import check_moderate_permission

# What a moderator has just hidden, so the queue can offer to undo it.
UNDO_SESSION_KEY = "moderation_undo"
UNDO_WINDOW = timedelta(minutes=10)


def _error_text(error: Exception) -> str:
    return " ".join(getattr(error, "messages", [str(error)]))


def _undo_remember(request, *, content, content_type_id: int, previous_status: str, at) -> None:
    request.session[UNDO_SESSION_KEY] = {
        "content_type_id": content_type_id,
        "object_id": content.pk,
        "title": registry.title_for(content),
        "previous_status": previous_status,
        "at": at.isoformat(),
    }


def _undo_forget(request) -> None:
    request.session.pop(UNDO_SESSION_KEY, None)


def _undo_offer(request) -> dict | None:
    """The hide that may still be undone, or None (and forgotten) once its time is up."""
    offer = request.session.get(UNDO_SESSION_KEY)
    if not isinstance(offer, dict):
        return None
    try:
        at = datetime.fromisoformat(offer["at"])
    except (KeyError, TypeError, ValueError):
        _undo_forget(request)
        return None
    if timezone.now() - at > UNDO_WINDOW:
        _undo_forget(request)
        return None
    return {**offer, "at": at}


@never_cache
@require_GET
def queue(request):
    check_moderate_permission(user=request.user)
    undo = _undo_offer(request)
    undo_form = (
        UndoForm(
            initial={
                "content_type_id": undo["content_type_id"],
                "object_id": undo["object_id"],
            }
        )
        if undo
        else None
    )
    return render(
        request,
        "moderation/queue/index.html",
        {
            "items": selectors.review_queue(),
            "hide_form": HideForm(),
            "undo": undo,
            "undo_form": undo_form,
            "undo_minutes": int(UNDO_WINDOW.total_seconds() // 60),
        },
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


def _hide(request, *, content, content_type_id: int) -> None:
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return
    previous_status = content.status
    hidden_at = timezone.now()
    services.content_hide(actor=request.user, content=content, reason=form.cleaned_data["reason"])
    _undo_remember(
        request,
        content=content,
        content_type_id=content_type_id,
        previous_status=previous_status,
        at=hidden_at,
    )


@never_cache
@require_POST
def queue_action(request, content_type_id: int, object_id: int, action: str):
    check_moderate_permission(user=request.user)
    content = selectors.content_get(content_type_id=content_type_id, object_id=object_id)
    title = registry.title_for(content)
    # Something else happened: the last hide is no longer offered for undoing.
    _undo_forget(request)
    try:
        if action == services.Action.APPROVE:
            services.content_approve(actor=request.user, content=content)
            messages.success(request, _("“%(title)s” is published.") % {"title": title})
        elif action == services.Action.HIDE:
            _hide(request, content=content, content_type_id=content_type_id)
        elif action == services.Action.RESTORE:
            services.content_restore(actor=request.user, content=content)
            messages.success(request, _("“%(title)s” is published again.") % {"title": title})
        elif action == services.Action.DISMISS_FLAGS:
            services.flags_dismiss(actor=request.user, content=content)
            messages.success(
                request, _("The flags on “%(title)s” are dismissed.") % {"title": title}
            )
        else:
            # Blocking an author has its own page, which says what will happen.
            raise Http404
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    return redirect("moderation:queue")


@never_cache
@require_POST
def hide_undo(request):
    """Put back what this moderator has just hidden, while the queue still offers it."""
    check_moderate_permission(user=request.user)
    form = UndoForm(request.POST)
    undo = _undo_offer(request)
    if not form.is_valid() or undo is None:
        messages.error(request, _("There is nothing to undo now. Hidden things stay hidden."))
        return redirect("moderation:queue")
    wanted = (form.cleaned_data["content_type_id"], form.cleaned_data["object_id"])
    if wanted != (undo["content_type_id"], undo["object_id"]):
        messages.error(request, _("Only the last thing you hid can be undone, and only here."))
        return redirect("moderation:queue")
    content = selectors.content_get(content_type_id=wanted[0], object_id=wanted[1])
    try:
        services.content_hide_undo(
            actor=request.user,
            content=content,
            previous_status=undo["previous_status"],
            hidden_at=undo["at"],
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("Undone: “%(title)s” is back as it was.") % {"title": registry.title_for(content)},
        )
    _undo_forget(request)
    return redirect("moderation:queue")


@never_cache
@require_http_methods(["GET", "POST"])
def author_block(request, content_type_id: int, object_id: int):
    """Block the author of a contribution: GET says what will happen, POST does it."""
    check_moderate_permission(user=request.user)
    content = selectors.content_get(content_type_id=content_type_id, object_id=object_id)
    try:
        services.check_author_block(actor=request.user, content=content)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
        return redirect("moderation:queue")
    author = content.author
    form = BlockForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            hidden = services.author_block(
                actor=request.user, content=content, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            _undo_forget(request)
            messages.success(
                request,
                _(
                    "%(name)s is blocked and can no longer log in. Contributions of "
                    "theirs waiting for review that are now hidden: %(count)d."
                )
                % {"name": author, "count": hidden},
            )
        return redirect("moderation:queue")
    return render(
        request,
        "moderation/author_block/index.html",
        {
            "form": form,
            "content": content,
            "title": registry.title_for(content),
            "author": author,
            "profile": getattr(author, "profile", None),
            "waiting": selectors.author_waiting_list(author=author),
        },
        status=400 if form.errors else 200,
    )


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
