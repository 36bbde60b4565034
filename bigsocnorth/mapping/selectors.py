"""Reads of the map: checking a viewport query, clusters and points for it, and item lists.

A viewport costs what is on screen, not how many points exist: below
POINT_ZOOM the clusters come from the count tables (a few rows per cell on
screen); from POINT_ZOOM up, and for a text filter, from the items in the
viewport, which are few there. The box asked for is widened to whole grid
cells; the answer's `bbox` says which box that is, and the counts add up
exactly to the published items inside it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from bigsocnorth.mapping import registry
from bigsocnorth.mapping.geo import (
    AGGREGATE_ZOOMS,
    MAX_ZOOM,
    MERCATOR_SIZE,
    MIN_ZOOM,
    POINT_ZOOM,
    CellRange,
    cell_range,
    cell_shift,
)
from bigsocnorth.mapping.models import MapAreaCell, MapCategorySet, MapCell, MapItem
from bigsocnorth.places.models import LocalAuthority, Region
from bigsocnorth.places.selectors import area_get_by_slug

# A 4K screen shows about 2,000 cells of 64 px; more means a box far larger than a screen.
MAX_VIEWPORT_CELLS = 12_000
FILTER_VALUES_MAX = 20
QUERY_MAX_LENGTH = 200
# Up to this many points in the viewport, single points are found in one read.
SINGLES_IN_ONE_READ = 5_000
OR_CHUNK = 200


@dataclass(frozen=True)
class MapQuery:
    west: float
    south: float
    east: float
    north: float
    zoom: int
    layers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    area: LocalAuthority | Region | None = None
    area_ids: tuple[int, ...] = ()
    q: str = ""
    # The search app's checked input, for the text filter.
    search: object = None
    category_set_ids: tuple[int, ...] = field(default=(), compare=False)

    @property
    def cells(self) -> CellRange:
        return cell_range(
            west=self.west, south=self.south, east=self.east, north=self.north, zoom=self.zoom
        )


_SLUG = re.compile(r"[-\w]{1,60}")


def _echo(value: str) -> str:
    """A value from the request, repeated in a message only when it is a plain slug."""
    return value if _SLUG.fullmatch(value) else _("(the value given)")


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _check_bbox(bbox: str, errors: dict) -> tuple[float, float, float, float] | None:
    parts = (bbox or "").split(",")
    if len(parts) != 4:
        errors["bbox"] = _(
            "Give bbox as four numbers separated by commas: west,south,east,north in "
            "degrees, for example -2.0,53.3,-1.3,53.9."
        )
        return None
    try:
        west, south, east, north = (_number(part.strip()) for part in parts)
    except ValueError:
        errors["bbox"] = _("Each value of bbox must be a finite number of degrees.")
        return None
    if not (
        -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90
    ):
        errors["bbox"] = _(
            "bbox is outside the world: longitudes go from -180 to 180 and latitudes "
            "from -90 to 90."
        )
        return None
    if west >= east:
        errors["bbox"] = _(
            "In bbox, west must be less than east (a box across 180° is not supported)."
        )
        return None
    if south >= north:
        errors["bbox"] = _("In bbox, south must be less than north.")
        return None
    return west, south, east, north


def _check_zoom(zoom, errors: dict) -> int | None:
    try:
        value = int(str(zoom).strip())
    except ValueError:
        value = None
    if value is None or not MIN_ZOOM <= value <= MAX_ZOOM:
        errors["zoom"] = _("zoom must be a whole number from %(min)d to %(max)d.") % {
            "min": MIN_ZOOM,
            "max": MAX_ZOOM,
        }
        return None
    return value


def _check_choices(values, known: dict, *, field_name: str, what: str, errors: dict) -> tuple:
    values = [value for value in (values or []) if value]
    if len(values) > FILTER_VALUES_MAX:
        errors[field_name] = _("Choose at most %(max)d values of %(field)s.") % {
            "max": FILTER_VALUES_MAX,
            "field": field_name,
        }
        return ()
    unknown = [value for value in values if value not in known]
    if unknown:
        errors[field_name] = _("There is no %(what)s “%(value)s”. Choose one of: %(known)s.") % {
            "what": what,
            "value": _echo(unknown[0]),
            "known": ", ".join(sorted(known)) or "-",
        }
        return ()
    return tuple(dict.fromkeys(values))


def layer_choices() -> dict[str, str]:
    return {layer.key: str(layer.label) for layer in registry.map_layers()}


def kind_choices(layers: tuple[str, ...] = ()) -> dict[str, str]:
    found: dict[str, str] = {}
    for layer in registry.map_layers():
        if not layers or layer.key in layers:
            found.update(layer.kinds())
    return found


def category_choices(layers: tuple[str, ...] = ()) -> dict[str, str]:
    found: dict[str, str] = {}
    for layer in registry.map_layers():
        if not layers or layer.key in layers:
            found.update(layer.categories())
    return found


def check_map_query(
    *,
    bbox: str,
    zoom,
    layer=(),
    kind=(),
    category=(),
    area: str = "",
    q: str = "",
    max_cells: int | None = MAX_VIEWPORT_CELLS,
) -> MapQuery:
    """A checked viewport query, or ValidationError with a message per field."""
    errors: dict[str, str] = {}
    box = _check_bbox(bbox, errors)
    zoom_value = _check_zoom(zoom, errors)
    layers = _check_choices(
        layer, layer_choices(), field_name="layer", what=_("layer"), errors=errors
    )
    kinds = _check_choices(
        kind, kind_choices(layers), field_name="kind", what=_("kind"), errors=errors
    )
    categories = _check_choices(
        category, category_choices(layers), field_name="category", what=_("category"), errors=errors
    )
    found_area = None
    area_ids: tuple[int, ...] = ()
    if area:
        found_area = area_get_by_slug(slug=area[:100])
        if found_area is None:
            errors["area"] = _(
                "There is no area “%(area)s” in the North. Use a local authority or region "
                "slug, such as leeds or north-east."
            ) % {"area": _echo(area)}
        elif isinstance(found_area, LocalAuthority):
            area_ids = (found_area.pk,)
        else:
            area_ids = tuple(found_area.local_authorities.values_list("pk", flat=True))
    search = None
    q = (q or "").strip()
    if q:
        search = _check_text(q, layers, errors)
    if errors:
        raise ValidationError(errors)
    query = MapQuery(
        *box,
        zoom=zoom_value,
        layers=layers,
        kinds=kinds,
        categories=categories,
        area=found_area,
        area_ids=area_ids,
        q=q,
        search=search,
        category_set_ids=_category_set_ids(categories),
    )
    if max_cells is not None and query.cells.size > max_cells:
        raise ValidationError(
            {
                "bbox": _(
                    "This box is far larger than a screen at zoom %(zoom)d. Zoom out, or ask "
                    "for a smaller box."
                )
                % {"zoom": zoom_value}
            }
        )
    return query


def _check_text(q: str, layers: tuple[str, ...], errors: dict):
    from bigsocnorth.search.selectors import check_search_input

    if len(q) > QUERY_MAX_LENGTH:
        errors["q"] = _("The text can be at most %(max)d characters.") % {"max": QUERY_MAX_LENGTH}
        return None
    try:
        return check_search_input(q=q)
    except ValidationError as error:
        errors["q"] = " ".join(error.message_dict.get("q", error.messages))
        return None


def _category_set_ids(categories: tuple[str, ...]) -> tuple[int, ...]:
    if not categories:
        return ()
    wanted = set(categories)
    return tuple(
        pk
        for pk, key in MapCategorySet.objects.values_list("pk", "key")
        if wanted & set(key.split())
    )


# --- Reading cells and items ------------------------------------------------------


def _item_queryset(query: MapQuery):
    """The published items the query's filters keep (the bbox aside)."""
    items = MapItem.objects.all()
    if query.layers:
        items = items.filter(layer__in=query.layers)
    if query.kinds:
        items = items.filter(kind__in=query.kinds)
    if query.categories:
        items = items.filter(category_set_id__in=query.category_set_ids)
    if query.area is not None:
        items = items.filter(local_authority_id__in=query.area_ids)
    if query.search is not None:
        sql, params = _text_match_sql(query)
        # The search backend's own SQL; people's words are only ever parameters.
        items = items.filter(object_id__in=RawSQL(sql, params))  # noqa: S611
    return items


