"""The design system: colour contrast of the tokens, avatars, the /design/ page, the icons."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from bigsocnorth.core import design
from bigsocnorth.core.templatetags.core_tags import AVATAR_COLOURS, avatar_colour, initials

STATIC = Path(settings.BASE_DIR) / "bigsocnorth" / "static"
CSS = (STATIC / "css" / "site.css").read_text(encoding="utf-8")


def test_contrast_ratio_matches_known_values():
    assert design.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert design.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert design.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert design.contrast_ratio("#fff", "#000") == pytest.approx(21.0)


@pytest.mark.parametrize("bad", ["red", "#12", "#gggggg", "rgb(0 0 0)", ""])
def test_contrast_refuses_what_is_not_a_hex_colour(bad):
    with pytest.raises(ValueError):
        design.relative_luminance(bad)


def test_tokens_are_read_from_the_root_block_following_references():
    tokens = design.parse_tokens(
        ":root { --a: #ffffff; --b: var(--a); --c: 1rem; } .x { --d: #000; }"
    )
    assert tokens == {"a": "#ffffff", "b": "var(--a)", "c": "1rem"}
    assert design.resolve(tokens, "b") == "#ffffff"
    with pytest.raises(ValueError):
        design.resolve({"a": "var(--b)", "b": "var(--a)"}, "a")


@pytest.mark.parametrize(
    "checked", design.check_pairs(design.parse_tokens(CSS)), ids=lambda c: c.pair.use
)
def test_every_colour_pair_in_use_passes_wcag_aa(checked):
    assert checked.passes, (
        f"{checked.pair.use}: --{checked.pair.foreground} {checked.foreground} on "
        f"--{checked.pair.background} {checked.background} is {checked.ratio:.2f}:1, "
        f"needs {checked.pair.minimum}:1"
    )


def test_avatar_colours_in_the_stylesheet_pass_with_white_initials():
    import re

    colours = dict(re.findall(r"\.avatar-(\d) \{ background: (#[0-9a-f]{6}); \}", CSS))
    assert sorted(colours) == [str(i) for i in range(AVATAR_COLOURS)]
    for colour in colours.values():
        assert design.contrast_ratio("#ffffff", colour) >= design.TEXT


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Amara Okafor", "AO"),
        ("Mary-Jo van Dyke", "MD"),
        ("siobhan", "S"),
        ("  Ravi   Kumar  Patel ", "RP"),
        ("Éilis Ó Dónaill", "ÉD"),
        ("(Leeds) Food Bank", "LB"),
        ("", ""),
        (None, ""),
        ("— …", ""),
        ("<script>", "S"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_avatar_colour_is_stable_and_spread():
    assert avatar_colour("Amara Okafor") == avatar_colour("  amara okafor ")
    colours = {avatar_colour(f"Person {n}") for n in range(200)}
    assert colours == set(range(AVATAR_COLOURS))


def test_avatar_include_escapes_and_hides_the_circle_from_screen_readers():
    html = Template('{% include "includes/avatar.html" with name=name %}').render(
        Context({"name": '<b>"Bad"</b> Name'})
    )
    assert 'aria-hidden="true"' in html
    assert "<b>" not in html


def test_design_page_shows_every_component_and_the_contrast_ratios(client, db):
    response = client.get("/design/")
    assert response.status_code == 200
    html = response.content.decode()
    for needle in (
        "--brand",
        "15.90:1",
        'class="button button-secondary"',
        "button-quiet",
        "badge-state-in-review",
        "notice-warning",
        'class="card-picture"',
        "card-picture-none",
        "empty-state",
        'class="avatar avatar-',
        'aria-invalid="true"',
        "helptext",
    ):
        assert needle in html, needle
    assert "ratio-fail" not in html


def test_design_page_ignores_what_is_sent_to_it(client, db):
    response = client.get("/design/", {"name": "<script>alert(1)</script>", "agree": "on" * 5000})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_design_page_only_answers_get(client, db):
    assert client.post("/design/").status_code == 405


def test_footer_links_to_the_design_page(client, db):
    assert 'href="/design/"' in client.get("/").content.decode()


def test_favicon_ico_leads_to_the_static_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/img/favicon.ico")
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html


def test_logo_and_favicon_are_small_svgs_and_the_ico_is_an_icon():
    for name in ("logo.svg", "favicon.svg"):
        svg = (STATIC / "img" / name).read_text(encoding="utf-8")
        assert svg.startswith("<svg") and 'viewBox="0 0' in svg
        assert len(svg) < 2000
        assert "<script" not in svg
    ico = (STATIC / "img" / "favicon.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and len(ico) < 10_000


def test_own_css_and_js_stay_within_the_budget():
    """60 KB compressed for the site's own CSS and JS on any page (vendored libraries aside)."""
    own = [STATIC / "css" / "site.css", STATIC / "js" / "site.js"]
    compressed = sum(len(gzip.compress(path.read_bytes(), 9)) for path in own)
    assert compressed < 60_000
