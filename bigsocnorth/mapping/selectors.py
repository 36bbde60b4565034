"""Reads of the map: checking a viewport query, clusters and points for it, and item lists.

A viewport costs what is on screen, not how many points exist: below
POINT_ZOOM the clusters come from the count tables (a few rows per cell on
screen); from POINT_ZOOM up, and for a text or a time filter, from the
items in the viewport, which are few there or few since then (the counts
keep no dates; an index on the publication date finds the recent ones).
The box asked for is widened to whole grid cells; the answer's `bbox` says
which box that is, and the counts add up exactly to the published items
inside it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Count, F, Max, Min, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
OR_CHUNK = 200
# A box at most this many cells wide is read column by column from the count
# tables: their index (zoom, cx, cy, ...) then seeks each column's rows on
# screen, where a range of cx reads those columns across the whole North.
EXACT_COLUMNS_MAX = 64
# Below this zoom a view holds a large share of the North (see _time_first).
WIDE_VIEW_ZOOM = 8
LIST_BY_NAME_MAX = 5_000
LIST_NEWEST_MAX = 1_000
# The time filter: added (published) within the last week, month or year.
SINCE_PERIODS = {
    "week": (timedelta(days=7), gettext_lazy("Last week")),
    "month": (timedelta(days=31), gettext_lazy("Last month")),
    "year": (timedelta(days=366), gettext_lazy("Last year")),
}
# How far the probe that picks an index for a time filter counts (see _time_first).
TIME_PROBE_LIMIT = 20_000


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
    # The time filter, as asked ("week") and as the moment it starts from.
    since: str = ""
    since_at: datetime | None = field(default=None, compare=False)

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


def since_choices() -> dict[str, str]:
    return {key: str(label) for key, (_period, label) in SINCE_PERIODS.items()}


def feature_id(item: MapItem) -> str:
    """A map feature's id, unique across layers and stable: layer, object, which place."""
    return f"{item.layer}-{item.object_id}-{item.place_key}"


def _since_start(since: str) -> datetime:
    # To the minute: the same filter asked twice in a minute is the same query.
    return (timezone.now() - SINCE_PERIODS[since][0]).replace(second=0, microsecond=0)


def _check_since(since: str, errors: dict) -> str:
    since = (since or "").strip()
    if since and since not in SINCE_PERIODS:
        errors["since"] = _("There is no time “%(value)s”. Choose one of: %(known)s.") % {
            "value": _echo(since[:100]),
            "known": ", ".join(SINCE_PERIODS),
        }
        return ""
    return since


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
    since: str = "",
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
    since = _check_since(since, errors)
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
        since=since,
        since_at=_since_start(since) if since else None,
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
    """Counted from the items themselves: zoomed right in, or filtered by text or time."""
    return query.search is not None or query.since_at is not None or zoom >= POINT_ZOOM


def _since_condition(query: MapQuery, *, indexed: bool) -> RawSQL:
    """published_at >= the filter's start; on SQLite `indexed=False` keeps its index out."""
    quote = connection.ops.quote_name
    column = f"{quote(MapItem._meta.db_table)}.{quote('published_at')}"
    if connection.vendor == "sqlite" and not indexed:
        column = f"+{column}"  # unary plus: the same value, no index
    value = connection.ops.adapt_datetimefield_value(query.since_at)
    return RawSQL(f"{column} >= %s", [value], output_field=BooleanField())  # noqa: S611