def _count_queryset(query: MapQuery, zoom: int):
    """The count rows at an aggregated zoom that the query's filters keep."""
    model = MapAreaCell if query.area is not None else MapCell
    rows = model.objects.filter(zoom=zoom)
    if query.layers:
        rows = rows.filter(layer__in=query.layers)
    if query.kinds:
        rows = rows.filter(kind__in=query.kinds)
    if query.categories:
        rows = rows.filter(category_set_id__in=query.category_set_ids)
    if query.area is not None:
        rows = rows.filter(local_authority_id__in=query.area_ids)
    return rows


def _text_match_sql(query: MapQuery) -> tuple[str, list]:
    """The ids of the objects whose text matches, as one subquery over the layers' types."""
    from bigsocnorth.search.backends import search_backend
    from bigsocnorth.search.query import SearchFilters, facet_token

    parts, params = [], []
    for layer in registry.map_layers():
        if layer.search_type is None or (query.layers and layer.key not in query.layers):
            continue
        filters = SearchFilters(all_of=(facet_token("type", layer.search_type),))
        sql, layer_params = search_backend().object_ids_sql(
            terms=query.search.terms, filters=filters
        )
        parts.append(sql)
        params += layer_params
    if not parts:
        return "SELECT NULL WHERE 1 = 0", []
    union = " UNION ".join(f"SELECT * FROM ({part}) AS m{n}" for n, part in enumerate(parts))  # noqa: S608
    return union, params


