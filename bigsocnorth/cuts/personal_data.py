"""What threats and cuts hold about a person, for their data export
(accounts/personal_data.py): the cuts they reported, the timeline entries they added with
their evidence, and the reports they confirmed."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import register_personal_data, rows, site_url
from bigsocnorth.cuts.models import Confirmation, Cut, Evidence, TimelineEntry

CUT_FIELDS = (
    "id",
    "uuid",
    "slug",
    "title",
    "summary",
    "entry__name",
    "affected_name",
    "decided_by_authority__name",
    "decided_by_name",
    "kind",
    "sector",
    "money_yearly",
    "money_one_off",
    "financial_year",
    "posts_lost",
    "people_affected",
    "announced_on",
    "consultation_closes_on",
    "decision_due_on",
    "takes_effect_on",
    "place_name",
    "latitude",
    "longitude",
    "approximate_location",
    "local_authority__name",
    "state",
    "author_name_hidden",
    "reporter_email",
    "status",
    "created_at",
    "updated_at",
    "published_at",
)


def _cut_url(slug: str) -> str | None:
    return site_url(reverse("cuts:cut_detail", kwargs={"slug": slug}))


def cuts_personal_data(user):
    cuts = rows(Cut.objects.filter(author=user).order_by("created_at", "pk"), *CUT_FIELDS)
    for cut in cuts:
        cut["page"] = _cut_url(cut["slug"])
    entries = rows(
        TimelineEntry.objects.filter(author=user).order_by("created_at", "pk"),
        "id",
        "cut__title",
        "cut__slug",
        "kind",
        "state",
        "happened_on",
        "text",
        "responder",
        "author_name_hidden",
        "status",
        "created_at",
        "updated_at",
    )
    evidence: dict[int, list[dict]] = {}
    for item in (
        Evidence.objects.filter(entry__author=user)
        .order_by("pk")
        .values("entry_id", "url", "title", "document", "document_type", "created_at")
    ):
        evidence.setdefault(item.pop("entry_id"), []).append(item)
    files = []
    for entry in entries:
        entry["page"] = f"{_cut_url(entry.pop('cut__slug'))}#entry-{entry['id']}"
        entry["evidence"] = evidence.get(entry["id"], [])
        files.extend(item["document"] for item in entry["evidence"] if item["document"])
    confirmations = rows(
        Confirmation.objects.filter(user=user).order_by("created_at", "pk"),
        "cut__title",
        "note",
        "url",
        "created_at",
    )
    return {
        "cuts_reported": cuts,
        "timeline_entries": entries,
        "confirmations": confirmations,
    }, files


register_personal_data(
    "cuts",
    describe=_(
        "The threats and cuts you reported, the timeline entries you added (with the documents "
        "and photos you gave as evidence, in uploads/) and the reports you confirmed."
    ),
    collect=cuts_personal_data,
    covers=(Cut, TimelineEntry),
)
