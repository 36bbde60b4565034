"""Gathering pages: the lists, one gathering, organising one, answering, the organisers' list.

Lists and gatherings are read through the selectors' visibility rule;
every write goes through the services; who may do what is permissions.py.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.core.csv import csv_response
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.pagination import page_number
from bigsocnorth.core.ratelimit import client_address, rate_limit_hit
from bigsocnorth.events import recurrence, selectors, services
from bigsocnorth.events.feed_views import filtered_calendar_link
from bigsocnorth.events.forms import (
    GatheringFilterForm,
    GatheringForm,
    PostponeForm,
    RsvpForm,
    StateForm,
)
from bigsocnorth.events.links import rsvp_for_cancel_token, rsvp_for_confirm_token
from bigsocnorth.events.models import ACCESS_FEATURES, RsvpState
from bigsocnorth.events.month import month_allowed, month_calendar
from bigsocnorth.events.permissions import (
    can_create_gathering,
    can_edit_gathering,
    check_attendees_permission,
    check_edit_permission,
)
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.places.services import place_from_query

# A visitor without an account may answer this many times an hour from one address.
GUEST_RSVPS_PER_HOUR = 10
NEXT_TIMES_SHOWN = 6


def _list(request, *, past: bool):
    form = GatheringFilterForm(request.GET)
    filters = form.filters()
    page = selectors.gathering_list(filters=filters, past=past, page=page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/gathering_list.html",
        {
            "form": form,
            "past": past,
            "page_obj": page,
            "gatherings": page.object_list,
            "query_without_page": query.urlencode(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
            "filtered_calendar": None if past else filtered_calendar_link(filters),
        },
    )


@require_GET
@cached_for_visitors
def gathering_list(request):
    return _list(request, past=False)


@require_GET
@cached_for_visitors
def gathering_past(request):
    return _list(request, past=True)


def _month_first(year, month, day, *, today: date) -> tuple[date, date | None]:
    """The month (and day) asked for in the address; 404 for one that is not a date or is
    further away than the calendar goes."""
    if year is None:
        return today.replace(day=1), None
    try:
        first = date(year, month, 1)
        chosen = date(year, month, day) if day is not None else None
    except (ValueError, OverflowError):  # not a date, or digits beyond any date
        raise Http404(_("There is no such date.")) from None
    if not month_allowed(first, today=today):
        raise Http404(_("The calendar goes five years back and five years ahead."))
    return first, chosen


@require_GET
@cached_for_visitors
def gathering_month(request, year: int | None = None, month: int | None = None, day=None):
    today = timezone.localdate()
    first, chosen = _month_first(year, month, day, today=today)
    form = GatheringFilterForm(request.GET)
    calendar_month = month_calendar(filters=form.filters(), first=first, day=chosen)
    query = request.GET.urlencode()
    return render(
        request,
        "events/gathering_month.html",
        {
            "form": form,
            "month": calendar_month,
            "query": f"?{query}" if query else "",
            "previous_allowed": month_allowed(calendar_month.previous, today=today),
            "next_allowed": month_allowed(calendar_month.next, today=today),
            "filtered": any(request.GET.values()),
            "weekdays": [(WEEKDAYS[number], WEEKDAYS_ABBR[number]) for number in range(7)],
        },
    )


@never_cache
@login_required
@require_GET
def your_gatherings(request):
    """What the member organises, and what they are going to or waiting for."""
    return render(
        request,
        "events/your_gatherings.html",
        {"yours": selectors.your_gatherings(user=request.user)},
    )


def _access_list(gathering) -> list[tuple[str, bool | None]]:
    return [(label, getattr(gathering, key)) for key, label in ACCESS_FEATURES]


def _detail_context(request, gathering, *, rsvp_form=None) -> dict:
    from bigsocnorth.events.outcomes import afterwards_for  # after the gathering: only here

    user = request.user
    mine = selectors.rsvp_for(user=user, gathering=gathering)
    going = mine is not None and mine.state == RsvpState.GOING
    can_edit = can_edit_gathering(user, gathering)
    now = timezone.now()
    open_for_answers = True
    try:
        services.check_rsvp_open(gathering, now=now)
    except ValidationError:
        open_for_answers = False
    answerable = open_for_answers and (mine is None or mine.state == RsvpState.CANCELLED)
    if rsvp_form is None and answerable:
        rsvp_form = RsvpForm(gathering=gathering, member=user.is_authenticated)
    next_times = []
    if gathering.recurrence:
        length = gathering.ends_at - gathering.starts_at
        times = recurrence.occurrences(
            recurrence.rule_parse(gathering.recurrence), starts_at=gathering.starts_at
        )
        next_times = [start for start in times if start + length > now][:NEXT_TIMES_SHOWN]
    return {
        "gathering": gathering,
        "published": is_public(gathering),
        "description": render_markdown(gathering.description),
        "entries": gathering.public_entries,
        "places_left": gathering.places_left,
        "mine": mine,
        "waiting_position": selectors.waiting_position(mine)
        if mine is not None and mine.state == RsvpState.WAITING
        else None,
        "show_link": gathering.online
        and (not gathering.online_url_going_only or going or can_edit),
        "can_edit": can_edit,
        "open_for_answers": open_for_answers,
        "rsvp_form": rsvp_form if answerable else None,
        "access": _access_list(gathering),
        "repeats": recurrence.rule_describe(gathering.recurrence),
        "next_times": next_times,
        # Two forms with a note each: each with ids of its own.
        "confirm_form": StateForm(auto_id="confirm_%s") if can_edit else None,
        "cancel_form": StateForm(auto_id="cancel_%s") if can_edit else None,
        "organiser_shown": gathering.author_id is not None,
        "afterwards": afterwards_for(gathering=gathering, can_edit=can_edit, now=now),
    }


@never_cache
@require_GET
def gathering_detail(request, slug: str):
    # Never kept for visitors: the RSVP form carries their own CSRF token.
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    return render(request, "events/gathering_detail.html", _detail_context(request, gathering))


# --- Organising ----------------------------------------------------------------------------


def _add_errors(form, error: ValidationError) -> None:
    renamed = {"starts_at": "start_time", "ends_at": "end_time", "recurrence": "repeats"}
    for field, problems in error.message_dict.items():
        field = renamed.get(field, field)
        form.add_error(field if field in form.fields else None, problems)


def _more_problems(form: GatheringForm, user) -> None:
    """The service's checks on what the form could read, so every problem shows at once."""
    try:
        services.check_gathering_fields(form.values(), author=user)
    except ValidationError as error:
        renamed = {"starts_at": "start_time", "ends_at": "end_time", "recurrence": "repeats"}
        for field, problems in error.message_dict.items():
            field = renamed.get(field, field)
            if field in form.fields and field not in form.errors:
                form.add_error(field, problems)


