"""Open data and dashboards: downloads, feeds, the API, the embed, charts and the share image."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from bigsocnorth.cuts.tests.conftest import report_values
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import PlaceValue

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def cuts(area, moderator, report):
    leeds = LocalAuthority.objects.get(slug="leeds")
    return [
        report(moderator),
        report(moderator, title='=HYPERLINK("http://evil.example")', sector="youth"),
        report(
            moderator,
            title="Leeds evening buses",
            sector="transport",
            kind="funding",
            place=PlaceValue(name="", local_authority=leeds),
            decided_by_code="E08000035",
        ),
        report(None, title="Waiting for review"),
    ]


def test_the_csv_of_a_filtered_list(client, cuts, area):
    response = client.get(reverse("cuts:cuts_csv"), {"area": area.slug})
    rows = list(csv.DictReader(io.StringIO(_body(response).decode())))
    titles = {row["title"] for row in rows}
    assert response["Content-Type"].startswith("text/csv")
    assert "Burngreave library to close" in titles
    assert "Leeds evening buses" not in titles and "Waiting for review" not in titles
    # A formula from the public is never run by a spreadsheet.
    assert '\'=HYPERLINK("http://evil.example")' in titles
    row = next(row for row in rows if row["title"] == "Burngreave library to close")
    assert row["money_yearly_gbp"] == "120000" and row["local_authority_code"] == "E08000039"


def test_geojson_has_a_feature_per_cut_and_none_for_a_whole_area(client, cuts):
    data = json.loads(_body(client.get(reverse("cuts:cuts_geojson"))))
    features = {feature["properties"]["title"]: feature for feature in data["features"]}
    assert len(features) == 3
    assert features["Leeds evening buses"]["geometry"] is None
    point = features["Burngreave library to close"]["geometry"]
    assert point["type"] == "Point" and 53 < point["coordinates"][1] < 54
    assert len({feature["id"] for feature in data["features"]}) == 3


def test_feeds_per_area_and_body(client, cuts):
    import feedparser

    atom = feedparser.parse(_body(client.get(reverse("cuts:feed_atom"), {"area": "leeds"})))
    titles = [entry.title for entry in atom.entries]
    assert any("Leeds evening buses" in title for title in titles)
    assert not any("Burngreave" in title for title in titles)
    feed = json.loads(_body(client.get(reverse("cuts:feed_json"), {"body": "E08000035"})))
    assert [item["title"] for item in feed["items"]] == ["Leeds evening buses (Proposed)"]
    assert client.get(reverse("cuts:feed_atom"), {"area": "atlantis"}).status_code == 404


def test_a_download_with_filters_it_cannot_follow_says_so(client, cuts):
    response = client.get(reverse("cuts:cuts_csv"), {"area": "atlantis", "money": "12"})
    assert response.status_code == 400
    assert "area" in response.content.decode()


def test_the_api_lists_with_filters_and_refuses_bad_ones(client, cuts):
    data = client.get("/api/v1/cuts", {"sector": "transport"}).json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["decided_by_council"]["code"] == "E08000035"
    assert item["money"]["yearly_pence"] == 12_000_000
    everything = client.get("/api/v1/cuts").json()
    assert everything["count"] == 3  # the one in review is not public
    for bad in ({"page": "0"}, {"state": "nonsense"}, {"money_at_least": "-1"},
                {"decision_from": "yesterday"}, {"area": "x" * 500}):  # fmt: skip
        assert client.get("/api/v1/cuts", bad).status_code == 422, bad


def test_the_api_detail_has_the_timeline(client, cuts):
    data = client.get(f"/api/v1/cuts/{cuts[0].slug}").json()
    assert data["timeline"][0]["kind"] == "reported"
    assert data["timeline"][0]["evidence"] == ["https://democracy.sheffield.example/minutes/1"]
    assert client.get(f"/api/v1/cuts/{cuts[3].slug}").status_code == 404


def test_the_embed_may_be_framed_by_partner_sites(client, cuts):
    response = client.get(reverse("cuts:council_embed", args=["sheffield"]))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "Burngreave library to close" in response.content.decode()
    # Every other page still refuses to be framed.
    assert client.get(reverse("cuts:cut_list"))["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "name, args",
    [
        ("dashboard_north", []),
        ("dashboard_region", ["yorkshire-and-the-humber"]),
        ("dashboard_council", ["sheffield"]),
    ],
)
def test_dashboards_draw_charts_with_their_tables(client, cuts, name, args):
    response = client.get(reverse(f"cuts:{name}", args=args))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in text and "<table" in text
    assert "£120,000" in text


def test_a_chart_csv_and_the_share_image(client, cuts):
    rows = list(csv.reader(io.StringIO(_body(client.get(
        reverse("cuts:chart_csv", args=["council-sheffield", "by-sector"])
    )).decode())))  # fmt: skip
    libraries = next(row for row in rows if row[0] == "Libraries")
    assert libraries[1] == "1"
    image = Image.open(io.BytesIO(client.get(reverse("cuts:share_image", args=["north"])).content))
    assert image.size == (1200, 630)
    assert client.get(reverse("cuts:share_image", args=["council-atlantis"])).status_code == 404
    assert client.get(reverse("cuts:chart_csv", args=["north", "nonsense"])).status_code == 404


def test_the_dashboard_figures_follow_a_state_change(client, area, moderator, report):
    from datetime import date

    from bigsocnorth.cuts import services

    cut = report(moderator, **{k: v for k, v in report_values(area).items() if k == "title"})
    services.timeline_entry_add(
        author=moderator, cut=cut, kind="state", state="withdrawn", happened_on=date.today(),
        text="Withdrawn after the consultation.",
    )  # fmt: skip
    text = client.get(reverse("cuts:dashboard_council", args=["sheffield"])).content.decode()
    assert "Withdrawn" in text


def test_a_councils_dashboard_offers_its_list_and_map_for_partner_sites(client, cuts):
    text = client.get(reverse("cuts:dashboard_council", args=["sheffield"])).content.decode()
    assert "&lt;iframe src=&quot;http://127.0.0.1:8000/cuts/embed/sheffield/&quot;" in text
    assert "/embed/map?layer=cuts&amp;amp;area=sheffield" in text
    # The map's own embed shows that layer in that area.
    embedded = client.get("/embed/map", {"layer": "cuts", "area": "sheffield"})
    assert embedded.status_code == 200
    # Only a council's dashboard offers them.
    assert 'id="embed-title"' not in client.get(reverse("cuts:dashboard_north")).content.decode()
