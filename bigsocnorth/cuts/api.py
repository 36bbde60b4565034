"""The threats and cuts API: public cuts, filtered as the list page, with their timelines.

Read-only and public: what the /cuts/ pages show to a visitor. Councils are
identified by their ONS GSS codes; money is in pence (exact) and in pounds.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from bigsocnorth.core.feeds import absolute_url
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.schemas import Message
from bigsocnorth.cuts import selectors
from bigsocnorth.cuts.choices import CutState
from bigsocnorth.cuts.models import Cut
from bigsocnorth.cuts.selectors import CutFilters
from bigsocnorth.moderation.permissions import is_public

router = Router(tags=["threats and cuts"])


def _calendar_day(value):
    """Only YYYY-MM-DD, as documented: pydantic would read a number as seconds since 1970."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("date_format", "Give a date as YYYY-MM-DD, e.g. 2026-04-01.")
    return value


Day = Annotated[date | None, BeforeValidator(_calendar_day)]

STATE_PATTERN = "^(" + "|".join(["open", "stopped", *CutState.values]) + ")?$"


class Council(Schema):
    code: str
    name: str
    slug: str


class Money(Schema):
    yearly_pence: int | None
    one_off_pence: int | None
    financial_year: str


class TimelineEntryOut(Schema):
    kind: str
    state: str
    happened_on: str
    text: str
    responder: str
    evidence: list[str]


class CutOut(Schema):
    id: str
    slug: str
    url: str
    title: str
    summary: str
    state: str
    state_since: str | None
    kind: str
    sector: str
    affected: str
    decided_by: str
    decided_by_council: Council | None
    area: Council
    money: Money
    posts_lost: int | None
    people_affected: int | None
    people_estimate_basis: str
    announced_on: str | None
    consultation_closes_on: str | None
    decision_due_on: str | None
    takes_effect_on: str | None
    verification: str
    confirmations: int
    latitude: float | None
    longitude: float | None
    published_at: str | None


class CutDetailOut(CutOut):
    verification_note: str
    timeline: list[TimelineEntryOut]


class CutPage(Schema):
    count: int
    page: int
    pages: int
    items: list[CutOut]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _council(authority) -> dict | None:
    if authority is None:
        return None
    return {"code": authority.code, "name": authority.name, "slug": authority.slug}


def _cut_out(cut: Cut) -> dict:
    return {
        "id": str(cut.uuid),
        "slug": cut.slug,
        "url": absolute_url(cut.get_absolute_url()),
        "title": cut.title,
        "summary": cut.summary,
        "state": cut.state,
        "state_since": _day(cut.state_since),
        "kind": cut.kind,
        "sector": cut.sector,
        "affected": cut.entry.name if cut.entry_id and is_public(cut.entry) else cut.affected_name,
        "decided_by": cut.decided_by,
        "decided_by_council": _council(cut.decided_by_authority),
        "area": _council(cut.local_authority),
        "money": {
            "yearly_pence": cut.money_yearly,
            "one_off_pence": cut.money_one_off,
            "financial_year": cut.financial_year_label,
        },
        "posts_lost": cut.posts_lost,
        "people_affected": cut.people_affected,
        "people_estimate_basis": cut.people_basis,
        "announced_on": _day(cut.announced_on),
        "consultation_closes_on": _day(cut.consultation_closes_on),
        "decision_due_on": _day(cut.decision_due_on),
        "takes_effect_on": _day(cut.takes_effect_on),
        "verification": cut.verification,
        "confirmations": cut.confirmation_count,
        "latitude": cut.latitude,
        "longitude": cut.longitude,
        "published_at": cut.published_at.isoformat() if cut.published_at else None,
    }


@decorate_view(cached_for_visitors)
@router.get(
    "/cuts",
    response={200: CutPage},
    url_name="cut_list",
    summary="List public threats and cuts, newest first",
)
def cut_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=100_000, description="Page number, from 1."),
    area: str = Query("", max_length=100, description="Local authority or region slug."),
    body: str = Query(
        "",
        max_length=200,
        description="Who decides: a council's GSS code or slug, or a body's name.",
    ),
    kind: str = Query("", max_length=20, description="Kind of cut, e.g. closure."),
    sector: str = Query("", max_length=20, description="Sector, e.g. libraries."),
    state: str = Query(
        "", pattern=STATE_PATTERN, description="A state, or open, stopped or carried-out."
    ),
    verification: str = Query("", pattern="^(unverified|evidence|verified|disputed)?$"),
    decision_from: Day = Query(None, description="Decision due on or after (YYYY-MM-DD)."),  # noqa: B008
    decision_to: Day = Query(None, description="Decision due on or before (YYYY-MM-DD)."),  # noqa: B008
    money_at_least: int | None = Query(
        None, ge=0, le=10_000_000_000, description="Pounds a year, at least."
    ),
):
    filters = CutFilters(
        area=area,
        body=body.strip(),
        kind=kind,
        sector=sector,
        state=state,
        verification=verification,
        decision_from=decision_from,
        decision_to=decision_to,
        money_at_least=money_at_least * 100 if money_at_least else None,
    )
    result = selectors.cut_list(filters=filters, page=page, per_page=50)
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "items": [_cut_out(cut) for cut in result.object_list],
    }


@router.get(
    "/cuts/{slug}",
    response={200: CutDetailOut, 404: Message},
    url_name="cut_detail",
    summary="One public threat or cut, with its timeline",
)
def cut_detail(request: HttpRequest, slug: str):
    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    cut = selectors.cut_get(user=visitor, slug=slug)
    data = _cut_out(cut)
    data["verification_note"] = cut.verification_note
    data["timeline"] = [
        {
            "kind": entry.kind,
            "state": entry.state,
            "happened_on": entry.happened_on.isoformat(),
            "text": entry.text,
            "responder": entry.responder,
            "evidence": [
                evidence.url or absolute_url(f"{cut.get_absolute_url()}evidence/{evidence.pk}/")
                for evidence in entry.evidence.all()
            ],
        }
        for entry in selectors.cut_timeline(cut=cut, user=visitor)
    ]
    return data
