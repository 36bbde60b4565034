"""Branded error pages, and a 500 page that renders with the database down."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.template import loader
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    return Client(raise_request_exception=False)


def _assert_branded(html: str) -> None:
    assert '<header class="site-header">' in html
    assert "<footer" in html
    assert "img/logo.svg" in html
    assert 'action="/search/"' in html and 'name="q"' in html
    assert 'href="/"' in html
    assert html.count("<h1") == 1


def test_404_is_branded_with_search_and_the_way_home(production_errors):
    response = production_errors.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_branded(html)
    assert "Page not found" in html
    # The full menu, as on every page.
    assert 'href="/stories/"' in html


def test_500_is_branded(production_errors, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    # The URL resolver holds the view itself: break what it calls instead.
    monkeypatch.setattr("bigsocnorth.core.views.render", broken)
    response = production_errors.get("/privacy/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_branded(html)
    assert "Something went wrong on our side" in html
    assert "Big Society in the North" in html


def test_500_renders_with_no_context_and_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    _assert_branded(html)
    assert 'href="/stories/"' in html  # the menu needs no request


def test_500_page_still_renders_when_the_database_is_down(production_errors, monkeypatch):
    def database_down(self, *args, **kwargs):
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(CursorWrapper, "execute", database_down)
    monkeypatch.setattr(CursorWrapper, "executemany", database_down)
    response = production_errors.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    _assert_branded(html)
    assert "Something went wrong on our side" in html


@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("400.html", "not right"),
        ("403.html", "You cannot do that"),
        ("403_csrf.html", "Please try again"),
    ],
)
def test_other_error_pages_are_branded(rf, template, heading):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    html = loader.get_template(template).render({}, request)
    assert '<header class="site-header">' in html
    assert heading in html
