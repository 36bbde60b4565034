"""The dashboards' charts: accessible SVG bars, the map of the North, the share image."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.apps import apps
from django.template.loader import render_to_string
from PIL import Image

from bigsocnorth.cuts.charts import (
    BAR_WIDTH,
    NONE_FILL,
    PALETTE,
    AreaValue,
    Bar,
    BarChart,
    bar_chart_svg,
    choropleth_build,
    share_image_png,
)
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.svg import north_drawing_reset

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _chart_templates(settings):
    """The cuts templates, found whether or not the app is in INSTALLED_APPS yet."""
    if not apps.is_installed("bigsocnorth.cuts"):
        folder = Path(__file__).resolve().parent.parent / "templates"
        engine = dict(settings.TEMPLATES[0])
        engine["DIRS"] = [*engine["DIRS"], folder]
        settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]


@pytest.fixture
def drawing_from_this_database(db):
    # The drawing is kept for the whole process: build it from this test's areas.
    north_drawing_reset()
    yield
    north_drawing_reset()


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - markup this module wrote, not input


def state_chart(**changes) -> BarChart:
    fields = {
        "key": "by-state",
        "title": "Cuts by state",
        "description": "Most cuts are proposed (40 of 70).",
        "value_heading": "Cuts",
        "bars": (
            Bar(label="Proposed", value=40, display="40", url="/cuts/?state=proposed"),
            Bar(label="Confirmed", value=20, display="20"),
            Bar(label="Reversed", value=10, display="10"),
        ),
        "csv_url": "/cuts/export.csv?by=state",
    }
    fields.update(changes)
    return BarChart(**fields)


# ---- Bars


def test_bar_chart_is_an_image_named_by_its_title_and_description():
    root = parse(bar_chart_svg(state_chart()))

    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith(f"0 0 {BAR_WIDTH} ")
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Cuts by state"
    assert desc.text == "Most cuts are proposed (40 of 70)."
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert title.get("id") == "chart-by-state-title"


def test_bar_lengths_are_proportional_and_the_largest_fills_the_width():
    root = parse(bar_chart_svg(state_chart()))

    widths = [
        float(rect.get("width"))
        for rect in root.iter(f"{SVG}rect")
        if "chart-bar" in rect.get("class").split()
    ]
    assert widths == [BAR_WIDTH, BAR_WIDTH / 2, BAR_WIDTH / 4]


def test_a_small_value_still_shows_and_zero_shows_none():
    chart = state_chart(
        bars=(
            Bar(label="Many", value=1_000_000, display="£10,000"),
            Bar(label="Few", value=1, display="1p"),
            Bar(label="None", value=0, display="0"),
        )
    )
    root = parse(bar_chart_svg(chart))

    widths = [
        float(rect.get("width"))
        for rect in root.iter(f"{SVG}rect")
        if rect.get("class") == "chart-bar"
    ]
    assert widths == [BAR_WIDTH, 1, 0]


def test_bars_are_styled_by_class_with_fills_as_fallback():
    root = parse(bar_chart_svg(state_chart()))

    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "chart-bar"]
    assert all(bar.get("fill") == "#0b5563" for bar in bars)
    css = (Path(__file__).resolve().parent.parent / "static/cuts/charts.css").read_text()
    assert ".chart-bar { fill: var(--brand); }" in css
    assert "@media print" in css


def test_labels_and_texts_from_the_public_are_escaped():
    chart = state_chart(
        title="<script>alert(1)</script>",
        description='"quoted" & <b>bold</b>',
        bars=(Bar(label="<script>alert('x')</script>", value=3, display="<i>3</i>"),),
    )
    svg = bar_chart_svg(chart)

    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "<i>" not in svg
    root = parse(svg)  # still well formed
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"
    html = render_to_string("cuts/includes/bar_chart.html", {"chart": chart})
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_long_labels_end_in_an_ellipsis_in_the_drawing_and_are_whole_in_the_table():
    long_label = "Children's centres, family hubs and early help services across the district"
    chart = state_chart(bars=(Bar(label=long_label, value=5, display="£12.5m"),))
    root = parse(bar_chart_svg(chart))

    label = next(text for text in root.iter(f"{SVG}text") if text.get("class") == "chart-label")
    assert label.text.endswith("…")
    assert long_label.startswith(label.text[:-1])
    html = render_to_string("cuts/includes/bar_chart.html", {"chart": chart})
    assert (
        "Children&#x27;s centres, family hubs and early help services across the district" in html
    )


def test_labels_never_share_a_line_with_another_bar():
    root = parse(bar_chart_svg(state_chart()))

    rows = root.findall(f"{SVG}g")
    assert len(rows) == 3
    tops = []
    for row in rows:
        label = row.find(f"{SVG}text")
        bar = next(rect for rect in row.iter(f"{SVG}rect") if rect.get("class") == "chart-bar")
        assert float(label.get("y")) < float(bar.get("y"))  # the label sits above its bar
        tops.append(float(bar.get("y")))
    assert tops == sorted(tops)


@pytest.mark.parametrize(
    "bars",
    [
        (),
        (Bar(label="Proposed", value=0, display="0"), Bar(label="Confirmed", value=0, display="0")),
    ],
)
def test_an_empty_chart_draws_nothing_and_says_so(bars):
    chart = state_chart(bars=bars)

    assert bar_chart_svg(chart) == ""
    html = render_to_string("cuts/includes/bar_chart.html", {"chart": chart})
    assert "Nothing to show yet." in html
    assert "<svg" not in html
    assert "<table" not in html


def test_the_template_shows_the_figure_its_table_and_the_csv_link():
    chart = state_chart(label_heading="State")
    html = render_to_string("cuts/includes/bar_chart.html", {"chart": chart})

    assert html.count("<figure") == 1
    assert '<figcaption class="chart-caption">Cuts by state</figcaption>' in html
    assert 'role="img"' in html
    assert '<caption class="visually-hidden">Cuts by state</caption>' in html
    assert '<th scope="col">State</th>' in html
    assert '<th scope="col" class="chart-number">Cuts</th>' in html
    for bar in chart.bars:
        assert bar.label in html
        assert f'<td class="chart-number">{bar.display}</td>' in html
    assert '<a href="/cuts/?state=proposed">Proposed</a>' in html
    assert html.count('<th scope="row">') == 3
    assert '<a href="/cuts/export.csv?by=state">The data behind “Cuts by state” (CSV)</a>' in html
    assert "<details" not in html


def test_without_a_csv_there_is_no_link_to_one():
    html = render_to_string("cuts/includes/bar_chart.html", {"chart": state_chart(csv_url="")})

    assert "CSV" not in html


def test_two_charts_on_a_page_have_their_own_ids():
    first = bar_chart_svg(state_chart())
    second = bar_chart_svg(state_chart(key="by kind"))

    assert 'id="chart-by-state-title"' in first
    assert 'id="chart-by-kind-title"' in second


# ---- The map of the North


def area_values() -> list[AreaValue]:
    # A different value for each of the first 40 authorities, so five classes fill.
    authorities = LocalAuthority.objects.order_by("name")[:40]
    return [
        AreaValue(local_authority_id=authority.pk, value=index + 1, display=f"{index + 1} cuts")
        for index, authority in enumerate(authorities)
    ]


def build(values, **changes):
    fields = {
        "key": "by-area",
        "title": "Cuts across the North",
        "description": "Leeds has the most cuts reported (40).",
        "value_heading": "Cuts",
        "values": values,
        "area_url": lambda slug: f"/areas/{slug}/cuts/",
    }
    fields.update(changes)
    return choropleth_build(**fields)


def area_paths(root: ET.Element) -> list[ET.Element]:
    return [path for path in root.iter(f"{SVG}path") if "choropleth-area" in path.get("class")]


@pytest.mark.usefixtures("drawing_from_this_database")
def test_the_map_draws_every_authority_shaded_by_class_and_linked():
    values = area_values()
    chart = build(values)
    root = parse(chart.svg)

    assert LocalAuthority.objects.count() == 62
    paths = area_paths(root)
    assert len(paths) == 62
    classes = [re.search(r"choropleth-fill-(\d)", path.get("class")).group(1) for path in paths]
    assert classes.count("0") == 22  # the areas without a value
    assert set(classes) == {"0", "1", "2", "3", "4", "5"}
    links = root.findall(f"{SVG}a")
    assert len(links) == 62
    assert all(re.fullmatch(r"/areas/[a-z0-9-]+/cuts/", link.get("href")) for link in links)
    assert root.get("role") == "group"  # links inside stay reachable by screen readers
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id


@pytest.mark.usefixtures("drawing_from_this_database")
def test_each_area_says_its_name_and_value_when_hovered_or_focused():
    values = area_values()
    first = LocalAuthority.objects.get(pk=values[0].local_authority_id)
    unlisted = LocalAuthority.objects.exclude(pk__in=[v.local_authority_id for v in values]).first()
    root = parse(build(values).svg)

    tips = {link.find(f"{SVG}title").text for link in root.findall(f"{SVG}a")}
    assert f"{first.name}: 1 cuts" in tips
    assert f"{unlisted.name}: No cuts reported" in tips


@pytest.mark.usefixtures("drawing_from_this_database")
def test_the_darkest_class_holds_the_largest_values():
    values = area_values()
    root = parse(build(values).svg)

    largest = max(values, key=lambda item: item.value)
    smallest = min(values, key=lambda item: item.value)
    by_name = {
        link.find(f"{SVG}title").text.split(":")[0]: link.find(f"{SVG}path").get("fill")
        for link in root.findall(f"{SVG}a")
    }
    assert by_name[LocalAuthority.objects.get(pk=largest.local_authority_id).name] == PALETTE[-1]
    assert by_name[LocalAuthority.objects.get(pk=smallest.local_authority_id).name] == PALETTE[0]


@pytest.mark.usefixtures("drawing_from_this_database")
def test_the_legend_has_five_classes_and_none():
    legend = build(area_values()).legend

    assert len(legend) == 6
    assert [colour for colour, _ in legend] == [*PALETTE, NONE_FILL]
    assert legend[0][1] == "1 cuts to 8 cuts"
    assert legend[-1][1] == "No cuts reported"


@pytest.mark.usefixtures("drawing_from_this_database")
def test_equal_values_share_a_class_and_fewer_values_spread_over_the_palette():
    authorities = list(LocalAuthority.objects.order_by("name")[:6])
    values = [AreaValue(local_authority_id=a.pk, value=2, display="2") for a in authorities[:4]]
    values.append(AreaValue(local_authority_id=authorities[4].pk, value=9, display="9"))
    legend = build(values).legend

    assert legend == ((PALETTE[0], "2"), (PALETTE[-1], "9"), (NONE_FILL, "No cuts reported"))


@pytest.mark.usefixtures("drawing_from_this_database")
def test_the_table_lists_every_area_with_a_value_largest_first():
    values = area_values()
    chart = build(values)

    assert len(chart.rows) == 40
    assert chart.rows[0][2] == "40 cuts"
    assert chart.rows[-1][2] == "1 cuts"
    displays = [int(display.split()[0]) for _, _, display in chart.rows]
    assert displays == sorted(displays, reverse=True)
    name, url, _ = chart.rows[0]
    authority = LocalAuthority.objects.get(pk=values[-1].local_authority_id)
    assert (name, url) == (authority.name, f"/areas/{authority.slug}/cuts/")


@pytest.mark.usefixtures("drawing_from_this_database")
def test_the_map_template_shows_the_key_in_words_and_the_table():
    chart = build(area_values())
    html = render_to_string("cuts/includes/choropleth.html", {"map": chart})

    assert '<figcaption class="chart-caption">Cuts across the North</figcaption>' in html
    assert html.count('class="choropleth-swatch"') == 6
    for _colour, label in chart.legend:
        assert f"</svg>{label}</li>" in html  # every colour has its words
    assert html.count('<th scope="row">') == 40
    for _name, url, display in chart.rows:
        assert f'<a href="{url}">' in html
        assert display in html
    table = html[html.index("<table") :]
    assert table.index(chart.rows[0][0]) < table.index(chart.rows[-1][0])


@pytest.mark.usefixtures("drawing_from_this_database")
def test_a_map_without_links_is_a_plain_image():
    chart = build(area_values()[:3], area_url=None)
    root = parse(chart.svg)

    assert root.get("role") == "img"
    assert root.findall(f"{SVG}a") == []
    assert all(path.find(f"{SVG}title") is not None for path in area_paths(root))
    assert all(url == "" for _, url, _ in chart.rows)


@pytest.mark.usefixtures("drawing_from_this_database")
def test_a_region_map_draws_only_that_region_closer():
    authority = LocalAuthority.objects.order_by("name").first()
    chart = build(
        [AreaValue(local_authority_id=authority.pk, value=3, display="3")],
        region_id=authority.region_id,
    )
    root = parse(chart.svg)

    in_region = LocalAuthority.objects.filter(region_id=authority.region_id).count()
    assert len(area_paths(root)) == in_region < 62
    assert not root.get("viewBox").startswith("0 0 600 ")


@pytest.mark.usefixtures("drawing_from_this_database")
def test_area_names_are_escaped_and_values_elsewhere_ignored():
    authority = LocalAuthority.objects.order_by("name").first()
    chart = build(
        [
            AreaValue(local_authority_id=authority.pk, value=5, display="<b>5</b>"),
            AreaValue(local_authority_id=999_999, value=7, display="7"),
        ]
    )

    assert "<b>" not in chart.svg
    parse(chart.svg)
    assert [display for _, _, display in chart.rows] == ["<b>5</b>"]
    html = render_to_string("cuts/includes/choropleth.html", {"map": chart})
    assert "&lt;b&gt;5&lt;/b&gt;" in html


@pytest.mark.usefixtures("drawing_from_this_database")
def test_a_map_with_no_values_says_there_is_nothing_yet():
    chart = build([])
    html = render_to_string("cuts/includes/choropleth.html", {"map": chart})

    assert chart.rows == ()
    assert "Nothing to show yet." in html
    assert "<table" not in html


@pytest.mark.usefixtures("drawing_from_this_database")
def test_there_is_no_map_before_the_boundaries_are_loaded():
    LocalAuthority.objects.all().delete()
    north_drawing_reset()

    assert build(area_values()) is None


# ---- The share image


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_the_share_image_is_a_1200_by_630_png():
    data = share_image_png(
        title="Leeds: threats and cuts",
        subtitle="What people have reported in Leeds",
        figures=[("120", "cuts reported"), ("£4.2m", "a year"), ("35", "jobs lost")],
        chart=state_chart(),
    )

    image = open_png(data)
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert image.getpixel((5, 5)) == (11, 85, 99)  # the brand band


def test_the_share_image_copes_with_long_texts_no_chart_and_no_figures():
    long = "A very long title " * 20
    for chart in (
        None,
        state_chart(bars=()),
        state_chart(bars=(Bar(label=long, value=1, display=long),)),
    ):
        data = share_image_png(
            title=long,
            subtitle=long,
            figures=[(long, long)] * 6,
            chart=chart,
        )
        assert open_png(data).size == (1200, 630)
    assert open_png(share_image_png(title="", subtitle="", figures=[], chart=None)).size == (
        1200,
        630,
    )