def _time_first(query: MapQuery) -> bool:
    """Whether to find a time-filtered viewport's items by date first (else by place).

    The counts keep no dates, so a time filter counts the items themselves,
    by one of two indexes: the date index reads every item since then, the
    place index every item in view. One query counts both, each stopping at
    TIME_PROBE_LIMIT, and the smaller wins; past the limit on both sides
    (a large share of a big site), by date when the view is wide. PostgreSQL
    chooses for itself from its statistics.
    """
    if query.since_at is None or connection.vendor != "sqlite":
        return False
    mx_min, mx_max, my_min, my_max = query.cells.mercator_bounds()
    quote = connection.ops.quote_name
    table = quote(MapItem._meta.db_table)
    limit = int(TIME_PROBE_LIMIT)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM {table} "  # noqa: S608 - constants
            f"WHERE published_at >= %s LIMIT {limit})), "
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} "
            f"WHERE mx BETWEEN {_numbers(mx_min)} AND {_numbers(mx_max)} "
            f"AND my BETWEEN {_numbers(my_min)} AND {_numbers(my_max)} LIMIT {limit}))",
            [connection.ops.adapt_datetimefield_value(query.since_at)],
        )
        recent, in_view = cursor.fetchone()
    if recent >= limit and in_view >= limit:
        return query.zoom <= WIDE_VIEW_ZOOM
    return recent < in_view


@dataclass
class CellCount:
    cx: int
    cy: int
    count: int
    latitude: float
    longitude: float
    item_ids: int  # their sum: with count 1, the id of the one item
    # How many of each layer (for the marker's colours).
    layers: dict[str, int] = field(default_factory=dict)
    # Counted from the items: (mx_min, mx_max, my_min, my_max) of its points.
    bounds: tuple[int, int, int, int] | None = None


def _in_view(query: MapQuery, items, boxes: list[tuple], *, time_first: bool):
    """The items in any of the boxes (mercator bounds), by the index chosen for a time filter."""
    if query.since_at is not None:
        items = items.filter(_since_condition(query, indexed=time_first))
    return items.filter(_in_boxes(MapItem, "mx", "my", boxes, unindexed=time_first))


def _cell_counts(
    query: MapQuery, zoom: int, ranges: list[CellRange], *, time_first: bool | None = None
) -> list[CellCount]:
    """The non-empty cells at `zoom` within the ranges (given at that zoom), with counts."""
    by_cell: dict[tuple, CellCount] = {}
    if time_first is None and _uses_items(query, zoom):
        time_first = _time_first(query)
    for start in range(0, len(ranges), OR_CHUNK):
        chunk = ranges[start : start + OR_CHUNK]
        if _uses_items(query, zoom):
            shift = cell_shift(zoom)
            rows = (
                _in_view(
                    query,
                    _item_queryset(query),
                    [cells.mercator_bounds() for cells in chunk],
                    time_first=bool(time_first),
                )
                .annotate(x=F("mx").bitrightshift(shift), y=F("my").bitrightshift(shift))
                .values("x", "y", "layer")
                .annotate(
                    n=Count("pk"),
                    lat=Sum("latitude"),
                    lon=Sum("longitude"),
                    ids=Sum("pk"),
                    x0=Min("mx"),
                    x1=Max("mx"),
                    y0=Min("my"),
                    y1=Max("my"),
                )
            )
        else:
            stored = max(zoom, AGGREGATE_ZOOMS.start)
            coarser = stored - zoom  # below the lowest stored zoom, group its cells further
            model = MapAreaCell if query.area is not None else MapCell
            boxes = _in_boxes(
                model,
                "cx",
                "cy",
                [
                    (
                        cells.x_min << coarser,
                        ((cells.x_max + 1) << coarser) - 1,
                        cells.y_min << coarser,
                        ((cells.y_max + 1) << coarser) - 1,
                    )
                    for cells in chunk
                ],
                exact_columns=True,
            )
            rows = (
                _count_queryset(query, stored)
                .filter(boxes)
                .annotate(x=F("cx").bitrightshift(coarser), y=F("cy").bitrightshift(coarser))
                .values("x", "y", "layer")
                .annotate(
                    n=Sum("count"),
                    lat=Sum("sum_latitude"),
                    lon=Sum("sum_longitude"),
                    ids=Sum("sum_item_id"),
                )
                .filter(n__gt=0)
            )
        for row in rows.order_by():
            key = (row["x"], row["y"])
            cell = by_cell.get(key)
            if cell is None:
                cell = by_cell[key] = CellCount(row["x"], row["y"], 0, 0.0, 0.0, 0)
            cell.count += row["n"]
            cell.latitude += row["lat"]
            cell.longitude += row["lon"]
            cell.item_ids += row["ids"]
            cell.layers[row["layer"]] = cell.layers.get(row["layer"], 0) + row["n"]
            if "x0" in row:
                bounds = (row["x0"], row["x1"], row["y0"], row["y1"])
                if cell.bounds is not None:
                    bounds = (
                        min(bounds[0], cell.bounds[0]),
                        max(bounds[1], cell.bounds[1]),
                        min(bounds[2], cell.bounds[2]),
                        max(bounds[3], cell.bounds[3]),
                    )
                cell.bounds = bounds
    for cell in by_cell.values():
        # Sums until here: the cluster sits at the mean of its points.
        cell.latitude /= cell.count
        cell.longitude /= cell.count
    return list(by_cell.values())


