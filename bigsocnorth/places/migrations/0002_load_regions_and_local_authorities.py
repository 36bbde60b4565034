"""Load the three northern regions and their 62 local authorities from places/data/.

Self-contained on purpose (no imports from the app's own modules), so the
migration keeps working however the app's code changes later.
"""

import json
from pathlib import Path

import shapely
from django.db import migrations
from django.utils.text import slugify
from shapely.geometry import mapping, shape

DATA_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "north-of-england-local-authorities.geojson"
)


def _read_features():
    collection = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return collection["features"]


def _centre(geometry):
    # The centroid reads as "the middle" on a map, but a crescent or a
    # scatter of islands can put it outside the shape; then fall back to a
    # point that is guaranteed to be inside.
    centroid = geometry.centroid
    if geometry.contains(centroid):
        return centroid
    return geometry.representative_point()


def load(apps, schema_editor):
    Region = apps.get_model("places", "Region")
    LocalAuthority = apps.get_model("places", "LocalAuthority")

    regions = {}
    for feature in _read_features():
        properties = feature["properties"]
        region_code = properties["region_code"]
        if region_code not in regions:
            regions[region_code], _ = Region.objects.update_or_create(
                code=region_code,
                defaults={
                    "name": properties["region_name"],
                    "slug": slugify(properties["region_name"]),
                },
            )
        # RFC 7946 asks for exterior rings counter-clockwise, holes clockwise.
        geometry = shapely.orient_polygons(shape(feature["geometry"]))
        min_lon, min_lat, max_lon, max_lat = geometry.bounds
        centre = _centre(geometry)
        LocalAuthority.objects.update_or_create(
            code=properties["code"],
            defaults={
                "name": properties["name"],
                "slug": slugify(properties["name"]),
                "region": regions[region_code],
                # Round-trip through JSON so tuples become plain lists.
                "boundary": json.loads(json.dumps(mapping(geometry))),
                "min_longitude": min_lon,
                "min_latitude": min_lat,
                "max_longitude": max_lon,
                "max_latitude": max_lat,
                "centre_latitude": round(centre.y, 6),
                "centre_longitude": round(centre.x, 6),
            },
        )


def unload(apps, schema_editor):
    Region = apps.get_model("places", "Region")
    LocalAuthority = apps.get_model("places", "LocalAuthority")
    features = _read_features()
    LocalAuthority.objects.filter(code__in=[f["properties"]["code"] for f in features]).delete()
    Region.objects.filter(
        code__in={f["properties"]["region_code"] for f in features},
        local_authorities__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload, elidable=False),
    ]
