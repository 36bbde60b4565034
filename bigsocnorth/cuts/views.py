"""Threat and cut pages: the list, one cut and its timeline, reporting and updating.

Lists and cuts are read through the selectors' visibility rules; every
write goes through the services. Dashboards and open data have their own
modules (dashboard_views.py, data_views.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.pagination import page_number
from bigsocnorth.core.ratelimit import client_address, rate_limit_hit
from bigsocnorth.cuts import selectors, services
from bigsocnorth.cuts.forms import (
    ConfirmForm,
    CutFilterForm,
    MergeForm,
    ReportForm,
    TimelineEntryForm,
    VerifyForm,
)
from bigsocnorth.cuts.models import Cut
from bigsocnorth.cuts.permissions import can_add_to_timeline, can_edit_cut, can_moderate_cuts
from bigsocnorth.cuts.sections import dashboard_url
from bigsocnorth.moderation import limits
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.places.services import place_from_query

# A visitor without an account may send this many reports an hour from one address.
VISITOR_REPORTS_PER_HOUR = 5


@require_GET
@cached_for_visitors
def cut_list(request):
    form = CutFilterForm(request.GET)
    filters = form.filters()
    page = selectors.cut_list(filters=filters, page=page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cuts/cut_list.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "cuts": page.object_list,
            "query_without_page": query.urlencode(),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@cached_for_visitors
def decisions_due(request):
    page = selectors.decisions_due_page(page=page_number(request))
    return render(
        request,
        "cuts/decisions_due.html",
        {"cuts": page.object_list, "page_obj": page, "days": selectors.DUE_SOON_DAYS},
    )


@require_GET
@cached_for_visitors
def cut_detail(request, slug: str):
    cut = selectors.cut_get(user=request.user, slug=slug)
    if cut.merged_into_id and is_public(cut.merged_into):
        return redirect(cut.merged_into, permanent=True)
    user = request.user
    return render(
        request,
        "cuts/cut_detail.html",
        {
            "cut": cut,
            "timeline": selectors.cut_timeline(cut=cut, user=user),
            "entry": cut.entry if cut.entry_id and is_public(cut.entry) else None,
            "published": is_public(cut),
            "can_add": can_add_to_timeline(user) and is_public(cut),
            "can_moderate": can_moderate_cuts(user),
            "can_edit": can_edit_cut(user, cut),
            "confirmed": user.is_authenticated and cut.confirmations.filter(user=user).exists(),
            "entry_form": TimelineEntryForm() if user.is_authenticated else None,
            # Three forms on one page: each with ids of its own.
            "confirm_form": ConfirmForm(auto_id="confirm_%s") if user.is_authenticated else None,
            "verify_form": VerifyForm(
                initial={"verification": cut.verification}, auto_id="verify_%s"
            )
            if can_moderate_cuts(user)
            else None,
            "merge_form": MergeForm(auto_id="merge_%s") if can_moderate_cuts(user) else None,
            "dashboard_url": dashboard_url(cut.local_authority),
            "author_shown": cut.author_id and not cut.author_name_hidden,
        },
    )


# --- Reporting -----------------------------------------------------------------------------


# The services' names for what the forms call otherwise.
_FIELD_OF = {
    "links": "link_1",
    "decided_by_authority": "decided_by",
    "decided_by_code": "decided_by",
}


def _add_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        field = _FIELD_OF.get(field, field)
        form.add_error(field if field in form.fields else None, problems)


def _more_problems(form: ReportForm) -> None:
    """The service's checks on what the form could read, so every problem shows at once."""
    from bigsocnorth.cuts.fields import check_cut_fields

    try:
        check_cut_fields(form.values())
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            field = _FIELD_OF.get(field, field)
            if field in form.fields and field not in form.errors:
                form.add_error(field, problems)


def _render_report(request, form, *, status=200, similar=None):
    return render(
        request,
        "cuts/cut_report.html",
        {"form": form, "similar": similar or [], "anonymous": not request.user.is_authenticated},
        status=status,
    )


def _too_big(form_class, **kwargs):
    form = form_class(**kwargs)
    form.is_bound = True
    form._errors = {
        "__all__": form.error_class(
            [
                _(
                    "What you sent is far too big: documents can be at most 20 MB each. "
                    "Nothing was saved."
                )
            ]
        )
    }
    return form


