"""The spatial index every located content type writes to, and its cluster counts.

`MapItem` is one publishable point of one published thing (an entry has
one per place). `MapCell` and `MapAreaCell` count those points per zoom and
grid cell, split by what the map filters on, and are changed by the same
statements that change the items, in the same transaction, so the counts
on the map are always exact. `MapAreaCell` adds the local authority, for
the area filter; `MapCell` leaves it out so an unfiltered viewport reads
few rows.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class MapCategorySet(models.Model):
    """One combination of category slugs ("" for none), so counts by category stay exact.

    An item is counted once, under its own combination; a category filter
    sums the combinations that contain any of the chosen categories.
    """

    key = models.CharField(max_length=1000, unique=True)

    def __str__(self) -> str:
        return self.key or "(no category)"

    @property
    def slugs(self) -> list[str]:
        return self.key.split() if self.key else []


class MapItem(models.Model):
    layer = models.CharField(_("layer"), max_length=30)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    # Which of the object's places (its position among them).
    place_key = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("address"), max_length=500)
    kind = models.CharField(_("kind"), max_length=60)
    # The first category, shown with a single item; filters use category_set.
    category = models.CharField(_("category"), max_length=60, blank=True)
    # No index of their own on these two: items are always read by place
    # (mx, my), and with an index on a category or an authority SQLite read
    # every item of that category instead of the few on screen, 0.3-2 s a
    # viewport at a million points (docs/benchmarks.md).
    category_set = models.ForeignKey(MapCategorySet, on_delete=models.PROTECT, db_index=False)
    local_authority = models.ForeignKey(
        "places.LocalAuthority", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Publishable coordinates only (already approximate where the content asks).
    latitude = models.FloatField()
    longitude = models.FloatField()
    mx = models.IntegerField()
    my = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "place_key"], name="mapping_item_once"
            )
        ]
        indexes = [
            models.Index(fields=["mx", "my"], name="mapping_item_mercator"),
            # The time filter's: the items added since a date, and where they are,
            # read from the index before the rows (selectors._time_first).
            models.Index(fields=["published_at", "mx", "my"], name="mapping_item_published"),
        ]

    def __str__(self) -> str:
        return f"{self.layer}: {self.title}"


class CellCounts(models.Model):
    zoom = models.PositiveSmallIntegerField()
    cx = models.IntegerField()
    cy = models.IntegerField()
    layer = models.CharField(max_length=30)
    kind = models.CharField(max_length=60)
    category_set_id = models.IntegerField()
    count = models.IntegerField(default=0)
    # For the cluster's position: the mean of its points.
    sum_latitude = models.FloatField(default=0)
    sum_longitude = models.FloatField(default=0)
    # The sum of the items' ids: where the filters leave one item in a cell,
    # this is its id, so a single is fetched by its key instead of searched
    # for among its neighbours (docs/benchmarks.md). Exact, being integers.
    sum_item_id = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.count} at zoom {self.zoom} ({self.cx}, {self.cy})"


class MapCell(CellCounts):
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zoom", "cx", "cy", "layer", "kind", "category_set_id"],
                name="mapping_cell_key",
            )
        ]


class MapAreaCell(CellCounts):
    local_authority_id = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "zoom",
                    "cx",
                    "cy",
                    "layer",
                    "kind",
                    "category_set_id",
                    "local_authority_id",
                ],
                name="mapping_area_cell_key",
            )
        ]
