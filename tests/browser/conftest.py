"""Browser journeys: Playwright driving Debian's Chromium, axe on every page.

`visit()` and `check_page()` are how a journey looks at a page: each page is
checked with axe-core (no violations allowed), and the test fails if the
browser reported a Content Security Policy violation or a JavaScript error.
Requests to anything but the live test server are refused, so no test ever
touches the internet (map tiles simply do not load).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WIDTHS = {"desktop": (1280, 900), "phone": (360, 740)}
# Background tasks run at once, inside the request, so a journey sees their result.
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": settings.TASK_QUEUES,
    }
}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
_axe = Axe()
_WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 12)
  .map(e => e.tagName + '.' + e.className)"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: run scripts/ensure-chromium "
            "(or apt-get install chromium)."
        )
    # Playwright's sync API runs an event loop in this thread while the
    # browser is open; Django would otherwise refuse the ORM calls that the
    # tests and the database fixtures make. Scoped to this package only.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageProblems:
    """Console errors and CSP violations the browser reported for one test."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.blocked: list[str] = []

    def record_console(self, message) -> None:
        if message.type == "error" and not self._is_blocked_outside_request(message.text):
            self.errors.append(message.text)

    @staticmethod
    def _is_blocked_outside_request(text: str) -> bool:
        # The test aborts requests to other hosts (map tiles): the browser
        # logs each as a failed load, which is expected here.
        return "net::ERR_FAILED" in text or "Failed to load resource" in text


def _open_page(browser: Browser, live_server, width: str, *, javascript: bool = True):
    viewport_width, viewport_height = WIDTHS[width]
    context = browser.new_context(
        viewport={"width": viewport_width, "height": viewport_height},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(15_000)
    live_host = urlsplit(live_server.url).netloc
    problems = PageProblems()

    def only_the_live_server(route):
        if not javascript and route.request.resource_type == "script":
            # "Without JavaScript": none of the site's scripts ever run. The
            # CSP forbids inline scripts, so blocking script files is the
            # whole of it, and axe (injected by the test, not the page) can
            # still check the page a no-JavaScript visitor gets.
            route.abort()
        elif urlsplit(route.request.url).netloc == live_host:
            route.continue_()
        else:
            problems.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_live_server)
    page = context.new_page()
    page.on("console", problems.record_console)
    page.on("pageerror", lambda error: problems.errors.append(f"JavaScript error: {error}"))
    page.problems = problems
    page.width_name = width
    return context, page


@pytest.fixture(params=list(WIDTHS))
def page(request, browser, live_server) -> Iterator[Page]:
    """A page at desktop and at phone width (each test runs at both)."""
    context, page = _open_page(browser, live_server, request.param)
    yield page
    problems = page.problems.errors
    context.close()
    assert not problems, f"The browser reported problems: {problems}"


@pytest.fixture(params=list(WIDTHS))
def page_without_javascript(request, browser, live_server) -> Iterator[Page]:
    context, page = _open_page(browser, live_server, request.param, javascript=False)
    page.width_name = f"{request.param}-no-js"
    yield page
    context.close()


def check_page(page: Page, name: str | None = None) -> None:
    """Run axe on the current page and keep a screenshot of it."""
    page.wait_for_load_state("load")
    results = _axe.run(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Named after the first two parts of the path (not one-off keys in links).
    parts = [part for part in urlsplit(page.url).path.lower().split("/") if part][:2]
    slug = name or re.sub(r"[^a-z0-9]+", "-", "-".join(parts)).strip("-") or "home"
    page.screenshot(path=SCREENSHOTS / f"{slug}-{page.width_name}.png", full_page=True)
    assert results.violations_count == 0, (
        f"axe found accessibility problems on {page.url}:\n{results.generate_report()}"
    )
    horizontal_scroll = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    # Name what sticks out, so a failure says where to look.
    assert not horizontal_scroll, (
        f"{page.url} scrolls sideways at {page.width_name} width: {page.evaluate(_WIDE_ELEMENTS)}"
    )


def visit(page: Page, url: str, name: str | None = None) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    check_page(page, name)


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Log in through the real form; allauth then shows the profile page."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/profile/$"))


def open_menu(page: Page) -> None:
    """On phones the header's menus are behind the Menu button: open them if so."""
    button = page.locator(".menu-button")
    if button.is_visible() and page.locator(".site-menu[open]").count() == 0:
        button.click()


def log_out(page: Page) -> None:
    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")


def choose_place_by_keyboard(page: Page, box, typed: str, wanted: str) -> None:
    """In a place picker's name box: type part of a name, then choose the suggestion
    named `wanted` with the arrow keys and Enter, as a keyboard user does."""
    box.press_sequentially(typed, delay=30)
    page.get_by_role("option", name=re.compile(f"^{re.escape(wanted)} ")).first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    for _ in range(8):
        box.press("ArrowDown")
        active = page.locator(f"#{box.get_attribute('aria-activedescendant')}")
        if active.locator(".place-suggestion-name").inner_text() == wanted:
            break
    box.press("Enter")
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == wanted