@never_cache
@require_http_methods(["GET", "POST"])
def cut_report(request):
    anonymous = not request.user.is_authenticated
    if request.method == "GET":
        initial = {"place": place_from_query(request.GET), "entry": request.GET.get("entry", "")}
        return _render_report(request, ReportForm(initial=initial, anonymous=anonymous))
    try:
        form = ReportForm(request.POST, request.FILES, anonymous=anonymous)
        valid = form.is_valid()
    except RequestDataTooBig:
        return _render_report(request, _too_big(ReportForm, anonymous=anonymous), status=413)
    if anonymous and (request.POST.get("website") or "").strip():
        raise PermissionDenied  # the field no person sees was filled in
    if not valid:
        _more_problems(form)
        return _render_report(request, form, status=400)
    values = form.values()
    if "send_anyway" not in request.POST:
        place = values.get("place")
        similar = selectors.similar_cuts(
            local_authority_id=place.local_authority.pk if place else None,
            title=f"{values.get('title') or ''} {values.get('affected_name') or ''}",
            decided_by_authority_id=getattr(values.get("decided_by_authority"), "pk", None),
        )
        if similar:
            return _render_report(request, form, similar=similar)
    if anonymous and rate_limit_hit(
        action="cuts.report",
        who=client_address(request),
        limit=VISITOR_REPORTS_PER_HOUR,
        per_seconds=3600,
    ):
        form.add_error(
            None,
            _(
                "Too many reports from here in the last hour. Nothing was saved; "
                "try again later, or sign in."
            ),
        )
        return _render_report(request, form, status=429)
    email = form.cleaned_data.get("email", "") if anonymous else ""
    try:
        cut = services.cut_report(
            author=None if anonymous else request.user,
            values=values,
            links=form.links(),
            documents=form.cleaned_data.get("documents") or [],
            reporter_email=email,
            address=client_address(request),
        )
    except ValidationError as error:
        _add_errors(form, error)
        too_many = isinstance(error, limits.LinkSharesRateLimited)
        return _render_report(request, form, status=429 if too_many else 400)
    if email:
        _send_email_check(request, cut)
    if anonymous:
        return redirect("cuts:cut_reported")
    if is_public(cut):
        messages.success(request, _("Your report is published. Thank you."))
    else:
        messages.success(
            request, _("Thank you. A moderator will check your report before it is public.")
        )
    return redirect(cut)


def _send_email_check(request, cut: Cut) -> None:
    link = settings.SITE_URL + reverse(
        "cuts:reporter_email_confirm", kwargs={"token": services.reporter_email_token(cut)}
    )
    address = cut.reporter_email
    transaction.on_commit(
        lambda: send_mail(
            subject=_("Confirm your email for your report"),
            message=_(
                "Someone, we hope you, reported a threat or cut on Big Society in the North and "
                "asked to be told when it is published. To confirm, open this link:\n\n%(link)s\n\n"
                "If it was not you, ignore this email: we will not write again."
            )
            % {"link": link},
            from_email=None,
            recipient_list=[address],
        )
    )


@require_GET
def cut_reported(request):
    return render(request, "cuts/cut_reported.html")