def _uses_items(query: MapQuery, zoom: int) -> bool:
    """Counted from the items themselves: zoomed right in, or filtered by text."""
    return query.search is not None or zoom >= POINT_ZOOM


@dataclass(frozen=True)
class CellCount:
    cx: int
    cy: int
    count: int
    latitude: float
    longitude: float


def _cell_counts(query: MapQuery, zoom: int, ranges: list[CellRange]) -> list[CellCount]:
    """The non-empty cells at `zoom` within the ranges (given at that zoom), with counts."""
    found: list[CellCount] = []
    for start in range(0, len(ranges), OR_CHUNK):
        chunk = ranges[start : start + OR_CHUNK]
        if _uses_items(query, zoom):
            shift = cell_shift(zoom)
            boxes = Q()
            for cells in chunk:
                mx_min, mx_max, my_min, my_max = cells.mercator_bounds()
                boxes |= Q(mx__range=(mx_min, mx_max), my__range=(my_min, my_max))
            rows = (
                _item_queryset(query)
                .filter(boxes)
                .annotate(x=F("mx").bitrightshift(shift), y=F("my").bitrightshift(shift))
                .values("x", "y")
                .annotate(n=Count("pk"), lat=Sum("latitude"), lon=Sum("longitude"))
            )
        else:
            stored = max(zoom, AGGREGATE_ZOOMS.start)
            coarser = stored - zoom  # below the lowest stored zoom, group its cells further
            boxes = Q()
            for cells in chunk:
                boxes |= Q(
                    cx__range=(cells.x_min << coarser, ((cells.x_max + 1) << coarser) - 1),
                    cy__range=(cells.y_min << coarser, ((cells.y_max + 1) << coarser) - 1),
                )
            rows = (
                _count_queryset(query, stored)
                .filter(boxes)
                .annotate(x=F("cx").bitrightshift(coarser), y=F("cy").bitrightshift(coarser))
                .values("x", "y")
                .annotate(n=Sum("count"), lat=Sum("sum_latitude"), lon=Sum("sum_longitude"))
                .filter(n__gt=0)
            )
        found += [
            CellCount(
                cx=row["x"],
                cy=row["y"],
                count=row["n"],
                latitude=row["lat"] / row["n"],
                longitude=row["lon"] / row["n"],
            )
            for row in rows.order_by()
        ]
    return found


def _one_cell(zoom: int, cx: int, cy: int) -> CellRange:
    return CellRange(zoom=zoom, x_min=cx, x_max=cx, y_min=cy, y_max=cy)


def _single_items(query: MapQuery, cells: list[CellCount], total: int) -> dict[tuple, MapItem]:
    """The one item in each of these cells (each holds exactly one that the filters keep)."""
    if not cells:
        return {}
    zoom = query.zoom
    shift = cell_shift(zoom)
    wanted = {(cell.cx, cell.cy) for cell in cells}
    items = _item_queryset(query).only(
        "pk", "layer", "object_id", "title", "url", "kind", "category", "latitude",
        "longitude", "mx", "my",
    )  # fmt: skip
    found: dict[tuple, MapItem] = {}
    if total <= SINGLES_IN_ONE_READ:
        mx_min, mx_max, my_min, my_max = query.cells.mercator_bounds()
        reads = [items.filter(mx__range=(mx_min, mx_max), my__range=(my_min, my_max))]
    else:
        reads = []
        ordered = sorted(wanted)
        for start in range(0, len(ordered), OR_CHUNK):
            boxes = Q()
            for cx, cy in ordered[start : start + OR_CHUNK]:
                mx_min, mx_max, my_min, my_max = _one_cell(zoom, cx, cy).mercator_bounds()
                boxes |= Q(mx__range=(mx_min, mx_max), my__range=(my_min, my_max))
            reads.append(items.filter(boxes))
    for read in reads:
        for item in read:
            key = (item.mx >> shift, item.my >> shift)
            if key in wanted:
                found[key] = item
    return found


