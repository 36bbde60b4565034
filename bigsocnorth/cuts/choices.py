"""The words a cut is described in: its kind, its sector, its state and how far it is verified."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CutKind(models.TextChoices):
    FUNDING = "funding", _("Funding cut or grant withdrawn")
    CLOSURE = "closure", _("Closure")
    HOURS = "hours", _("Reduced hours")
    POSTS = "posts", _("Staff or posts cut")
    BUILDING = "building", _("Building sold or handed over")
    CHARGES = "charges", _("Charges brought in")
    ELIGIBILITY = "eligibility", _("Eligibility narrowed")
    OTHER = "other", _("Other")


class Sector(models.TextChoices):
    YOUTH = "youth", _("Youth")
    LIBRARIES = "libraries", _("Libraries")
    ADVICE = "advice", _("Advice")
    MENTAL_HEALTH = "mental-health", _("Mental health")
    OLDER_PEOPLE = "older-people", _("Older people")
    CHILDREN = "children", _("Children and families")
    ARTS = "arts", _("Arts and culture")
    SPORT = "sport", _("Sport and parks")
    COMMUNITY_CENTRES = "community-centres", _("Community centres")
    TRANSPORT = "transport", _("Transport")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class CutState(models.TextChoices):
    """Where the cut itself has got to: never the report's moderation status."""

    RUMOURED = "rumoured", _("Rumoured")
    PROPOSED = "proposed", _("Proposed")
    CONSULTATION = "consultation", _("Under consultation")
    DECIDED = "decided", _("Decided")
    UNDERWAY = "underway", _("Being carried out")
    CARRIED_OUT = "carried-out", _("Carried out")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVERSED = "reversed", _("Reversed")
    TAKEN_OVER = "taken-over", _("Saved: taken over by the community")
    FUNDED_ELSEWHERE = "funded-elsewhere", _("Saved: funded elsewhere")


# Still a threat: something can yet be done about it.
OPEN_STATES = frozenset(
    {
        CutState.RUMOURED,
        CutState.PROPOSED,
        CutState.CONSULTATION,
        CutState.DECIDED,
        CutState.UNDERWAY,
    }
)
# Stopped: withdrawn, reversed or saved by the community.
STOPPED_STATES = frozenset(
    {CutState.WITHDRAWN, CutState.REVERSED, CutState.TAKEN_OVER, CutState.FUNDED_ELSEWHERE}
)
# A "done" cut: reopening it needs new evidence.
ENDED_STATES = STOPPED_STATES | {CutState.CARRIED_OUT}


def state_group(state: str) -> str:
    """ "open", "carried-out" or "stopped": how the dashboards group states."""
    if state in OPEN_STATES:
        return "open"
    if state == CutState.CARRIED_OUT:
        return "carried-out"
    return "stopped"


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("Not yet verified")
    EVIDENCE = "evidence", _("Evidence given")
    VERIFIED = "verified", _("Verified by a moderator")
    DISPUTED = "disputed", _("Disputed")


class EntryKind(models.TextChoices):
    """What a timeline entry records."""

    REPORTED = "reported", _("Reported")
    STATE = "state", _("State changed")
    NEWS = "news", _("News")
    RESPONSE = "response", _("Response from the body responsible")
    VERIFIED = "verification", _("Verification")
    MERGED = "merged", _("Merged")
