"""Point to local authority: the places index against testing every outline.

Every located thing on the platform (entries, stories, cuts, events) is
assigned its local authority and region, so this lookup sits on every write.
The baseline is the obvious code: test the point against each of the 62
outlines in turn. Both run over the same points in the same process.
"""

from __future__ import annotations

import random

from shapely.geometry import Point, shape

from bench.timing import ratio_line, time_each
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.selectors import area_for_point, places_cache_reset

POINTS = 20_000
# Towns where most points fall (dense in cities, sparse in the dales).
CITIES = [
    (53.381, -1.470), (53.800, -1.549), (53.480, -2.242), (54.978, -1.618),
    (53.408, -2.991), (53.745, -0.336), (54.574, -1.235), (53.795, -1.759),
]  # fmt: skip


def _points(rng: random.Random) -> list[tuple[float, float]]:
    points = []
    for _ in range(POINTS):
        if rng.random() < 0.7:
            lat, lon = rng.choice(CITIES)
            points.append((lat + rng.gauss(0, 0.05), lon + rng.gauss(0, 0.08)))
        else:
            points.append((rng.uniform(53.0, 55.8), rng.uniform(-3.7, 0.2)))
    return points


def run() -> None:
    rng = random.Random(20261125)
    points = _points(rng)
    outlines = [(la.code, shape(la.boundary)) for la in LocalAuthority.objects.all()]
    if len(outlines) != 62:
        raise SystemExit("Run `make migrate` first: the places data is missing.")

    def naive(point):
        lat, lon = point
        probe = Point(lon, lat)
        for code, outline in outlines:
            if outline.contains(probe):
                return code
        return None

    def ours(point):
        match = area_for_point(latitude=point[0], longitude=point[1])
        return match.local_authority.code if match else None

    places_cache_reset()
    ours(points[0])  # build the index once, as each process does on first use
    agree = sum(naive(p) == ours(p) for p in points[:2000])
    baseline = time_each("naive: contains() on every outline", points, naive)
    measured = time_each("places index (area_for_point)", points, ours)
    print(baseline.line())
    print(measured.line())
    print(ratio_line(baseline, measured))
    # The index also takes points within 0.5 km of the coast-clipped outlines,
    # so a few seafront points differ from the strict test by design.
    print(f"same answer as the strict test for {agree / 20:.1f}% of 2,000 sampled points")
