"""Needs and offers pages: the list, one post and its answers, posting, matches, "yours",
needs near a helper, and a group's word on checking its volunteers.

Posts and matches are read through the selectors' visibility rules; every
write goes through the services; who may do what is permissions.py. Every
button is a small form that posts and comes back, so nothing needs JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.pagination import look_ahead_page, page_number
from bigsocnorth.moderation.lifecycle import is_in_review
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.mutual_aid import matching, permissions, selectors, services
from bigsocnorth.mutual_aid.forms import (
    AcceptForm,
    AnswerForm,
    ChecksForm,
    DeclineForm,
    FinishForm,
    NearForm,
    PostFilterForm,
    PostForm,
)
from bigsocnorth.mutual_aid.models import (
    ACTIVE_MATCH_STATES,
    AidCategory,
    MatchState,
    VolunteerChecks,
)
from bigsocnorth.places.selectors import area_get_by_slug
from bigsocnorth.places.services import place_from_query

PER_PAGE = 24  # full rows of cards, whether one, two, three or four fit across


def _problems(error: ValidationError) -> str:
    return " ".join(error.messages)


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _back(request, default: str) -> str:
    """Where a button's form came from (its `next`), if it is one of our pages."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _area(slug: str):
    if not slug:
        return None
    return area_get_by_slug(slug=slug[:100], boundaries=False)


def _category(slug: str) -> AidCategory | None:
    if not slug:
        return None
    return AidCategory.objects.filter(slug=slug[:40]).first()


# --- Lists ---------------------------------------------------------------------------------


