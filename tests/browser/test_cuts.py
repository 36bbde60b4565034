"""The threats and cuts journeys: a visitor reports a cut without an account and a moderator
approves and verifies it; a member adds an update with a PDF whose hidden details are gone
when it is downloaded; a visitor reads a council's dashboard, its tables and its CSV.

Reporting and verifying run at 360 px without JavaScript (the form and the verdict are plain
HTML); the update and the dashboard run at 1280 and 360 px. Axe checks every page.
"""

from __future__ import annotations

import csv
import io
import re

import pikepdf
import pytest
from django.utils import timezone

from bigsocnorth.cuts import services
from bigsocnorth.cuts.models import Cut, TimelineEntry
from bigsocnorth.cuts.tests.conftest import SHEFFIELD_POINT, report_values
from bigsocnorth.moderation.models import Status
from tests.browser.conftest import check_page, log_in, visit

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Page Hall youth club to close"
NOTE = "Checked against the cabinet papers of 4 March."
_REPEATED_IDS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(element => element.id);
  return ids.filter((id, index) => ids.indexOf(id) !== index);
}"""


def _pdf_by_jo_officer(path) -> None:
    """A one-page PDF whose hidden details name the council officer who wrote it."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = ["Jo Officer"]
    pdf.docinfo["/Author"] = "Jo Officer"
    pdf.save(path)
    # The premise of the test: the file really carries the name.
    assert b"Jo Officer" in path.read_bytes()


def _published_cut(author, area, **overrides) -> Cut:
    cut = services.cut_report(author=author, values=report_values(area, **overrides))
    assert cut.status == Status.PUBLISHED
    return cut


# --- 1 and 2. A visitor's report, approved and verified by a moderator ------------------------


@pytest.mark.parametrize("page_without_javascript", ["phone"], indirect=True)
def test_a_visitor_reports_a_cut_and_a_moderator_approves_and_verifies_it(
    page_without_javascript, live_server, moderator, password, area
):
    page = page_without_javascript
    base_url = live_server.url

    visit(page, f"{base_url}/cuts/report/", "cuts-report")
    page.get_by_label("What is threatened or cut?").fill(TITLE)
    page.get_by_label("What is happening, and how do you know?").fill(
        "A letter to parents says the club closes at Easter."
    )
    page.get_by_label("Kind of cut").select_option(label="Closure")
    page.get_by_label("Sector").select_option(label="Youth")
    page.get_by_label("Money a year (£)").fill("£45k")
    # Without JavaScript: the place's name, and its coordinates under "Advanced".
    page.get_by_label("Where", exact=True).fill("Page Hall")
    page.get_by_text("Advanced: coordinates").click()
    page.get_by_label("Latitude").fill(str(SHEFFIELD_POINT[0]))
    page.get_by_label("Longitude").fill(str(SHEFFIELD_POINT[1]))
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(re.compile(r"/cuts/report/thank-you/$"))
    check_page(page, "cuts-reported")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your report"
    cut = Cut.objects.get()
    assert (cut.title, cut.author, cut.status) == (TITLE, None, Status.IN_REVIEW)
    assert (cut.kind, cut.sector, cut.money_yearly) == ("closure", "youth", 4_500_000)
    assert cut.local_authority == area

    # Not public: the list does not show it and its page is not found.
    visit(page, f"{base_url}/cuts/", "cuts-list")
    assert page.get_by_role("link", name=TITLE).count() == 0
    assert page.goto(f"{base_url}{cut.get_absolute_url()}").status == 404
    check_page(page, "cuts-cut-not-found")

    # The moderator finds it in the queue and approves it.
    log_in(page, base_url, moderator.email, password)
    visit(page, f"{base_url}/moderation/", "cuts-moderation-queue")
    card = page.locator("li.queue-card").filter(has_text=TITLE)
    assert "A letter to parents says the club closes at Easter." in card.inner_text()
    card.get_by_role("button", name=re.compile("Approve and publish")).click()
    page.wait_for_url(re.compile(r"/moderation/"))
    check_page(page, "cuts-moderation-approved")
    cut.refresh_from_db()
    assert cut.status == Status.PUBLISHED

    # The verdict, with its public note.
    visit(page, f"{base_url}{cut.get_absolute_url()}", "cuts-cut")
    # The verdict's note and the confirmation's note are two boxes: each label leads to its own.
    repeated = page.evaluate(_REPEATED_IDS)
    assert not repeated, f"Ids used more than once on the cut page: {repeated}"
    page.get_by_label("Verified", exact=True).check()
    page.get_by_label("Public note: how it was checked").fill(NOTE)
    page.get_by_role("button", name="Record the verdict").click()
    page.wait_for_url(re.compile(re.escape(cut.get_absolute_url()) + "$"))
    page.get_by_text("The verdict and its note are on the report.").wait_for()
    check_page(page, "cuts-cut-verified")
    assert page.locator(".cut-badges").get_by_text("Verified by a moderator").is_visible()
    assert NOTE in page.locator(".notice").filter(has_text="Moderator's note:").inner_text()
    assert NOTE.rstrip(".") in page.locator(".cut-timeline").inner_text()
    cut.refresh_from_db()
    assert (cut.verification, cut.verification_note) == ("verified", NOTE)


