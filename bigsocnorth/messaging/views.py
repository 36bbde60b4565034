"""Private message pages under /messages/: the inbox, a conversation, writing, blocked people.

Every page is for signed-in people only and never kept. Reads go through
the selectors (scoped by permissions.py), writes through the services;
each form posts without JavaScript and redirects after success.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.accounts.selectors import profile_get_public
from bigsocnorth.core.pagination import page_number
from bigsocnorth.messaging import selectors, services
from bigsocnorth.messaging.forms import ConversationForm, MessageForm
from bigsocnorth.messaging.permissions import acts_for_moderators


def _name(user) -> str:
    profile = getattr(user, "profile", None)
    return profile.display_name if profile is not None else _("this person")


@never_cache
@login_required
@require_GET
def inbox(request):
    archived = request.GET.get("show") == "archived"
    page = selectors.inbox_page_for(user=request.user, archived=archived, page=page_number(request))
    return render(
        request,
        "messaging/inbox/index.html",
        {
            "page_obj": page,
            "conversations": page.object_list,
            "archived": archived,
            "acts_for_moderators": acts_for_moderators(request.user),
        },
    )


def _thread_page(request) -> int | None:
    """The page of messages asked for; the newest unless `?page=` says otherwise."""
    return page_number(request) if request.GET.get("page") else None


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def conversation_detail(request, pk: int):
    conversation = selectors.conversation_get_for(request.user, pk)
    form = MessageForm()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                message = services.message_send(
                    sender=request.user, conversation=conversation, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your message is sent."))
                return redirect(f"{conversation.get_absolute_url()}#message-{message.pk}")
        status = 400
    page = selectors.message_page_for(conversation=conversation, page=_thread_page(request))
    if request.method != "POST" and not page.has_next():
        services.conversation_mark_read(user=request.user, conversation=conversation)
    other = selectors.other_person(conversation=conversation, user=request.user)
    return render(
        request,
        "messaging/conversation_detail/index.html",
        {
            "conversation": conversation,
            "page_obj": page,
            "thread": page.object_list,
            "form": form,
            "other": other,
            "you_blocked_them": other is not None
            and selectors.is_blocked(blocker=request.user, blocked=other),
        },
        status=status,
    )


def _render_new(request, form, *, recipient=None, status: int = 200):
    return render(
        request,
        "messaging/conversation_new/index.html",
        {"form": form, "recipient": recipient},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def conversation_new(request, handle: str):
    """Write to a person, found by their profile's web address name."""
    profile = profile_get_public(handle=handle, viewer=request.user)
    if profile is None:
        raise Http404(_("There is no one with that profile name."))
    recipient = profile.user
    if recipient.pk == request.user.pk:
        messages.info(request, _("That is your own profile: choose someone else to write to."))
        return redirect("messaging:inbox")
    if request.method != "POST":
        return _render_new(request, ConversationForm(), recipient=recipient)
    form = ConversationForm(request.POST)
    if form.is_valid():
        try:
            conversation = services.conversation_start(
                sender=request.user,
                recipients=[recipient],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your message to %(name)s is sent.") % {"name": _name(recipient)}
            )
            return redirect(conversation)
    return _render_new(request, form, recipient=recipient, status=400)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderators_new(request):
    """Write to the moderators as a group."""
    if request.method != "POST":
        return _render_new(request, ConversationForm())
    form = ConversationForm(request.POST)
    if form.is_valid():
        try:
            conversation = services.conversation_start_with_moderators(
                sender=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your message is sent. A moderator will answer here, in this conversation."),
            )
            return redirect(conversation)
    return _render_new(request, form, status=400)


@never_cache
@login_required
@require_POST
def conversation_archive(request, pk: int):
    conversation = selectors.conversation_get_for(request.user, pk)
    services.conversation_archive(user=request.user, conversation=conversation)
    messages.success(
        request,
        _("“%(subject)s” is archived. It comes back to your inbox when someone writes in it.")
        % {"subject": conversation.subject},
    )
    return redirect("messaging:inbox")


@never_cache
@login_required
@require_POST
def conversation_unarchive(request, pk: int):
    conversation = selectors.conversation_get_for(request.user, pk)
    services.conversation_unarchive(user=request.user, conversation=conversation)
    messages.success(request, _("The conversation is back in your inbox."))
    return redirect(conversation)


@never_cache
@login_required
@require_POST
def conversation_block(request, pk: int):
    """Block the other person of a conversation between two people."""
    conversation = selectors.conversation_get_for(request.user, pk)
    other = selectors.other_person(conversation=conversation, user=request.user)
    if other is None:
        raise Http404
    try:
        services.block_create(blocker=request.user, blocked=other)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(conversation)
    messages.success(
        request,
        _(
            "You blocked %(name)s. They can no longer send you messages, and they are not told. "
            "You can unblock them from your list of blocked people."
        )
        % {"name": _name(other)},
    )
    return redirect(conversation)


@never_cache
@login_required
@require_GET
def block_list(request):
    return render(
        request,
        "messaging/block_list/index.html",
        {"blocks": list(selectors.block_list_for(request.user))},
    )


@never_cache
@login_required
@require_POST
def block_delete(request, user_id: int):
    block = None
    if user_id <= selectors.ID_MAX:
        block = selectors.block_list_for(request.user).filter(blocked_id=user_id).first()
    if block is None:
        messages.info(request, _("That person is not blocked."))
        return redirect("messaging:block_list")
    services.block_delete(blocker=request.user, blocked=block.blocked)
    messages.success(
        request,
        _("You unblocked %(name)s. They can send you messages again.")
        % {"name": _name(block.blocked)},
    )
    return redirect(reverse("messaging:block_list"))
