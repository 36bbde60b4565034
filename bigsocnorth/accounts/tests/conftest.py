"""Fixtures and helpers for the accounts tests."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

DATA_SCRIPT_TYPES = ("application/json", "application/ld+json")


class PageAudit(HTMLParser):
    """What a page's markup says about headings, form controls and labels."""

    def __init__(self):
        super().__init__()
        self.h1_count = 0
        self.label_targets: set[str] = set()
        self.controls: list[dict] = []
        self.scripts: list[dict] = []
        self.links: list[dict] = []
        self.has_skip_link = False
        self.meta: dict[str, str] = {}
        self.tags: list[str] = []
        self.attribute_names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.attribute_names.update(attrs)
        if tag == "h1":
            self.h1_count += 1
        elif tag == "label" and attrs.get("for"):
            self.label_targets.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            self.controls.append({"tag": tag, **attrs})
        elif tag == "script":
            self.scripts.append(attrs)
        elif tag == "a":
            self.links.append(attrs)
            if "skip-link" in (attrs.get("class") or ""):
                self.has_skip_link = True
        elif tag == "meta" and attrs.get("property"):
            self.meta[attrs["property"]] = attrs.get("content", "")

    def unlabelled_controls(self) -> list[dict]:
        missing = []
        for control in self.controls:
            if control.get("type") in ("hidden", "submit", "button"):
                continue
            if control.get("aria-label") or control.get("aria-labelledby"):
                continue
            if control.get("id") in self.label_targets:
                continue
            missing.append(control)
        return missing


def audit(response) -> PageAudit:
    parser = PageAudit()
    parser.feed(response.content.decode())
    return parser


def assert_accessible_page(response) -> PageAudit:
    """The page uses the site's base template, has one h1 and labels every field."""
    page = audit(response)
    assert page.has_skip_link, "page does not extend base.html"
    assert page.h1_count == 1, f"{page.h1_count} h1 elements"
    assert page.unlabelled_controls() == []
    # No inline scripts (the CSP forbids them); only files and data blocks.
    for script in page.scripts:
        assert script.get("src") or script.get("type") in DATA_SCRIPT_TYPES
    return page


def login_through_form(client, *, email: str, password: str):
    """Log in the way a person does, so allauth records a fresh authentication."""
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def other_area(db):
    from bigsocnorth.places.models import LocalAuthority

    return LocalAuthority.objects.get(code="E08000035")  # Leeds
