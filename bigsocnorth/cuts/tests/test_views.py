"""The cuts pages as people use them: the list, a cut, reporting, updating, verdicts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.cuts import services
from bigsocnorth.cuts.models import Cut, Evidence, TimelineEntry
from bigsocnorth.cuts.tests.conftest import SHEFFIELD_POINT
from bigsocnorth.moderation.permissions import is_public

pytestmark = pytest.mark.django_db


def _report_form(area, **overrides) -> dict:
    data = {
        "title": "Page Hall youth club to close",
        "summary": "A letter to parents says the club closes at Easter.",
        "kind": "closure",
        "sector": "youth",
        "state": "proposed",
        "place": "Page Hall",
        "place_latitude": str(SHEFFIELD_POINT[0]),
        "place_longitude": str(SHEFFIELD_POINT[1]),
        "place_chosen": "Page Hall",
        "money_yearly": "£45k",
        "link_1": "https://news.sheffield.example/youth-club",
    }
    data.update(overrides)
    return data


def test_the_list_filters_and_shows_public_cuts_only(client, area, moderator, report):
    shown = report(moderator)
    report(moderator, title="Firth Park pool closing", sector="sport", kind="closure")
    waiting = report(None, title="Rumour about the museum")
    page = client.get(reverse("cuts:cut_list"), {"area": area.slug, "sector": "libraries"})
    assert page.status_code == 200
    text = page.content.decode()
    assert shown.title in text
    assert "Firth Park pool" not in text
    assert waiting.title not in text


def test_a_cut_page_shows_its_facts_and_timeline(client, area, moderator, report):
    cut = report(moderator)
    page = client.get(cut.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert "£120,000" in text and "Proposed" in text
    assert "democracy.sheffield.example" in text
    # Visitors cannot see a report waiting for review.
    waiting = report(None, title="A report in review")
    assert client.get(waiting.get_absolute_url()).status_code == 404


def test_a_visitor_reports_a_cut_without_an_account_and_it_waits_for_review(
    client, area, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cuts:cut_report"), _report_form(area, email="reporter@example.org")
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("cuts:cut_reported")
    cut = Cut.objects.get()
    assert cut.author is None and not is_public(cut)
    assert cut.reporter_email == "reporter@example.org" and not cut.reporter_email_confirmed
    # One link to confirm the address; it is never shown on any page.
    (message,) = mail.outbox
    link = next(word for word in message.body.split() if "/report/confirm/" in word)
    assert "reporter@example.org" not in message.body
    assert client.get(link.split("8000", 1)[-1]).status_code == 200
    cut.refresh_from_db()
    assert cut.reporter_email_confirmed


def test_a_bad_confirmation_link_says_so(client):
    assert client.get(reverse("cuts:reporter_email_confirm", args=["forged"])).status_code == 400


def test_a_report_with_mistakes_says_what_and_saves_nothing(client, area):
    data = _report_form(
        area,
        title="",
        money_yearly="-£5",
        announced_on="2026-05-01",
        decision_due_on="2026-03-01",
        link_1="http://192.168.0.1/minutes",
    )
    response = client.post(reverse("cuts:cut_report"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Say in a few words what is threatened." in text
    assert "cannot be negative" in text
    assert "The decision cannot be due before the cut was announced." in text
    assert not Cut.objects.exists()


def test_a_private_address_as_evidence_is_refused(client, area, member, password):
    client.login(email=member.email, password=password)
    response = client.post(
        reverse("cuts:cut_report"), _report_form(area, link_1="http://localhost/admin")
    )
    assert response.status_code == 400
    assert "local network" in response.content.decode()
    assert not Cut.objects.exists()


def test_a_document_that_is_not_a_pdf_is_refused(client, area, member, password):
    client.login(email=member.email, password=password)
    fake = SimpleUploadedFile("minutes.pdf", b"<script>alert(1)</script>", "application/pdf")
    response = client.post(reverse("cuts:cut_report"), {**_report_form(area), "documents": fake})
    assert response.status_code == 400
    assert "Upload a PDF or a picture" in response.content.decode()
    assert not Cut.objects.exists() and not Evidence.objects.exists()


def test_hostile_text_is_shown_as_text(client, area, moderator, password):
    client.login(email=moderator.email, password=password)
    client.post(
        reverse("cuts:cut_report"),
        _report_form(area, title="<script>alert('x')</script> closure"),
    )
    cut = Cut.objects.get()
    text = client.get(cut.get_absolute_url()).content.decode()
    assert "<script>alert('x')</script>" not in text
    assert "&lt;script&gt;" in text


def test_a_filled_in_robot_field_is_refused(client, area):
    response = client.post(reverse("cuts:cut_report"), _report_form(area, website="spam"))
    assert response.status_code == 403
    assert not Cut.objects.exists()


def test_a_flood_of_visitor_reports_is_stopped_with_nothing_half_saved(client, area):
    for number in range(5):
        data = _report_form(area, title=f"Different cut number {number}", send_anyway="1")
        assert client.post(reverse("cuts:cut_report"), data).status_code == 302
    response = client.post(
        reverse("cuts:cut_report"), _report_form(area, title="One too many", send_anyway="1")
    )
    assert response.status_code == 429
    assert "Too many reports" in response.content.decode()
    assert Cut.objects.count() == 5
    assert not Cut.objects.filter(title="One too many").exists()


def test_similar_reports_are_offered_before_a_report_is_sent(
    client, area, moderator, member, password, report
):
    existing = report(moderator, title="Page Hall youth club to close")
    client.login(email=member.email, password=password)
    response = client.post(reverse("cuts:cut_report"), _report_form(area))
    assert response.status_code == 200
    assert "Is it one of these?" in response.content.decode()
    assert existing.get_absolute_url() in response.content.decode()
    assert Cut.objects.count() == 1
    sent = client.post(reverse("cuts:cut_report"), {**_report_form(area), "send_anyway": "1"})
    assert sent.status_code == 302
    assert Cut.objects.count() == 2


def test_a_member_adds_an_update_with_a_clean_document(client, area, moderator, password, report):
    pikepdf = pytest.importorskip("pikepdf")
    cut = report(moderator)
    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = ["Jo Officer"]
    pdf.docinfo["/Author"] = "Jo Officer"
    buffer = io.BytesIO()
    pdf.save(buffer)
    client.login(email=moderator.email, password=password)
    response = client.post(
        reverse("cuts:timeline_add", args=[cut.slug]),
        {
            "kind": "state",
            "state": "consultation",
            "happened_on": date.today().isoformat(),
            "text": "The consultation is open.",
            "documents": SimpleUploadedFile("consultation.pdf", buffer.getvalue()),
        },
    )
    assert response.status_code == 302
    cut.refresh_from_db()
    assert cut.state == "consultation"
    evidence = Evidence.objects.get(document__gt="")
    downloaded = client.get(reverse("cuts:evidence_download", args=[cut.slug, evidence.pk]))
    body = b"".join(downloaded.streaming_content)
    assert body.startswith(b"%PDF-")
    assert b"Jo Officer" not in body


def test_an_update_on_a_hidden_cut_is_refused(client, area, moderator, member, password, report):
    from bigsocnorth.moderation.services import content_hide

    cut = report(moderator)
    content_hide(actor=moderator, content=cut, reason="Not a cut")
    client.login(email=member.email, password=password)
    response = client.post(
        reverse("cuts:timeline_add", args=[cut.slug]),
        {"kind": "news", "happened_on": "2026-01-15", "text": "More news"},
    )
    assert response.status_code == 404
    assert TimelineEntry.objects.filter(cut=cut).count() == 1


def test_a_moderator_verifies_with_a_public_note(client, moderator, password, report):
    cut = report(moderator)
    client.login(email=moderator.email, password=password)
    client.post(
        reverse("cuts:cut_verify", args=[cut.slug]),
        {"verification": "verified", "note": "Checked the cabinet papers."},
    )
    cut.refresh_from_db()
    assert cut.verification == "verified"
    page = client.get(cut.get_absolute_url()).content.decode()
    assert "Checked the cabinet papers." in page


def test_a_member_cannot_verify(client, member, password, moderator, report):
    cut = report(moderator)
    client.login(email=member.email, password=password)
    response = client.post(
        reverse("cuts:cut_verify", args=[cut.slug]), {"verification": "verified", "note": "Me"}
    )
    assert response.status_code == 403
    cut.refresh_from_db()
    assert cut.verification != "verified"


def test_members_confirm_once_each(client, member, password, moderator, report):
    cut = report(moderator)
    client.login(email=member.email, password=password)
    for _ in range(2):
        client.post(reverse("cuts:cut_confirm", args=[cut.slug]), {"note": "I go there"})
    cut.refresh_from_db()
    assert cut.confirmation_count == 1


def test_a_moderator_merges_a_duplicate(client, moderator, password, report):
    kept = report(moderator, title="Burngreave library closure")
    duplicate = report(moderator, title="Library in Burngreave shutting")
    other = UserFactory()
    services.cut_confirm(user=other, cut=duplicate)
    client.login(email=moderator.email, password=password)
    response = client.post(
        reverse("cuts:cut_merge", args=[duplicate.slug]), {"into": kept.get_absolute_url()}
    )
    assert response.status_code == 302
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert kept.confirmation_count == 1
    assert duplicate.merged_into == kept and not is_public(duplicate)
    assert client.get(duplicate.get_absolute_url()).status_code in (301, 404)


def test_decisions_due_soon(client, moderator, report):
    from datetime import timedelta

    soon = report(moderator, decision_due_on=date.today() + timedelta(days=5))
    report(moderator, title="Due much later", decision_due_on=date.today() + timedelta(days=300))
    text = client.get(reverse("cuts:decisions_due")).content.decode()
    assert soon.title in text and "Due much later" not in text


def test_followers_of_a_cut_hear_when_its_timeline_moves(
    client, member, password, moderator, report
):
    from bigsocnorth.notifications.models import Notification

    cut = report(moderator)
    client.login(email=member.email, password=password)
    page = client.get(cut.get_absolute_url()).content.decode()
    assert "Follow" in page
    from bigsocnorth.notifications.services import follow_create

    follow_create(user=member, target=cut)
    services.timeline_entry_add(
        author=moderator,
        cut=cut,
        kind="state",
        state="decided",
        happened_on=date.today(),
        text="Cabinet decided.",
    )
    notice = Notification.objects.get(recipient=member)
    assert "Decided" in notice.message and cut.get_absolute_url() in notice.url


def test_followers_of_an_area_hear_of_a_new_cut(member, moderator, area, report):
    from bigsocnorth.notifications.models import Notification
    from bigsocnorth.notifications.services import follow_create

    follow_create(user=member, target=area)
    cut = report(moderator)
    assert Notification.objects.get(recipient=member).url == cut.get_absolute_url()


def test_a_new_members_update_waits_in_the_queue_then_moves_the_cut(
    client, moderator, password, report
):
    from bigsocnorth.moderation.services import content_approve

    cut = report(moderator)
    newcomer = UserFactory()
    entry = services.timeline_entry_add(
        author=newcomer,
        cut=cut,
        kind="state",
        state="decided",
        happened_on=date.today(),
        text="Cabinet voted it through last night.",
    )
    assert not is_public(entry)
    client.login(email=moderator.email, password=password)
    queue = client.get(reverse("moderation:queue")).content.decode()
    assert "Cabinet voted it through last night." in queue and cut.title in queue
    content_approve(actor=moderator, content=entry)
    cut.refresh_from_db()
    assert cut.state == "decided"


def test_a_moderator_corrects_a_reports_figures_and_the_dashboard_follows(
    client, area, moderator, password, report
):
    from bigsocnorth.cuts.dashboards import dashboard_figures

    cut = report(moderator)
    client.login(email=moderator.email, password=password)
    form = client.get(reverse("cuts:cut_edit", args=[cut.slug])).content.decode()
    assert 'value="£120,000"' in form
    data = _report_form(area, title=cut.title, money_yearly="£1.5m", kind="hours")
    response = client.post(reverse("cuts:cut_edit", args=[cut.slug]), data)
    assert response.status_code == 302
    cut.refresh_from_db()
    assert cut.money_yearly == 150_000_000 and cut.kind == "hours"
    assert cut.state == "proposed"  # the state moves only on the timeline
    assert dashboard_figures(area).total.money_yearly == 150_000_000


def test_only_moderators_correct_a_public_report(client, member, moderator, password, report):
    cut = report(member)  # a new member's: in review, theirs to correct
    client.login(email=member.email, password=password)
    assert client.get(reverse("cuts:cut_edit", args=[cut.slug])).status_code == 200
    from bigsocnorth.moderation.services import content_approve

    content_approve(actor=moderator, content=cut)
    assert client.get(reverse("cuts:cut_edit", args=[cut.slug])).status_code == 403
    bad = client.post(reverse("cuts:cut_edit", args=[cut.slug]), {"title": "Changed"})
    assert bad.status_code == 403
    cut.refresh_from_db()
    assert cut.title != "Changed"


def test_a_correction_with_mistakes_changes_nothing(client, area, moderator, password, report):
    cut = report(moderator)
    client.login(email=moderator.email, password=password)
    data = _report_form(area, title="", money_yearly="£20bn")
    response = client.post(reverse("cuts:cut_edit", args=[cut.slug]), data)
    assert response.status_code == 400
    assert "more than £10bn" in response.content.decode()
    cut.refresh_from_db()
    assert cut.title == "Burngreave library to close" and cut.money_yearly == 12_000_000


@pytest.mark.parametrize("page", ["/", "/areas/sheffield/", "{profile}"])
def test_pages_showing_cut_cards_load_their_styles(client, moderator, report, page):
    cut = report(moderator)
    path = page.format(profile=moderator.profile.get_absolute_url())
    text = client.get(path).content.decode()
    assert cut.title in text
    assert "cuts/cuts" in text and ".css" in text


def test_a_verdict_that_cannot_be_recorded_says_why(client, moderator, password, report):
    cut = report(moderator)
    client.login(email=moderator.email, password=password)
    for data, message in (
        ({"verification": "verified", "note": "x" * 1_001}, "at most 1,000 characters"),
        ({"note": "Checked"}, "Choose a verdict."),
        ({"verification": "verified", "note": ""}, "Say, in public, how it was checked."),
    ):
        page = client.post(reverse("cuts:cut_verify", args=[cut.slug]), data, follow=True)
        assert message in page.content.decode()
    cut.refresh_from_db()
    assert cut.verification != "verified"


def test_followers_of_the_council_deciding_hear_when_a_timeline_moves(
    member, moderator, area, report
):
    from bigsocnorth.notifications.models import Notification
    from bigsocnorth.notifications.services import follow_create
    from bigsocnorth.places.models import LocalAuthority

    leeds = LocalAuthority.objects.get(slug="leeds")
    cut = report(moderator, decided_by_code=leeds.code)
    follow_create(user=member, target=leeds)
    services.timeline_entry_add(
        author=moderator,
        cut=cut,
        kind="state",
        state="withdrawn",
        happened_on=date.today(),
        text="Withdrawn.",
    )
    (notice,) = Notification.objects.filter(recipient=member)
    assert "Withdrawn" in notice.message
