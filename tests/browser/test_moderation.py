"""The moderator's journey through the review queue: each card shows the content itself and
why it is there; hiding something and undoing it; blocking an author through the page that
says what will happen, with and without JavaScript.

Runs at 1280 and 360 px with axe on every page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.moderation import services
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.tests.helpers import entry_with_logo, waiting_story
from tests.browser.conftest import check_page, log_in, visit

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/work/shots/moderation")


def _media(request, path):
    # The test's own media folder, read when asked (each test has a fresh one).
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def _urlpatterns():
    from config.urls import urlpatterns

    return [re_path(r"^media/(?P<path>.*)$", _media), *urlpatterns]


# This module is the URL conf of its tests: the site's, and uploaded pictures served as
# the web server serves them in production, so the cards' pictures load.
urlpatterns = _urlpatterns()


@pytest.fixture(autouse=True)
def _pictures_served(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def queue_items(area, password):
    """A new member's story with a picture, a flagged entry with a logo, and a spammer's two."""
    newcomer = UserFactory(password=password)
    story = waiting_story(newcomer)
    flagger = UserFactory()
    flagged = entry_with_logo(
        area, name="Sheffield Bargain Windows", description="Cheap **double glazing**, call now."
    )
    services.flag_create(flagger=flagger, content=flagged, reason="agenda", note="An advert")
    spammer = UserFactory(password=password)
    spam = [
        EntryFactory(author=spammer, name=f"Win a prize {n}", status=Status.IN_REVIEW)
        for n in range(2)
    ]
    return {"story": story, "flagged": flagged, "spammer": spammer, "spam": spam}


def _card(page, text):
    return page.locator("li.queue-card").filter(has_text=text)


def _look_at_the_queue(page, base_url, story) -> None:
    visit(page, f"{base_url}/moderation/")
    page.screenshot(path=SHOTS / f"queue-{page.width_name}.png", full_page=True)
    card = _card(page, "Our repair café")
    assert "Every Saturday we fix things together" in card.inner_text()
    assert "first contribution" in card.inner_text()
    picture = card.get_by_role("img", name="Volunteers mending a bicycle")
    picture.scroll_into_view_if_needed()
    assert picture.evaluate("image => image.complete && image.naturalWidth") > 0
    # Approving is apart from the destructive actions, with room between every button.
    approve = card.get_by_role("button", name=re.compile("Approve and publish")).bounding_box()
    danger = card.locator(".queue-danger").bounding_box()
    hide = card.get_by_role("button", name=re.compile("Hide it from everyone")).bounding_box()
    block = card.get_by_role("link", name=re.compile("Block the author")).bounding_box()
    assert danger["y"] >= approve["y"] + approve["height"] + 12
    assert block["y"] >= hide["y"] + hide["height"] + 12


def _hide_and_undo(page, flagged) -> None:
    card = _card(page, "Sheffield Bargain Windows")
    assert "double glazing" in card.inner_text()
    assert "Promoting an agenda or advert" in card.inner_text()
    card.get_by_label("Why hide it? The author sees this.").fill("An advert for windows")
    card.get_by_role("button", name=re.compile("Hide it from everyone")).click()
    page.wait_for_load_state("load")
    check_page(page, "moderation-hidden")
    notice = page.locator(".queue-undo")
    assert "“Sheffield Bargain Windows” is hidden from everyone" in notice.inner_text()
    flagged.refresh_from_db()
    assert flagged.status == Status.HIDDEN
    page.screenshot(path=SHOTS / f"queue-undo-{page.width_name}.png", full_page=True)
    notice.get_by_role("button", name=re.compile("Undo")).click()
    page.wait_for_load_state("load")
    check_page(page, "moderation-undone")
    assert "back as it was" in page.locator(".messages").inner_text()
    flagged.refresh_from_db()
    assert flagged.status == Status.PUBLISHED
    assert _card(page, "Sheffield Bargain Windows").count() == 1  # flagged again, as it was


def _block(page, spammer, spam) -> None:
    _card(page, "Win a prize 0").get_by_role("link", name=re.compile("Block the author")).click()
    page.wait_for_load_state("load")
    check_page(page, "moderation-block")
    page.screenshot(path=SHOTS / f"block-{page.width_name}.png", full_page=True)
    name = spammer.profile.display_name
    assert page.locator("h1").inner_text() == f"Block {name}?"
    assert "2 contributions of theirs are waiting for review" in page.locator("main").inner_text()
    # Without a reason nothing happens, and the page says why.
    page.get_by_role("button", name=f"Block {name}").click()
    page.wait_for_load_state("load")
    check_page(page, "moderation-block-error")
    assert "Say why you are blocking this person." in page.locator("main").inner_text()
    spammer.refresh_from_db()
    assert spammer.is_active
    page.get_by_label(re.compile("Why block them")).fill("Only prize draws, all spam")
    page.get_by_role("button", name=f"Block {name}").click()
    page.wait_for_url(re.compile(r"/moderation/$"))
    check_page(page, "moderation-blocked")
    assert f"{name} is blocked" in page.locator(".messages").inner_text()
    spammer.refresh_from_db()
    assert not spammer.is_active
    for entry in spam:
        entry.refresh_from_db()
        assert entry.status == Status.HIDDEN


def test_moderator_reviews_hides_undoes_and_blocks(
    page, live_server, moderator, password, queue_items
):
    base_url = live_server.url
    log_in(page, base_url, moderator.email, password)
    _look_at_the_queue(page, base_url, queue_items["story"])
    _hide_and_undo(page, queue_items["flagged"])
    _block(page, queue_items["spammer"], queue_items["spam"])


def test_the_same_without_javascript(
    page_without_javascript, live_server, moderator, password, queue_items
):
    page = page_without_javascript
    base_url = live_server.url
    log_in(page, base_url, moderator.email, password)
    visit(page, f"{base_url}/moderation/")
    _hide_and_undo(page, queue_items["flagged"])
    _block(page, queue_items["spammer"], queue_items["spam"])
