"""Small geographic helpers shared by every located content type."""

from __future__ import annotations

# Approximate locations are shown on a grid of about 1 km: two decimal places
# of latitude (1.1 km) and this step of longitude (about 1 km at 54° north).
APPROXIMATE_LONGITUDE_STEP = 0.015


def approximate_point(*, latitude: float, longitude: float) -> tuple[float, float]:
    """The point snapped to the ~1 km grid, so the exact place cannot be recovered."""
    snapped = round(longitude / APPROXIMATE_LONGITUDE_STEP) * APPROXIMATE_LONGITUDE_STEP
    return (round(latitude, 2), round(snapped, 3))


def publishable_point(
    *, latitude: float, longitude: float, approximate: bool
) -> tuple[float, float]:
    """What anyone may see of a point: exact, or approximate when its owner asked."""
    if approximate:
        return approximate_point(latitude=latitude, longitude=longitude)
    return (latitude, longitude)