def _render_form(request, form, *, gathering=None, status=200):
    return render(
        request,
        "events/gathering_form.html",
        {"form": form, "gathering": gathering},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def gathering_create(request):
    if not can_create_gathering(request.user):
        raise PermissionDenied
    if request.method == "GET":
        initial = {"place": place_from_query(request.GET)}
        return _render_form(request, GatheringForm(initial=initial, user=request.user))
    form = GatheringForm(request.POST, user=request.user)
    if not form.is_valid():
        _more_problems(form, request.user)
        return _render_form(request, form, status=400)
    try:
        gathering = services.gathering_create(author=request.user, values=form.values())
    except ValidationError as error:
        _add_errors(form, error)
        return _render_form(request, form, status=400)
    if is_public(gathering):
        messages.success(request, _("Your gathering is published."))
    else:
        messages.success(
            request, _("Thank you. A moderator will look at your gathering before it is public.")
        )
    return redirect(gathering)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def gathering_edit(request, slug: str):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    check_edit_permission(request.user, gathering)
    if request.method == "GET":
        form = GatheringForm(
            initial=GatheringForm.initial_for(gathering), user=request.user, editing=True
        )
        return _render_form(request, form, gathering=gathering)
    form = GatheringForm(request.POST, user=request.user, editing=True)
    if not form.is_valid():
        return _render_form(request, form, gathering=gathering, status=400)
    try:
        services.gathering_edit(actor=request.user, gathering=gathering, values=form.values())
    except ValidationError as error:
        _add_errors(form, error)
        return _render_form(request, form, gathering=gathering, status=400)
    messages.success(request, _("The changes are saved."))
    return redirect(gathering)


@login_required
@require_POST
def gathering_state(request, slug: str, action: str):
    """Confirm or cancel; postponing has a page of its own (it needs a new date)."""
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    check_edit_permission(request.user, gathering)
    verbs = {"confirm": services.gathering_confirm, "cancel": services.gathering_cancel}
    if action not in verbs:
        raise Http404
    form = StateForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, _("The note can be at most 500 characters. Nothing changed."))
        return redirect(gathering)
    try:
        verbs[action](actor=request.user, gathering=gathering, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(gathering)
    if action == "cancel":
        messages.success(request, _("The gathering is cancelled, and everyone going is told."))
    else:
        messages.success(request, _("The gathering is confirmed, and everyone going is told."))
    return redirect(gathering)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def gathering_postpone(request, slug: str):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    check_edit_permission(request.user, gathering)
    form = PostponeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            starts_at, ends_at = form.times()
            try:
                services.gathering_postpone(
                    actor=request.user,
                    gathering=gathering,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                renamed = {"starts_at": "start_time", "ends_at": "end_time", "state": None}
                for field, problems in error.message_dict.items():
                    field = renamed.get(field, field)
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(
                    request, _("The gathering is postponed, and everyone going is told.")
                )
                return redirect(gathering)
        status = 400
    return render(
        request,
        "events/gathering_postpone.html",
        {"form": form, "gathering": gathering},
        status=status,
    )


# --- Answering -----------------------------------------------------------------------------


@never_cache
@require_POST
def rsvp(request, slug: str):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    member = request.user.is_authenticated
    form = RsvpForm(request.POST, gathering=gathering, member=member)
    if not member and (request.POST.get("website") or "").strip():
        raise PermissionDenied  # the field no person sees was filled in
    if not form.is_valid():
        return _detail_again(request, gathering, form)
    if not member and rate_limit_hit(
        action="events.rsvp", who=client_address(request), limit=GUEST_RSVPS_PER_HOUR,
        per_seconds=3600,
    ):  # fmt: skip
        form.add_error(None, _("Too many answers from here in the last hour. Try again later."))
        return _detail_again(request, gathering, form, status=429)
    data = form.cleaned_data
    try:
        if member:
            made = services.rsvp_member(
                user=request.user,
                gathering=gathering,
                plus_ones=data.get("plus_ones", 0),
                answers=form.answers(),
            )
        else:
            services.rsvp_guest(
                gathering=gathering,
                name=data["name"],
                email=data["email"],
                plus_ones=data.get("plus_ones", 0),
                answers=form.answers(),
            )
    except services.AlreadyAnswered:
        # Said to the address, never on the page: the page must not tell who is coming.
        return redirect("events:rsvp_sent", slug=gathering.slug)
    except ValidationError as error:
        _add_errors(form, error)
        return _detail_again(request, gathering, form)
    if not member:
        return redirect("events:rsvp_sent", slug=gathering.slug)
    if made.state == RsvpState.GOING:
        messages.success(request, _("You are going. The organisers will be glad to see you."))
    else:
        messages.success(
            request, _("It is full for now: you are on the waiting list, and we will tell you.")
        )
    return redirect(gathering)


def _detail_again(request, gathering, form, *, status=400):
    context = _detail_context(request, gathering, rsvp_form=form)
    context["rsvp_form"] = form
    return render(request, "events/gathering_detail.html", context, status=status)


@never_cache
@require_GET
def rsvp_sent(request, slug: str):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    return render(request, "events/rsvp_sent.html", {"gathering": gathering})


@login_required
@require_POST
def rsvp_cancel(request, slug: str):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    mine = selectors.rsvp_for(user=request.user, gathering=gathering)
    if mine is None or not services.rsvp_cancel(rsvp=mine, user=request.user):
        messages.info(request, _("You had no answer to cancel."))
    else:
        messages.success(request, _("You are no longer going. Thank you for saying."))
    return redirect(gathering)


@never_cache
@require_http_methods(["GET", "POST"])
def rsvp_confirm(request, token: str):
    """A guest's emailed link. Opening it shows a button: mail scanners open links too."""
    found = rsvp_for_confirm_token(token)
    if found is None or found.state != RsvpState.PENDING:
        return render(request, "events/link_used.html", status=404)
    if request.method == "GET":
        return render(request, "events/rsvp_confirm.html", {"rsvp": found})
    try:
        done = services.rsvp_confirm(token=token)
    except ValidationError as error:
        return render(
            request, "events/link_used.html", {"message": " ".join(error.messages)}, status=400
        )
    if done is None:
        return render(request, "events/link_used.html", status=404)
    return render(request, "events/rsvp_confirmed.html", {"rsvp": done})


@never_cache
@require_http_methods(["GET", "POST"])
def rsvp_cancel_link(request, token: str):
    """The cancel link in a guest's emails: a button, then done."""
    found = rsvp_for_cancel_token(token)
    if found is None or found.state == RsvpState.CANCELLED:
        return render(request, "events/link_used.html", status=404)
    if request.method == "GET":
        return render(request, "events/rsvp_cancel.html", {"rsvp": found})
    services.rsvp_cancel_by_token(token=token)
    return render(request, "events/rsvp_cancelled.html", {"rsvp": found})


# --- For the organisers ----------------------------------------------------------------------


@never_cache
@login_required
@require_GET
def attendees(request, slug: str):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    check_attendees_permission(request.user, gathering)
    return render(
        request,
        "events/attendees.html",
        {
            "gathering": gathering,
            "attendees": selectors.attendees(gathering=gathering),
            "places_left": gathering.places_left,
        },
    )


@never_cache
@login_required
@require_GET
def attendees_csv(request, slug: str):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    check_attendees_permission(request.user, gathering)
    found = selectors.attendees(gathering=gathering)
    header = [
        _("name"), _("member or guest"), _("state"), _("guests with them"), _("dietary needs"),
        _("access needs"), _("answered"),
    ]  # fmt: skip
    rows = (
        [
            rsvp.display_name,
            _("guest") if rsvp.is_guest else _("member"),
            rsvp.get_state_display(),
            rsvp.plus_ones,
            rsvp.answers.get("dietary", ""),
            rsvp.answers.get("access", ""),
            timezone.localtime(rsvp.joined_at).strftime("%Y-%m-%d %H:%M") if rsvp.joined_at else "",
        ]
        for rsvp in [*found.going, *found.waiting]
    )
    return csv_response(filename=f"{gathering.slug}-who-is-coming.csv", header=header, rows=rows)