def _numbers(*values: int) -> str:
    """Whole numbers written into the SQL itself, comma-separated.

    int() makes each one safe to inline. As parameters, PostgreSQL's driver
    formats each in Python: 4-5 ms for the 1,600 numbers of one probe of
    the cells below 400 clusters (docs/benchmarks.md).
    """
    return ", ".join(str(int(value)) for value in values)


def _in_boxes(
    model,
    x: str,
    y: str,
    boxes: list[tuple[int, int, int, int]],
    *,
    exact_columns: bool = False,
    unindexed: bool = False,
) -> RawSQL:
    """One condition: (x, y) inside any of the boxes, each (x_min, x_max, y_min, y_max).

    Written as SQL because Django takes tens of milliseconds to build and
    compile an OR of a few hundred range lookups. `unindexed` keeps SQLite
    off the place index (a time filter is reading by date instead).
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_x, column_y = f"{table}.{quote(x)}", f"{table}.{quote(y)}"
    if unindexed and connection.vendor == "sqlite":
        column_x, column_y = f"+{column_x}", f"+{column_y}"

    def between(column: str, low: int, high: int) -> str:
        condition = f"{column} BETWEEN {_numbers(low)} AND {_numbers(high)}"
        if connection.vendor == "sqlite" and not unindexed:
            # SQLite (built without STAT4) guesses that a range keeps a quarter
            # of the rows, so past a few dozen boxes it reads the whole items
            # table instead as soon as the query also filters on a layer:
            # 1-3 s for a million items. A box of the map holds a small share.
            condition = f"likelihood({condition}, 0.001)"
        return condition

    terms = []
    for x_min, x_max, y_min, y_max in boxes:
        if exact_columns and x_max - x_min < EXACT_COLUMNS_MAX:
            columns = _numbers(*range(x_min, x_max + 1))
            terms.append(f"({column_x} IN ({columns}) AND {between(column_y, y_min, y_max)})")
        else:
            terms.append(
                f"({between(column_x, x_min, x_max)} AND {between(column_y, y_min, y_max)})"
            )
    return RawSQL("(" + " OR ".join(terms) + ")", [], output_field=BooleanField())  # noqa: S611


def _nonempty_cells(query: MapQuery, zoom: int, cells: list[tuple[int, int]]) -> list[tuple]:
    """Which of these cells, at a zoom with stored counts, hold items the filters keep.

    One probe of the count table's key per cell that stops at the first row
    with a count. Reading every row of the cells instead (one per layer,
    kind and category combination: tens of thousands for the clusters of a
    city) cost 30-150 ms a viewport at a million points (docs/benchmarks.md).
    The filters are those of _count_queryset.
    """
    model = MapAreaCell if query.area is not None else MapCell
    quote = connection.ops.quote_name
    conditions = ["c.zoom = %s", "c.cx = wanted.x", "c.cy = wanted.y", "c.count > 0"]
    filter_params: list = [zoom]
    filters = [("layer", query.layers), ("kind", query.kinds)]
    if query.categories:
        filters.append(("category_set_id", query.category_set_ids))
    if query.area is not None:
        filters.append(("local_authority_id", query.area_ids))
    for column, values in filters:
        if not values:
            if column in ("layer", "kind"):
                continue  # not filtered on
            return []  # no category combination or authority matches
        conditions.append(f"c.{quote(column)} IN ({', '.join(['%s'] * len(values))})")
        filter_params += list(values)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(cells), OR_CHUNK * 4):
            chunk = cells[start : start + OR_CHUNK * 4]
            wanted = ", ".join(f"({_numbers(cx, cy)})" for cx, cy in chunk)
            cursor.execute(
                f"WITH wanted (x, y) AS (VALUES {wanted}) "  # noqa: S608 - names are constants
                f"SELECT x, y FROM wanted WHERE EXISTS (SELECT 1 FROM "
                f"{quote(model._meta.db_table)} c WHERE {' AND '.join(conditions)})",
                filter_params,
            )
            found += [tuple(row) for row in cursor.fetchall()]
    return found


def _one_cell(zoom: int, cx: int, cy: int) -> CellRange:
    return CellRange(zoom=zoom, x_min=cx, x_max=cx, y_min=cy, y_max=cy)


def _single_items(query: MapQuery, cells: list[CellCount]) -> dict[tuple, MapItem]:
    """The one item in each of these cells (each holds exactly one that the filters keep).

    A cell's sum of item ids is then that item's id: one read by primary key.
    """
    by_id = {cell.item_ids: (cell.cx, cell.cy) for cell in cells}
    found: dict[tuple, MapItem] = {}
    ids = sorted(by_id)
    for start in range(0, len(ids), OR_CHUNK * 4):
        items = MapItem.objects.filter(pk__in=ids[start : start + OR_CHUNK * 4]).only(
            "pk", "layer", "object_id", "place_key", "title", "url", "kind", "category",
            "latitude", "longitude",
        )  # fmt: skip
        for item in items:
            found[by_id[item.pk]] = item
    return found


def _column_ranges(ranges: list[CellRange]) -> list[CellRange]:
    """The same cells as one range per column, from its first row to its last.

    The items index is on mx first, so a range reads its columns' whole
    strip of the index: one range per column reads each strip once (in a
    city at zoom 16, 23-28 ms of splitting with a range per cluster, 10-12 ms
    so). From POINT_ZOOM up a column is under 50 m wide, so the cells in
    between are few; they are found too, and belong to no cluster being split.
    """
    rows_by_column: dict[int, list[int]] = {}
    for cells in ranges:
        for x in range(cells.x_min, cells.x_max + 1):
            rows_by_column.setdefault(x, []).extend((cells.y_min, cells.y_max))
    zoom = ranges[0].zoom if ranges else 0
    return [
        CellRange(zoom=zoom, x_min=x, x_max=x, y_min=min(rows), y_max=max(rows))
        for x, rows in sorted(rows_by_column.items())
    ]


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
        if _uses_items(query, level) or level not in AGGREGATE_ZOOMS:
            ranges = [_one_cell(level - 1, *cell).children_range() for cell in pending.values()]
            if level >= POINT_ZOOM:
                ranges = _column_ranges(ranges)
            nonempty = [(cell.cx, cell.cy) for cell in _cell_counts(query, level, ranges)]
        else:
            nonempty = _nonempty_cells(
                query,
                level,
                [
                    ((cx << 1) + dx, (cy << 1) + dy)
                    for cx, cy in pending.values()
                    for dx in (0, 1)
                    for dy in (0, 1)
                ],
            )
        children: dict[tuple, list[tuple]] = {}
        for cx, cy in nonempty:
            children.setdefault((cx >> 1, cy >> 1), []).append((cx, cy))
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


def _split_zoom_of(zoom: int, bounds: tuple[int, int, int, int]) -> int | None:
    """The first zoom past `zoom` at which points within these bounds fall into two cells.

    Cells are ranges of mx and my, so the points share one cell exactly when
    their smallest and largest coordinates do.
    """
    x_min, x_max, y_min, y_max = bounds
    for level in range(zoom + 1, MAX_ZOOM + 1):
        shift = cell_shift(level)
        if x_min >> shift != x_max >> shift or y_min >> shift != y_max >> shift:
            return level
    return None


def _feature(longitude: float, latitude: float, properties: dict, feature_id: str) -> dict:
    return {
        "type": "Feature",
        "id": feature_id,
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
    items = _single_items(query, singles)
    if _uses_items(query, query.zoom):
        # Counted from the items, each cluster came with its points' extent.
        split = {(c.cx, c.cy): _split_zoom_of(query.zoom, c.bounds) for c in clusters}
    else:
        split = _split_zooms(query, clusters)
    features = []
    for cell in clusters:
        features.append(
            _feature(
                cell.longitude,
                cell.latitude,
                {
                    "cluster": True,
                    "count": cell.count,
                    "split_zoom": split[(cell.cx, cell.cy)],
                    "layers": dict(sorted(cell.layers.items())),
                },
                f"cluster-{query.zoom}-{cell.cx}-{cell.cy}",
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
                    "object_id": item.object_id,
                    "title": item.title,
                    "url": item.url,
                    "kind": item.kind,
                    "category": item.category,
                },
                feature_id(item),
            )
        )
    return {
        "type": "FeatureCollection",
        "bbox": covered_bbox(query),
        "features": features,
        "count": total,
    }


@dataclass(frozen=True)
class MapItemList:
    """What the list under the map shows: the items, how many, and in which order."""

    items: QuerySet
    total: int  # in view, from the same counts as the map
    by_name: bool  # A to Z; otherwise the most recently added first, LIST_NEWEST_MAX of them


def map_item_list(*, query: MapQuery) -> MapItemList:
    """The items in the covered box that the filters keep, for the list under the map.

    Sorting by name means sorting everything in view: for the whole North
    at a million points that is a second or more (docs/benchmarks.md). So
    past LIST_BY_NAME_MAX items the list shows the newest LIST_NEWEST_MAX,
    read backwards along the primary key and stopping early.
    """
    time_first = _time_first(query)
    total = sum(
        cell.count for cell in _cell_counts(query, query.zoom, [query.cells], time_first=time_first)
    )
    mx_min, mx_max, my_min, my_max = query.cells.mercator_bounds()
    items = (
        _in_view(
            query,
            _item_queryset(query),
            [(mx_min, mx_max, my_min, my_max)],
            time_first=time_first,
        )
        .select_related("local_authority")
        .defer("local_authority__boundary")
    )
    if total <= LIST_BY_NAME_MAX:
        return MapItemList(items=items.order_by("title", "pk"), total=total, by_name=True)
    # Thousands in view: walking the primary key backwards finds fifty of them
    # at once. PostgreSQL's statistics see that; SQLite (no ANALYZE) would
    # read them all through the place index and sort them (2-3 s at a
    # million), so there "+ 0" keeps that index out.
    if connection.vendor == "sqlite":
        x, y = F("mx") + 0, F("my") + 0
    else:
        x, y = F("mx"), F("my")
    newest = _item_queryset(query)
    if query.since_at is not None:
        # Newest first along the primary key, the date only checked.
        newest = newest.filter(_since_condition(query, indexed=False))
    newest = (
        newest.alias(x=x, y=y)
        .filter(x__range=(mx_min, mx_max), y__range=(my_min, my_max))
        .select_related("local_authority")
        .defer("local_authority__boundary")
        .order_by("-pk")
    )
    return MapItemList(items=newest[:LIST_NEWEST_MAX], total=total, by_name=False)


def map_item_export(*, query: MapQuery, chunk: int = 5000) -> Iterator[MapItem]:
    """Every item the filters keep (in the covered box), in id order, read in chunks.

    Keyset paging keeps memory flat for a million items on both databases.
    """
    mx_min, mx_max, my_min, my_max = query.cells.mercator_bounds()
    items = _item_queryset(query).filter(mx__range=(mx_min, mx_max), my__range=(my_min, my_max))
    if query.since_at is not None:
        items = items.filter(published_at__gte=query.since_at)
    items = items.order_by("pk")
    last = 0
    while True:
        batch = list(items.filter(pk__gt=last)[:chunk])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk
