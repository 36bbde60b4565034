"""After the gathering: the organisers' page for how it went, and turning it into a story.

Thin like views.py: the gathering is read through the selectors' visibility rule,
outcomes.py writes, permissions.py decides who may.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from bigsocnorth.events import outcomes, selectors
from bigsocnorth.events.forms import OutcomeForm
from bigsocnorth.events.permissions import check_outcome_permission


def _not_yet(request, gathering):
    """Before the end (or once cancelled) there is nothing to record: say so on its page."""
    try:
        outcomes.check_outcome_open(gathering)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect(gathering)
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def gathering_afterwards(request, slug: str):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    check_outcome_permission(request.user, gathering)
    refused = _not_yet(request, gathering)
    if refused is not None:
        return refused
    status = 200
    if request.method == "GET":
        form = OutcomeForm(initial={"attended": gathering.attended, "outcome": gathering.outcome})
    else:
        form = OutcomeForm(request.POST)
        if form.is_valid():
            try:
                outcomes.gathering_outcome_record(
                    actor=request.user,
                    gathering=gathering,
                    attended=form.cleaned_data["attended"],
                    outcome=form.cleaned_data["outcome"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("Thank you: how it went is on the gathering's page."))
                return redirect(gathering)
        status = 400
    return render(
        request,
        "events/gathering_afterwards.html",
        {
            "form": form,
            "gathering": gathering,
            "recorded": gathering.outcome_recorded_at is not None,
            "story": gathering.story if gathering.story_id is not None else None,
        },
        status=status,
    )


@login_required
@require_POST
def gathering_story(request, slug: str):
    """A draft story from the notes, then its edit page for its author to polish and publish."""
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    check_outcome_permission(request.user, gathering)
    try:
        story = outcomes.gathering_story_create(actor=request.user, gathering=gathering)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(gathering)
    messages.success(
        request,
        _("Your story is saved as a draft. Add to it, then publish it when it is ready."),
    )
    return redirect("stories:story_edit", slug=story.slug)