@never_cache
@require_GET
def reporter_email_confirm(request, token: str):
    cut = services.reporter_email_confirm(token=token)
    return render(
        request,
        "cuts/email_confirmed.html",
        {"confirmed": cut is not None},
        status=200 if cut else 400,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def cut_edit(request, slug: str):
    cut = _cut_for_write(request, slug)
    if not can_edit_cut(request.user, cut):
        raise PermissionDenied
    context = {"cut": cut, "anonymous": False, "similar": []}
    if request.method == "GET":
        form = ReportForm(initial=ReportForm.initial_for(cut), editing=True)
        return render(request, "cuts/cut_report.html", {**context, "form": form})
    try:
        form = ReportForm(request.POST, request.FILES, editing=True)
        valid = form.is_valid()
    except RequestDataTooBig:
        form = _too_big(ReportForm, editing=True)
        return render(request, "cuts/cut_report.html", {**context, "form": form}, status=413)
    if valid:
        try:
            services.cut_edit(actor=request.user, cut=cut, values=form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The report is corrected."))
            return redirect(cut)
    else:
        _more_problems(form)
    return render(request, "cuts/cut_report.html", {**context, "form": form}, status=400)


# --- The timeline and verdicts -------------------------------------------------------------


def _cut_for_write(request, slug: str) -> Cut:
    return selectors.cut_get(user=request.user, slug=slug)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def timeline_add(request, slug: str):
    cut = _cut_for_write(request, slug)
    if request.method == "GET":
        return render(request, "cuts/timeline_add.html", {"cut": cut, "form": TimelineEntryForm()})
    try:
        form = TimelineEntryForm(request.POST, request.FILES)
        valid = form.is_valid()
    except RequestDataTooBig:
        form = _too_big(TimelineEntryForm)
        return render(request, "cuts/timeline_add.html", {"cut": cut, "form": form}, status=413)
    if valid:
        data = form.cleaned_data
        try:
            entry = services.timeline_entry_add(
                author=request.user,
                cut=cut,
                kind=data["kind"],
                state=data.get("state") or "",
                happened_on=data.get("happened_on"),
                text=data.get("text") or "",
                responder=data.get("responder") or "",
                author_name_hidden=data.get("author_name_hidden", False),
                links=form.links(),
                documents=data.get("documents") or [],
                address=client_address(request),
            )
        except ValidationError as error:
            _add_errors(form, error)
            if isinstance(error, limits.LinkSharesRateLimited):
                return render(
                    request, "cuts/timeline_add.html", {"cut": cut, "form": form}, status=429
                )
        else:
            if is_public(entry):
                messages.success(request, _("Your update is on the timeline."))
            else:
                messages.success(request, _("Thank you. A moderator will check your update first."))
            return redirect(cut)
    return render(request, "cuts/timeline_add.html", {"cut": cut, "form": form}, status=400)


@login_required
@require_POST
def cut_confirm(request, slug: str):
    cut = _cut_for_write(request, slug)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            created = services.cut_confirm(user=request.user, cut=cut, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Thank you: your confirmation is counted.")
                if created
                else _("You had already confirmed this."),
            )
    else:
        messages.error(request, _("Your note or link is too long."))
    return redirect(cut)


@login_required
@require_POST
def cut_verify(request, slug: str):
    cut = _cut_for_write(request, slug)
    if not can_moderate_cuts(request.user):
        raise PermissionDenied
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.cut_verify(actor=request.user, cut=cut, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The verdict and its note are on the report."))
    else:
        for problems in form.errors.values():
            for message in problems:
                messages.error(request, message)
    return redirect(cut)


@login_required
@require_POST
def cut_merge(request, slug: str):
    duplicate = _cut_for_write(request, slug)
    if not can_moderate_cuts(request.user):
        raise PermissionDenied
    form = MergeForm(request.POST)
    target_slug = ""
    if form.is_valid():
        target_slug = form.cleaned_data["into"].strip().rstrip("/").rsplit("/", 1)[-1]
    into = Cut.objects.filter(slug=target_slug).first() if target_slug else None
    if into is None:
        messages.error(request, _("There is no report at that address."))
        return redirect(duplicate)
    try:
        services.cut_merge(actor=request.user, duplicate=duplicate, into=into)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(duplicate)
    messages.success(request, _("Merged: the timeline and confirmations are on this report now."))
    return redirect(into)


@require_GET
def evidence_download(request, slug: str, pk: int):
    """An evidence document, if the entry it belongs to may be seen by this person."""
    from django.http import FileResponse

    from bigsocnorth.cuts.models import Evidence
    from bigsocnorth.moderation.permissions import check_view_permission

    evidence = get_object_or_404(
        Evidence.objects.select_related("entry__cut"), pk=pk, entry__cut__slug=slug
    )
    check_view_permission(user=request.user, obj=evidence.entry.cut)
    check_view_permission(user=request.user, obj=evidence.entry)
    if not evidence.document:
        raise Http404
    extension = evidence.document.name.rsplit(".", 1)[-1]
    response = FileResponse(
        evidence.document.open("rb"),
        content_type=evidence.document_type or "application/octet-stream",
        as_attachment=extension == "pdf",
        filename=f"evidence-{evidence.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
