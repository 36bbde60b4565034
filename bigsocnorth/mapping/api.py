"""The map API: clusters and items for a viewport, and exports of what is filtered.

`GET /api/v1/map?bbox=west,south,east,north&zoom=Z` answers an RFC 7946
FeatureCollection. Published content only; anyone may read it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import ConfigDict

from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.mapping import selectors

router = Router(tags=["map"])


class MapProblem(Schema):
    message: str
    errors: dict[str, str] = {}


def _viewport_required(schema: dict) -> None:
    """The document says what the query needs: a box and a zoom. They are checked by
    check_map_query, so that a missing one gets the same 400 and message as a bad one."""
    schema["required"] = ["bbox", "zoom"]
    schema["properties"]["bbox"]["minLength"] = 7
    schema["properties"]["zoom"]["minLength"] = 1


class MapParams(Schema):
    model_config = ConfigDict(json_schema_extra=_viewport_required)

    bbox: str = Field("", description="west,south,east,north in degrees (required)")
    zoom: str = Field("", description="Map zoom, 0 to 18 (required).")
    layer: list[str] = Field(default_factory=list, description="Layer keys; repeat for several.")
    kind: list[str] = Field(default_factory=list, description="Kind slugs; repeat for several.")
    category: list[str] = Field(default_factory=list, description="Category slugs; any of them.")
    area: str = Field("", description="Local authority or region slug.")
    q: str = Field("", description="Words to look for, at most 200 characters.")
    since: str = Field("", description="Only what was added in the last `week`, `month` or `year`.")


class MapFeatureCollection(Schema):
    type: str
    bbox: list[float]
    count: int
    features: list[dict]


def checked_query(params: dict, *, max_cells: int | None = selectors.MAX_VIEWPORT_CELLS):
    """The viewport query from request parameters, or a 400 that says what to fix."""
    try:
        return selectors.check_map_query(**params, max_cells=max_cells)
    except ValidationError as error:
        problems = {field: " ".join(messages) for field, messages in error.message_dict.items()}
        raise HttpError(400, " ".join(problems.values())) from None


@decorate_view(cached_for_visitors)
@router.get(
    "/map",
    response={200: MapFeatureCollection, 400: MapProblem},
    url_name="map_features",
    summary="Clusters and items on the map for a viewport",
    description=(
        "An RFC 7946 FeatureCollection. A cluster is a Point with properties "
        "`cluster: true`, `count` and `split_zoom` (the first zoom at which it "
        "splits; null for points at the same place) and `layers` (how many of each "
        "layer). A single item has `cluster: false`, `layer`, `object_id`, `title`, "
        '`url`, `kind` and `category`; its feature `id` ("directory-5-0": layer, '
        "object, place) is unique and stable. "
        "The box is widened to whole grid cells at that zoom; the collection's "
        "`bbox` is the box covered, and `count` the number of items in it, which "
        "the features' counts add up to."
    ),
)
def map_features(request: HttpRequest, params: Query[MapParams]):
    return selectors.map_feature_collection(query=checked_query(params.dict()))
