"""API schemas for areas and places (input validation lives in the operations)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

from bigsocnorth.core.schemas import Message

__all__ = ["Message"]


class Centre(Schema):
    latitude: float = Field(description="WGS 84 degrees north.")
    longitude: float = Field(description="WGS 84 degrees east (negative is west).")


class RegionRef(Schema):
    code: str = Field(description="ONS GSS code, e.g. E12000003.")
    name: str
    slug: str
    url: str = Field(description="The region's page.")
    api_url: str = Field(description="This region in the API, with its outline.")


class LocalAuthorityRef(Schema):
    code: str = Field(description="ONS GSS code, e.g. E08000035.")
    name: str
    slug: str
    url: str = Field(description="The local authority's page.")
    api_url: str = Field(description="This local authority in the API, with its outline.")


class LocalAuthorityItem(LocalAuthorityRef):
    kind: Literal["local authority"] = "local authority"
    region: RegionRef
    centre: Centre = Field(description="A point inside the authority, near its middle.")
    bbox: list[float] = Field(
        description="Bounding box: [west longitude, south latitude, "
        "east longitude, north latitude]."
    )


class AreaPage(Schema):
    count: int = Field(description="How many local authorities match, on all pages.")
    page: int
    per_page: int
    pages: int = Field(description="How many pages there are.")
    next: str | None = Field(description="The next page's address, or null on the last.")
    previous: str | None = Field(description="The previous page's address, or null on the first.")
    items: list[LocalAuthorityItem]


class Geometry(Schema):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any] = Field(
        description="RFC 7946 coordinates: positions are [longitude, latitude]; "
        "exterior rings counter-clockwise."
    )


class FeatureProperties(Schema):
    code: str
    name: str
    slug: str
    url: str


class Feature(Schema):
    type: Literal["Feature"]
    id: str
    bbox: list[float]
    geometry: Geometry
    properties: FeatureProperties


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    bbox: list[float] | None = None
    features: list[Feature]


class LocalAuthorityDetail(LocalAuthorityItem):
    neighbours: list[LocalAuthorityRef] = Field(
        description="Local authorities that share a border with this one."
    )
    outline: Feature = Field(description="The boundary as an RFC 7946 GeoJSON Feature.")


class RegionDetail(RegionRef):
    kind: Literal["region"] = "region"
    centre: Centre | None = Field(description="A point inside the region.")
    bbox: list[float]
    local_authorities: list[LocalAuthorityRef]
    outline: FeatureCollection = Field(
        description="The region's local authorities as an RFC 7946 GeoJSON FeatureCollection."
    )


class LocateResult(Schema):
    latitude: float
    longitude: float
    local_authority: LocalAuthorityRef | None = Field(
        description="Null when the point is outside the North of England."
    )
    region: RegionRef | None


class PlaceItem(Schema):
    name: str
    kind: Literal["region", "local authority", "town or city"]
    latitude: float
    longitude: float
    population: int | None = Field(description="For towns and cities, from GeoNames.")
    local_authority: LocalAuthorityRef | None = Field(description="Null for a region.")
    region: RegionRef
    url: str = Field(description="The page of the area the place is in.")


class PlaceSearchResult(Schema):
    query: str
    count: int = Field(description="How many results are in items (at most limit).")
    items: list[PlaceItem]
