"""The standing pages, the layout's landmarks and the security headers."""

from __future__ import annotations

import re

import pytest

STANDING_PAGES = ["/", "/privacy/", "/guidelines/"]


@pytest.mark.parametrize("path", STANDING_PAGES)
def test_standing_pages_have_landmarks_a_skip_link_and_one_heading(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    assert html.count("<h1") == 1
    assert '<html lang="en-GB">' in html
    assert 'name="viewport"' in html


@pytest.mark.parametrize("path", STANDING_PAGES)
def test_pages_carry_no_inline_script(client, db, path):
    html = client.get(path).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in html
    assert " onclick=" not in html


def test_security_headers_and_a_strict_content_security_policy(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_home_page_says_what_the_platform_is_for(client, db):
    html = client.get("/").content.decode()
    for phrase in ("North East", "North West", "Yorkshire", "stories", "map"):
        assert phrase in html


def test_guidelines_say_everyone_is_welcome_and_no_agendas(client, db):
    html = client.get("/guidelines/").content.decode()
    assert "Everyone is welcome" in html
    assert "Be respectful" in html
    assert "organisational, political, ideological or commercial agenda" in html


def test_navigation_shows_only_sections_that_exist(client, db):
    html = client.get("/").content.decode()
    nav = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/areas/"' in nav
    assert 'href="/stories/"' in nav
    assert 'href="/forum/"' in nav
    assert 'href="/gatherings/"' in nav
    assert 'href="/help/"' in nav


def test_unknown_pages_get_a_helpful_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
