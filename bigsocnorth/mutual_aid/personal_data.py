"""What needs and offers hold about a person, for their data export
(accounts/personal_data.py): their posts, their answers to others' posts and the answers to
theirs, and the volunteer checks they declared for a group.

Contact details follow the rule of the pages (permissions.can_see_contact): the
other person's are included only once the poster has accepted, as the site shows them.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import register_personal_data, rows, site_url
from bigsocnorth.mutual_aid.models import Match, MatchEvent, MatchState, Post, VolunteerChecks

ACCEPTED_STATES = {MatchState.ACCEPTED, MatchState.DONE, MatchState.NOT_DONE}


def _page(slug: str) -> str | None:
    return site_url(reverse("mutual_aid:post_detail", kwargs={"slug": slug}))


def mutual_aid_personal_data(user):
    posts = rows(
        Post.objects.filter(author=user).order_by("created_at", "pk"),
        "id",
        "kind",
        "category__name",
        "slug",
        "title",
        "description",
        "entry__name",
        "local_authority__name",
        "place_name",
        "latitude",
        "longitude",
        "when",
        "starts_on",
        "ends_on",
        "urgency",
        "times",
        "expires_on",
        "state",
        "closed_at",
        "held_because",
        "status",
        "created_at",
        "updated_at",
        "published_at",
    )
    for post in posts:
        post["page"] = _page(post["slug"])
    matches = rows(
        Match.objects.filter(Q(responder=user) | Q(post__author=user)).order_by("created_at", "pk"),
        "id",
        "post__title",
        "post__slug",
        "post__author_id",
        "responder_id",
        "responder__profile__display_name",
        "state",
        "message",
        "responder_contact",
        "poster_contact",
        "poster_says",
        "responder_says",
        "reason",
        "created_at",
        "decided_at",
    )
    events: dict[int, list[dict]] = {}
    for event in (
        MatchEvent.objects.filter(match_id__in=[match["id"] for match in matches])
        .order_by("at", "pk")
        .values("match_id", "actor_id", "action", "note", "at")
    ):
        by_you = event.pop("actor_id") == user.pk
        if not by_you:
            event.pop("note")  # someone else's words about the match, not shown to the person
        events.setdefault(event.pop("match_id"), []).append({**event, "by_you": by_you})
    answers_given, answers_received = [], []
    for match in matches:
        you_answered = match.pop("responder_id") == user.pk
        poster_id = match.pop("post__author_id")
        match["post_page"] = _page(match.pop("post__slug"))
        match["events"] = events.get(match.pop("id"), [])
        accepted = match["state"] in ACCEPTED_STATES
        if you_answered:
            match.pop("responder__profile__display_name")
            # The poster's contact details reach the person only once they accepted.
            if not accepted:
                match.pop("poster_contact")
            answers_given.append(match)
        if poster_id == user.pk:
            received = dict(match)
            received["responder"] = match.get("responder__profile__display_name")
            received.pop("responder__profile__display_name", None)
            if not accepted and not you_answered:
                received.pop("responder_contact")
            answers_received.append(received)
    checks = rows(
        VolunteerChecks.objects.filter(declared_by=user).order_by("pk"),
        "entry__name",
        "how",
        "declared_at",
    )
    return {
        "posts": posts,
        "answers_you_gave": answers_given,
        "answers_to_your_posts": answers_received,
        "volunteer_checks_declared": checks,
    }, []


register_personal_data(
    "mutual_aid",
    describe=_(
        "Your needs and offers, your answers to other people's (with your contact details, and "
        "theirs once they accepted), the answers to yours (the other person's contact details "
        "only once you accepted), and the volunteer checks you declared for a group."
    ),
    collect=mutual_aid_personal_data,
    covers=(Post,),
)
