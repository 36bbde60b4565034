"""The directory as Open Referral HSDS 3 open data: /api/v1/hsds/organizations.

Public and the same for every caller: published entries only. The paged
list has HSDS's paging members (total_items, total_pages, page_number,
size, first_page, last_page, empty, contents); the mapping itself is in
directory.opendata.hsds.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import BaseModel

from bigsocnorth.core.pagecache import remembered
from bigsocnorth.core.schemas import Message
from bigsocnorth.directory.entries.selectors import EntryMoved
from bigsocnorth.directory.opendata import hsds

router = Router(tags=["open data (HSDS 3)"])

# A bound on `page`, so a silly number is a clear 422, not a database overflow.
PAGE_MAX = 1_000_000

# Plain pydantic models, not ninja Schemas: the mapping builds dicts, and a
# Schema's per-object ORM resolution cost a quarter of a page of 50.


class HsdsTaxonomy(BaseModel):
    id: str
    name: str
    description: str
    uri: str | None = None


class HsdsTaxonomyTerm(BaseModel):
    id: str
    code: str | None = None
    name: str
    description: str
    taxonomy: str | None = None
    taxonomy_id: str | None = None
    taxonomy_detail: HsdsTaxonomy | None = None
    term_uri: str | None = None


class HsdsAttribute(BaseModel):
    id: str
    link_id: str
    link_entity: str
    link_type: str
    taxonomy_term_id: str
    taxonomy_term: HsdsTaxonomyTerm


class HsdsOrganizationIdentifier(BaseModel):
    id: str
    organization_id: str
    identifier_scheme: str
    identifier_type: str
    identifier: str


class HsdsPhone(BaseModel):
    id: str
    organization_id: str
    number: str


class HsdsLocation(BaseModel):
    id: str
    location_type: str
    organization_id: str
    name: str | None = None
    description: str | None = None
    latitude: float
    longitude: float
    attributes: list[HsdsAttribute]


class HsdsOrganization(BaseModel):
    id: str
    name: str
    description: str
    email: str | None = None
    website: str | None = None
    logo: str | None = None
    uri: str
    phones: list[HsdsPhone]
    organization_identifiers: list[HsdsOrganizationIdentifier]
    locations: list[HsdsLocation]
    attributes: list[HsdsAttribute]


class HsdsOrganizationPage(BaseModel):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[HsdsOrganization]


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@router.get(
    "/hsds/organizations",
    response={200: HsdsOrganizationPage},
    auth=None,
    exclude_none=True,
    url_name="hsds_organization_list",
    summary="Directory entries as HSDS 3 organizations, a page at a time",
)
def organization_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=PAGE_MAX, description="Page number, from 1."),
    per_page: int = Query(
        hsds.PER_PAGE_DEFAULT,
        ge=1,
        le=hsds.PER_PAGE_MAX,
        description=f"Organizations per page, from 1 to {hsds.PER_PAGE_MAX}.",
    ),
    search: str = Query(
        "",
        max_length=hsds.SEARCH_MAX,
        description="Only organizations whose name contains every word of this.",
    ),
):
    """Published entries by name. A page past the last one is empty (`empty` is true)."""
    base_url = _base_url(request)

    def build() -> bytes:
        result = hsds.hsds_organization_page(page=page, per_page=per_page, search=search)
        words = hsds.Vocabulary(base_url=base_url)
        data = {
            **result.as_paging(),
            "contents": [
                hsds.entry_hsds_organization(entry=entry, base_url=base_url, words=words)
                for entry in result.entries
            ],
        }
        # Checked against the schema as every response is, once per change.
        return HsdsOrganizationPage.model_validate(data).model_dump_json(exclude_none=True)

    # The same for every caller until an entry changes: kept as pages are.
    body = remembered("hsds-organizations", build, base_url, page, per_page, search)
    return HttpResponse(body, content_type="application/json")


@router.get(
    "/hsds/organizations/{id}",
    response={200: HsdsOrganization, 404: Message},
    auth=None,
    exclude_none=True,
    url_name="hsds_organization_detail",
    summary="One directory entry as an HSDS 3 organization",
)
def organization_detail(request: HttpRequest, id: str):  # HSDS calls it `id`
    try:
        entry = hsds.hsds_organization_get(organization_id=id)
    except EntryMoved as moved:
        # A merged entry's id leads to the entry it became, as its page does.
        return HttpResponsePermanentRedirect(
            reverse("api:hsds_organization_detail", kwargs={"id": str(moved.target.uuid)})
        )
    if entry is None:
        return Status(
            404,
            {
                "message": _(
                    "No published organization has this id. Ids are the UUIDs listed "
                    "at /api/v1/hsds/organizations."
                )
            },
        )
    return hsds.entry_hsds_organization(entry=entry, base_url=_base_url(request))