def _split_zooms(query: MapQuery, clusters: list[CellCount]) -> dict[tuple, int | None]:
    """For each cluster, the first zoom at which its points fall into two or more cells.

    None for points that never split (the same place). One query per zoom
    level gone down, each only for the clusters not yet split.
    """
    result: dict[tuple, int | None] = {}
    # Each cluster's cell at the current level, while it has not split.
    pending = {(c.cx, c.cy): (c.cx, c.cy) for c in clusters}
    for level in range(query.zoom + 1, MAX_ZOOM + 1):
        if not pending:
            break
        ranges = [_one_cell(level - 1, *cell).children_range() for cell in pending.values()]
        children: dict[tuple, list[tuple]] = {}
        for cell in _cell_counts(query, level, ranges):
            children.setdefault((cell.cx >> 1, cell.cy >> 1), []).append((cell.cx, cell.cy))
        for original, current in list(pending.items()):
            below = children.get(current, [])
            if len(below) >= 2:
                result[original] = level
                del pending[original]
            elif below:
                pending[original] = below[0]
    for original in pending:
        result[original] = None
    return result


def _feature(longitude: float, latitude: float, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]},
        "properties": properties,
    }


def covered_bbox(query: MapQuery) -> list[float]:
    """[west, south, east, north] of the whole cells the answer covers."""
    mx_min, mx_max, my_min, my_max = query.cells.mercator_bounds()

    def longitude(mx: int) -> float:
        return mx / MERCATOR_SIZE * 360.0 - 180.0

    def latitude(my: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * my / MERCATOR_SIZE))))

    return [
        round(longitude(mx_min), 6),
        round(latitude(my_max + 1), 6),
        round(longitude(mx_max + 1), 6),
        round(latitude(my_min), 6),
    ]


def map_feature_collection(*, query: MapQuery) -> dict:
    """Clusters and single items for the viewport, as an RFC 7946 FeatureCollection."""
    cells = _cell_counts(query, query.zoom, [query.cells])
    total = sum(cell.count for cell in cells)
    singles = [cell for cell in cells if cell.count == 1]
    clusters = [cell for cell in cells if cell.count > 1]
    items = _single_items(query, singles, total)
    split = _split_zooms(query, clusters)
    features = []
    for cell in clusters:
        features.append(
            _feature(
                cell.longitude,
                cell.latitude,
                {"cluster": True, "count": cell.count, "split_zoom": split[(cell.cx, cell.cy)]},
            )
        )
    for cell in singles:
        item = items[(cell.cx, cell.cy)]
        features.append(
            _feature(
                item.longitude,
                item.latitude,
                {
                    "cluster": False,
                    "layer": item.layer,
                    "id": item.object_id,
                    "title": item.title,
                    "url": item.url,
                    "kind": item.kind,
                    "category": item.category,
                },
            )
        )
    return {
        "type": "FeatureCollection",
        "bbox": covered_bbox(query),
        "features": features,
        "count": total,
    }


def map_item_list(*, query: MapQuery):
    """The items in the covered box that the filters keep, by title (for the list)."""
    mx_min, mx_max, my_min, my_max = query.cells.mercator_bounds()
    return (
        _item_queryset(query)
        .filter(mx__range=(mx_min, mx_max), my__range=(my_min, my_max))
        .order_by("title", "pk")
    )


def map_item_export(*, query: MapQuery, chunk: int = 5000) -> Iterator[MapItem]:
    """Every item the filters keep (in the covered box), in id order, read in chunks.

    Keyset paging keeps memory flat for a million items on both databases.
    """
    mx_min, mx_max, my_min, my_max = query.cells.mercator_bounds()
    items = (
        _item_queryset(query)
        .filter(mx__range=(mx_min, mx_max), my__range=(my_min, my_max))
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(items.filter(pk__gt=last)[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk
