"""The data migration loads the three northern regions and their 62 authorities."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from shapely.geometry import Point, shape

from bigsocnorth.places.models import LocalAuthority, Region

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

data_migration = importlib.import_module(
    "bigsocnorth.places.migrations.0002_load_regions_and_local_authorities"
)

pytestmark = pytest.mark.django_db


def test_migration_loads_three_regions_with_their_gss_codes():
    assert dict(Region.objects.values_list("code", "name")) == {
        "E12000001": "North East",
        "E12000002": "North West",
        "E12000003": "Yorkshire and The Humber",
    }
    assert set(Region.objects.values_list("slug", flat=True)) == {
        "north-east",
        "north-west",
        "yorkshire-and-the-humber",
    }


def test_migration_loads_62_local_authorities_split_across_the_regions():
    assert LocalAuthority.objects.count() == 62
    per_region = {region.code: region.local_authorities.count() for region in Region.objects.all()}
    assert per_region == {"E12000001": 12, "E12000002": 35, "E12000003": 15}


def test_sheffield_and_barnsley_carry_their_2025_codes():
    sheffield = LocalAuthority.objects.get(slug="sheffield")
    barnsley = LocalAuthority.objects.get(slug="barnsley")
    assert sheffield.code == "E08000039"
    assert barnsley.code == "E08000038"
    assert sheffield.region.code == "E12000003"
    assert not LocalAuthority.objects.filter(code__in=["E08000016", "E08000019"]).exists()


def test_every_authority_in_the_csv_is_loaded_with_its_name_and_region():
    lines = (DATA_DIR / "north-of-england-local-authorities.csv").read_text().splitlines()
    rows = list(csv.DictReader(lines))
    loaded = {la.code: la for la in LocalAuthority.objects.select_related("region")}
    assert len(rows) == 62
    for row in rows:
        authority = loaded[row["code"]]
        assert authority.name == row["name"]
        assert authority.region.code == row["region_code"]


def test_slugs_come_from_the_names():
    assert LocalAuthority.objects.get(code="E06000004").slug == "stockton-on-tees"
    assert LocalAuthority.objects.get(code="E06000010").slug == "kingston-upon-hull-city-of"
    assert LocalAuthority.objects.get(code="E08000013").slug == "st-helens"


def test_boundaries_are_valid_geojson_with_bbox_and_centre_inside():
    for authority in LocalAuthority.objects.all():
        geometry = shape(authority.boundary)
        assert authority.boundary["type"] in {"Polygon", "MultiPolygon"}
        assert geometry.is_valid, authority.name
        west, south, east, north = geometry.bounds
        assert (authority.min_longitude, authority.min_latitude) == pytest.approx((west, south))
        assert (authority.max_longitude, authority.max_latitude) == pytest.approx((east, north))
        assert geometry.contains(Point(authority.centre_longitude, authority.centre_latitude))
        # Longitude first (RFC 7946): the North lies between 3.7° W and 0.2° E.
        assert -3.7 < authority.centre_longitude < 0.2
        assert 52.9 < authority.centre_latitude < 55.9


def test_exterior_rings_run_counter_clockwise_as_rfc_7946_asks():
    for authority in LocalAuthority.objects.all():
        for polygon in getattr(shape(authority.boundary), "geoms", [shape(authority.boundary)]):
            assert polygon.exterior.is_ccw, authority.name


def test_the_shipped_geojson_keeps_its_ogl_attribution():
    collection = json.loads((DATA_DIR / "north-of-england-local-authorities.geojson").read_text())
    assert "Open Government Licence v3.0" in collection["attribution"]
    readme = (DATA_DIR / "README.md").read_text()
    assert "Open Government Licence v3.0" in readme
    assert "GeoNames" in readme
    assert "CC BY 4.0" in readme


def test_the_data_migration_can_be_reversed_and_applied_again():
    data_migration.unload(apps, None)
    assert LocalAuthority.objects.count() == 0
    assert Region.objects.count() == 0

    data_migration.load(apps, None)
    assert LocalAuthority.objects.count() == 62
    assert Region.objects.count() == 3
    assert LocalAuthority.objects.get(slug="sheffield").code == "E08000039"


def test_applying_the_data_migration_twice_changes_nothing():
    before = sorted(LocalAuthority.objects.values_list("code", "slug", "centre_latitude"))
    data_migration.load(apps, None)
    assert sorted(LocalAuthority.objects.values_list("code", "slug", "centre_latitude")) == before
