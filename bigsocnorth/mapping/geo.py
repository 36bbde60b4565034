"""Web Mercator grid arithmetic: which cell of which zoom a point falls in.

Points are stored as integer Web Mercator coordinates (`mx`, `my`) at a
resolution of 2**MERCATOR_BITS, so the cell of a point at any grid level is
a right shift, the same in Python, SQLite and PostgreSQL. A map zoom z is
clustered on grid level z + CELL_LEVELS: cells of 64 pixels on 256-pixel
tiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MERCATOR_BITS = 26
MERCATOR_SIZE = 1 << MERCATOR_BITS
CELL_LEVELS = 2  # a cell is a quarter of a tile's width: 64 px
MAX_LATITUDE = 85.05112878  # where Web Mercator ends

MIN_ZOOM = 0
MAX_ZOOM = 18
# Aggregates are kept for these zooms; below, the lowest is grouped further;
# above, cells are counted from the points themselves (few are on screen).
AGGREGATE_ZOOMS = range(5, 17)
POINT_ZOOM = AGGREGATE_ZOOMS.stop  # 17


def mercator_x(longitude: float) -> int:
    x = (longitude + 180.0) / 360.0
    return min(MERCATOR_SIZE - 1, max(0, int(x * MERCATOR_SIZE)))


def mercator_y(latitude: float) -> int:
    latitude = max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude))
    radians = math.radians(latitude)
    y = (1.0 - math.asinh(math.tan(radians)) / math.pi) / 2.0
    return min(MERCATOR_SIZE - 1, max(0, int(y * MERCATOR_SIZE)))


def cell_shift(zoom: int) -> int:
    """How far to shift mx/my right to get the cell at this map zoom."""
    return MERCATOR_BITS - (zoom + CELL_LEVELS)


def cell_of(mx: int, my: int, zoom: int) -> tuple[int, int]:
    shift = cell_shift(zoom)
    return mx >> shift, my >> shift


@dataclass(frozen=True)
class CellRange:
    """The cells of a bounding box at one zoom (inclusive ranges)."""

    zoom: int
    x_min: int
    x_max: int
    y_min: int
    y_max: int

    @property
    def size(self) -> int:
        return (self.x_max - self.x_min + 1) * (self.y_max - self.y_min + 1)

    def children_range(self) -> CellRange:
        """The same area one zoom further in (each cell has four children)."""
        return CellRange(
            zoom=self.zoom + 1,
            x_min=self.x_min << 1,
            x_max=(self.x_max << 1) + 1,
            y_min=self.y_min << 1,
            y_max=(self.y_max << 1) + 1,
        )

    def mercator_bounds(self) -> tuple[int, int, int, int]:
        """(mx_min, mx_max, my_min, my_max) of the points in these cells."""
        shift = cell_shift(self.zoom)
        return (
            self.x_min << shift,
            ((self.x_max + 1) << shift) - 1,
            self.y_min << shift,
            ((self.y_max + 1) << shift) - 1,
        )


def cell_range(*, west: float, south: float, east: float, north: float, zoom: int) -> CellRange:
    """The cells covering a bbox (degrees) at a zoom. North has the smaller y."""
    shift = cell_shift(zoom)
    return CellRange(
        zoom=zoom,
        x_min=mercator_x(west) >> shift,
        x_max=mercator_x(east) >> shift,
        y_min=mercator_y(north) >> shift,
        y_max=mercator_y(south) >> shift,
    )