# --- 3. A member's update with a document ----------------------------------------------------


def test_a_member_adds_an_update_with_a_document_stripped_of_its_author(
    page, live_server, member, moderator, password, area, settings, tmp_path
):
    # A member whose contributions are trusted: the update is public at once (the review
    # path is the report's, above).
    settings.NEW_MEMBER_REVIEW_COUNT = 0
    base_url = live_server.url
    cut = _published_cut(moderator, area)
    papers = tmp_path / "consultation-papers.pdf"
    _pdf_by_jo_officer(papers)

    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}{cut.get_absolute_url()}", "cuts-cut")
    page.get_by_role("link", name="Add an update").click()
    page.wait_for_url(re.compile(r"/update/$"))
    check_page(page, "cuts-update")
    page.get_by_label("The cut moved on").check()
    page.get_by_label("Its state now").select_option(label="Under consultation")
    page.get_by_label("When").fill(timezone.localdate().isoformat())
    page.get_by_label("Tell people about it").fill("The consultation is open until the end of May.")
    page.get_by_label("Documents").set_input_files(str(papers))
    page.get_by_role("button", name="Add the update").click()
    page.wait_for_url(re.compile(re.escape(cut.get_absolute_url()) + "$"))
    page.get_by_text("Your update is on the timeline.").wait_for()
    check_page(page, "cuts-cut-updated")

    update = page.locator(".cut-timeline-entry").filter(has_text="The consultation is open")
    assert "Under consultation" in update.inner_text()
    entry = TimelineEntry.objects.get(cut=cut, author=member)
    assert entry.status == Status.PUBLISHED
    cut.refresh_from_db()
    assert cut.state == "consultation"
    with page.expect_download() as download:
        update.get_by_role("link", name="consultation-papers.pdf").click()
    body = download.value.path().read_bytes()
    assert body.startswith(b"%PDF-")
    assert b"Jo Officer" not in body


# --- 4. A council's dashboard ----------------------------------------------------------------


def test_a_visitor_reads_a_councils_dashboard_and_downloads_its_figures(
    page, live_server, moderator, area
):
    base_url = live_server.url
    _published_cut(moderator, area)  # libraries, £120,000 a year
    _published_cut(
        moderator, area, title="Firth Park library hours halved", kind="hours",
        money_yearly="£30,000", posts_lost="1",
    )  # fmt: skip
    _published_cut(
        moderator, area, title=TITLE, sector="youth", money_yearly="£45,000", posts_lost="2"
    )

    visit(page, f"{base_url}/cuts/dashboards/council/{area.slug}/", "cuts-dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == "Threats and cuts in Sheffield"
    figures = page.locator(".cut-figures")
    assert "£195,000" in figures.inner_text()

    chart = page.locator("#chart-by-sector")
    table = chart.locator("table.chart-table")
    table.scroll_into_view_if_needed()
    assert table.is_visible()
    assert chart.locator("svg").count() == 1
    rows = [
        [cell.inner_text() for cell in row.locator("th, td").all()]
        for row in table.locator("tbody tr").all()
    ]
    assert rows == [["Youth", "1"], ["Libraries", "2"]]  # in the sectors' own order
    money = page.locator("#chart-money-by-sector table.chart-table tbody tr")
    assert money.filter(has_text="Libraries").locator("td").inner_text() == "£150,000"

    if page.width_name == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= 360 + 1

    with page.expect_download() as download:
        page.get_by_role("link", name="Download them (CSV)").click()
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8"))))
    assert sorted(row["title"] for row in exported) == sorted(
        ["Burngreave library to close", "Firth Park library hours halved", TITLE]
    )
    assert {row["local_authority"] for row in exported} == {"Sheffield"}
    youth = next(row for row in exported if row["title"] == TITLE)
    assert (youth["sector"], youth["money_yearly_gbp"], youth["posts_lost"]) == (
        "youth",
        "45000",
        "2",
    )

    # A chart's own CSV: the table behind it, money in pounds.
    chart_csv = page.request.get(f"{base_url}{chart.locator('.chart-csv a').get_attribute('href')}")
    assert chart_csv.ok
    by_sector = {row[""]: row for row in csv.DictReader(io.StringIO(chart_csv.text()))}
    assert (by_sector["Libraries"]["cuts"], by_sector["Youth"]["cuts"]) == ("2", "1")
    assert by_sector["Libraries"]["posts_lost"] == "4"
