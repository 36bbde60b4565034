"""The "What this gathering needs" section of a gathering's page, as one tag, so the
page's view stays as it is: {% load gathering_needs %}{% gathering_needs_section gathering %}."""

from __future__ import annotations

from django import template
from django.utils import timezone

from bigsocnorth.events import needs, permissions
from bigsocnorth.events.models import GatheringState
from bigsocnorth.moderation.permissions import is_public

register = template.Library()


@register.inclusion_tag("events/needs/section.html", takes_context=True)
def gathering_needs_section(context, gathering):
    request = context["request"]
    user = request.user
    shown = needs.needs_of(gathering=gathering, user=user)
    organiser = permissions.can_manage_needs(user, gathering)
    still_to_come = (
        gathering.state != GatheringState.CANCELLED and gathering.last_ends_at > timezone.now()
    )
    offers_taken = still_to_come and is_public(gathering)
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "gathering": gathering,
        "needs": shown,
        "organiser": organiser,
        "can_offer": offers_taken and permissions.can_offer(user, gathering),
        "offers_taken": offers_taken,
        "still_to_come": still_to_come,
        "login_next": request.get_full_path(),
    }