@require_GET
@cached_for_visitors
def post_list(request):
    form = PostFilterForm(request.GET)
    chosen = form.chosen()
    area = _area(chosen["area"])
    category = _category(chosen["category"])
    filters = selectors.PostFilters(
        kind=chosen["kind"],
        area=area,
        category=category,
        urgency=chosen["urgency"],
        by=chosen["by"],
    )
    page = look_ahead_page(
        selectors.post_list(filters), number=page_number(request), per_page=PER_PAGE
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mutual_aid/post_list.html",
        {
            "form": form,
            "area": area,
            "category": category,
            "page_obj": page,
            "posts": page.object_list,
            "query_without_page": query.urlencode(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


@require_GET
@cached_for_visitors
def needs_near(request):
    """Open needs in an area a helper or a group chooses, of one kind of help or any."""
    form = NearForm(request.GET)
    chosen = form.chosen()
    area = _area(chosen["area"])
    category = _category(chosen["category"])
    needs = matching.needs_near(area=area, category=category) if area is not None else []
    return render(
        request,
        "mutual_aid/needs_near.html",
        {"form": form, "area": area, "category": category, "needs": needs},
    )


@never_cache
@login_required
@require_GET
def yours(request):
    """The member's own posts (any state), with answers waiting, and their answers to others."""
    from bigsocnorth.directory.models import Entry

    posts = list(selectors.posts_of(request.user))
    for post in posts:
        post.waiting = sum(1 for match in post.matches.all() if match.state == MatchState.REQUESTED)
    # The groups they look after, to say how each checks its volunteers.
    groups = (
        Entry.objects.public()
        .filter(editors=request.user, merged_into__isnull=True)
        .only("pk", "name", "slug")
        .order_by("name")[:50]
    )
    return render(
        request,
        "mutual_aid/yours.html",
        {
            "posts": posts,
            "answers": list(selectors.matches_of(request.user)),
            "groups": list(groups),
        },
    )


# --- One post --------------------------------------------------------------------------------


def _detail_context(request, post, *, answer_form=None) -> dict:
    user = request.user
    is_poster = permissions.is_poster(user, post)
    can_edit = permissions.can_edit_post(user, post)
    open_and_public = is_public(post) and post.is_open
    mine = None if is_poster else selectors.live_answer_of(user=user, post=post)
    can_answer = open_and_public and permissions.can_post(user) and not is_poster and mine is None
    if can_answer and answer_form is None:
        answer_form = AnswerForm(post=post)
    answers = []
    if is_poster or permissions.is_moderator(user):
        answers = list(selectors.answers_for(post))
    return {
        "post": post,
        "published": is_public(post),
        "open_and_public": open_and_public,
        "is_poster": is_poster,
        "can_edit": can_edit,
        "mine": mine,
        "answer_form": answer_form if can_answer else None,
        "answers": answers,
        "fits": matching.matches_for(post) if open_and_public else [],
        "entry_shown": post.entry if is_public(post.entry) else None,
        "can_renew": permissions.can_renew_post(user, post),
        "can_close": permissions.can_close_post(user, post),
    }


@require_GET
@cached_for_visitors
def post_detail(request, slug: str):
    # Kept for visitors only: they see no form (answering needs an account).
    post = selectors.post_get_for_view(slug=slug, user=request.user)
    return render(request, "mutual_aid/post_detail.html", _detail_context(request, post))


def _render_form(request, form, *, post=None, kind: str = "", status=200):
    return render(
        request,
        "mutual_aid/post_form.html",
        {"form": form, "post": post, "kind": kind},
        status=status,
    )


def _more_problems(form: PostForm) -> None:
    """The fields' own checks on what the form could read, so every problem shows at once."""
    from bigsocnorth.mutual_aid.fields import check_post_fields

    try:
        check_post_fields(form.values())
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, problems)


def _saved_message(request, post) -> None:
    if is_public(post):
        messages.success(request, _("Your post is published."))
    else:
        messages.success(
            request, _("Thank you. A moderator will read your post before it is public.")
        )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def post_create(request):
    if not permissions.can_post(request.user):
        raise PermissionDenied
    if request.method == "GET":
        kind = request.GET.get("kind", "")
        initial = {"place": place_from_query(request.GET)}
        if kind in ("need", "offer"):
            initial["kind"] = kind
        form = PostForm(initial=initial, user=request.user)
        return _render_form(request, form, kind=initial.get("kind", ""))
    form = PostForm(request.POST, user=request.user)
    if not form.is_valid():
        _more_problems(form)
        return _render_form(request, form, kind=form.data.get("kind", ""), status=400)
    try:
        post = services.post_create(
            author=request.user, values=form.values(), entry=form.chosen_entry()
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _render_form(request, form, status=400)
    _saved_message(request, post)
    return redirect(post)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, slug: str):
    post = selectors.post_get_for_view(slug=slug, user=request.user)
    permissions.check_edit_permission(request.user, post)
    if request.method == "GET":
        form = PostForm(initial=PostForm.initial_for(post), user=request.user, editing=True)
        return _render_form(request, form, post=post)
    form = PostForm(request.POST, user=request.user, editing=True)
    if not form.is_valid():
        _more_problems(form)
        return _render_form(request, form, post=post, status=400)
    try:
        post = services.post_update(actor=request.user, post=post, values=form.values())
    except ValidationError as error:
        _add_errors(form, error)
        return _render_form(request, form, post=post, status=400)
    if is_public(post):
        messages.success(request, _("The changes are saved."))
    else:
        messages.success(
            request, _("The changes are saved. A moderator will read it before it is public.")
        )
    return redirect(post)


@login_required
@require_POST
def post_close(request, slug: str):
    post = selectors.post_get_for_view(slug=slug, user=request.user)
    try:
        services.post_close(actor=request.user, post=post, state=request.POST.get("state", ""))
    except ValidationError as error:
        messages.error(request, _problems(error))
        return redirect(post)
    if is_in_review(post):
        messages.success(request, _("Your post is withdrawn."))
    else:
        messages.success(request, _("Your post is closed. Thank you for saying."))
    return redirect(post)


@login_required
@require_POST
def post_renew(request, slug: str):
    post = selectors.post_get_for_view(slug=slug, user=request.user)
    try:
        post = services.post_renew(actor=request.user, post=post)
    except ValidationError as error:
        messages.error(request, _problems(error))
        return redirect(post)
    day = post.expires_on
    messages.success(
        request,
        _("Your post is open until %(day)s.") % {"day": f"{day:%A} {day.day} {day:%B}"},
    )
    return redirect(post)


# --- Answers (matches) ------------------------------------------------------------------------


@never_cache
@login_required
@require_POST
def match_request(request, slug: str):
    post = selectors.post_get_for_view(slug=slug, user=request.user)
    form = AnswerForm(request.POST, post=post)
    if form.is_valid():
        try:
            match = services.match_request(
                responder=request.user,
                post=post,
                message=form.cleaned_data["message"],
                contact=form.cleaned_data["contact"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Not about what was written (their own post, a closed one, asked already).
                messages.error(request, _problems(error))
                return redirect(post)
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Your message is sent. You will see their contact details if they accept."),
            )
            return redirect("mutual_aid:match_detail", pk=match.pk)
    context = _detail_context(request, post, answer_form=form)
    context["answer_form"] = form
    return render(request, "mutual_aid/post_detail.html", context, status=400)


@never_cache
@login_required
@require_GET
def match_detail(request, pk: int):
    match = selectors.match_get_for_view(pk=pk, user=request.user)
    user = request.user
    is_poster = permissions.is_poster(user, match.post)
    is_responder = user.pk == match.responder_id
    requested = match.state == MatchState.REQUESTED
    return render(
        request,
        "mutual_aid/match_detail.html",
        {
            "match": match,
            "post": match.post,
            "is_poster": is_poster,
            "is_responder": is_responder,
            "show_contact": permissions.can_see_contact(user, match),
            "show_conversation": permissions.is_party(user, match) and match.conversation_id,
            "can_decide": is_poster and requested,
            "can_withdraw": is_responder and match.state in ACTIVE_MATCH_STATES,
            "can_finish": permissions.is_party(user, match) and match.is_accepted,
            "accept_form": AcceptForm(auto_id="accept_%s"),
            "decline_form": DeclineForm(auto_id="decline_%s"),
            "finish_form": FinishForm(auto_id="finish_%s"),
        },
    )


def _match_for(request, pk: int):
    return selectors.match_get_for_view(pk=pk, user=request.user)


def _match_url(match) -> str:
    return reverse("mutual_aid:match_detail", kwargs={"pk": match.pk})


@login_required
@require_POST
def match_accept(request, pk: int):
    match = _match_for(request, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(_form_problems(form)))
        return redirect(_back(request, _match_url(match)))
    try:
        services.match_accept(actor=request.user, match=match, contact=form.cleaned_data["contact"])
    except ValidationError as error:
        messages.error(request, _problems(error))
        return redirect(_back(request, _match_url(match)))
    messages.success(request, _("You accepted. You can now see each other's contact details."))
    return redirect(_match_url(match))


@login_required
@require_POST
def match_decline(request, pk: int):
    match = _match_for(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(_form_problems(form)))
        return redirect(_back(request, _match_url(match)))
    try:
        services.match_decline(actor=request.user, match=match, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _problems(error))
        return redirect(_back(request, _match_url(match)))
    messages.success(request, _("You declined, with thanks. They are told."))
    return redirect(_back(request, _match_url(match)))


@login_required
@require_POST
def match_finish(request, pk: int):
    match = _match_for(request, pk)
    form = FinishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(_form_problems(form)))
        return redirect(_match_url(match))
    try:
        services.match_finish(
            actor=request.user,
            match=match,
            done=form.cleaned_data["done"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, _problems(error))
        return redirect(_match_url(match))
    messages.success(request, _("Thank you for saying how it went."))
    return redirect(_match_url(match))


@login_required
@require_POST
def match_withdraw(request, pk: int):
    match = _match_for(request, pk)
    try:
        services.match_withdraw(actor=request.user, match=match)
    except ValidationError as error:
        messages.error(request, _problems(error))
        return redirect(_match_url(match))
    messages.success(request, _("Your answer is withdrawn."))
    return redirect(_match_url(match))


def _form_problems(form) -> list[str]:
    return [str(problem) for problems in form.errors.values() for problem in problems]


# --- A group's word on checking its volunteers ---------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checks_declare(request, entry_slug: str):
    from bigsocnorth.directory.models import Entry

    entry = Entry.objects.filter(slug=entry_slug[:220]).first()
    if entry is None:
        raise Http404
    if not permissions.can_declare_checks(request.user, entry):
        raise PermissionDenied(_("Only the people who look after this entry can say this."))
    current = VolunteerChecks.objects.filter(entry=entry).first()
    status = 200
    if request.method == "POST":
        form = ChecksForm(request.POST)
        if form.is_valid():
            try:
                checks = services.volunteer_checks_declare(
                    actor=request.user, entry=entry, how=form.cleaned_data["how"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if checks is None:
                    messages.success(request, _("Your entry no longer says how you check."))
                else:
                    messages.success(request, _("Your entry now says how you check volunteers."))
                return redirect(entry)
        status = 400
    else:
        form = ChecksForm(initial={"how": current.how if current else ""})
    return render(
        request,
        "mutual_aid/checks_form.html",
        {"form": form, "entry": entry, "current": current},
        status=status,
    )
