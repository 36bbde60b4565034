"""Writing threats and cuts: reports, their timeline, verification, confirmation and merging.

Every bad input gets a message on the field it is about, and writes nothing at all.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pikepdf
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.cuts import services
from bigsocnorth.cuts.choices import CutState, EntryKind, Verification
from bigsocnorth.cuts.models import Confirmation, Cut, Evidence, TimelineEntry
from bigsocnorth.moderation.lifecycle import is_hidden, is_in_review
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.moderation.services import content_approve, content_hide
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.places.services import PlaceValue

pytestmark = pytest.mark.django_db

MINUTES = "https://www.sheffield.gov.uk/minutes/2026-03-04"


def report_values(area, **changes) -> dict:
    values = {
        "title": "Firth Park library to close",
        "summary": "The council proposes closing the library from April.\nConsultation now.",
        "kind": "closure",
        "sector": "libraries",
        "place": PlaceValue(
            name="Firth Park library", local_authority=area, latitude=53.38, longitude=-1.47
        ),
    }
    values.update(changes)
    return values


def report(author, area, *, links=(), **changes) -> Cut:
    return services.cut_report(author=author, values=report_values(area, **changes), links=links)


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def assert_nothing_written(settings) -> None:
    assert Cut.objects.count() == 0
    assert TimelineEntry.objects.count() == 0
    assert Evidence.objects.count() == 0
    assert stored_files(settings) == []


def refusal(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


def pdf_upload(name: str = "minutes.pdf") -> SimpleUploadedFile:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


# --- Reporting ---------------------------------------------------------------------------


def test_a_moderators_report_is_published_at_once_with_its_first_entry_and_evidence(
    moderator, area
):
    cut = services.cut_report(
        author=moderator,
        values=report_values(
            area,
            money_yearly="£250k",
            posts_lost="4",
            announced_on="2026-01-10",
            decision_due_on=date(2026, 3, 4),
            state="consultation",
        ),
        links=[{"url": MINUTES, "title": "Cabinet minutes"}],
    )

    cut.refresh_from_db()
    assert is_public(cut)
    assert list(Cut.objects.public()) == [cut]
    assert cut.state == CutState.CONSULTATION
    assert cut.state_since == date(2026, 1, 10)
    assert cut.money_yearly == 25_000_000
    assert cut.posts_lost == 4
    assert cut.financial_year == 2025  # March 2026 is in 2025/26
    assert cut.local_authority == area
    assert cut.decided_by_authority == area  # the place's own council, unless said otherwise
    assert cut.verification == Verification.EVIDENCE
    assert cut.slug == "firth-park-library-to-close"
    (first,) = cut.timeline.all()
    assert first.kind == EntryKind.REPORTED
    assert first.state == CutState.CONSULTATION
    assert first.happened_on == date(2026, 1, 10)
    # The first entry is part of the report: its byline is the report's.
    assert first.author is None and cut.author == moderator
    assert is_public(first)
    (evidence,) = first.evidence.all()
    assert (evidence.url, evidence.title) == (MINUTES, "Cabinet minutes")
    assert not evidence.document


def test_a_report_without_a_state_or_dates_is_proposed_since_today(moderator, area):
    cut = report(moderator, area, place=PlaceValue(name="", local_authority=area))

    assert cut.state == CutState.PROPOSED
    assert cut.state_since == timezone.localdate()
    assert (cut.latitude, cut.longitude) == (None, None)
    assert cut.affected_name == cut.title
    assert cut.verification == Verification.UNVERIFIED


def test_a_visitors_report_goes_to_review_and_is_not_public(area):
    cut = services.cut_report(
        author=None, values=report_values(area), reporter_email="reporter@example.org"
    )

    cut.refresh_from_db()
    assert is_in_review(cut)
    assert not Cut.objects.public().exists()
    assert cut.reporter_email == "reporter@example.org"
    assert not cut.reporter_email_confirmed
    assert cut.timeline.get().kind == EntryKind.REPORTED


def test_a_new_members_report_goes_to_review_and_keeps_no_reporter_email(member, area):
    cut = services.cut_report(
        author=member, values=report_values(area), reporter_email="someone@example.org"
    )

    assert is_in_review(cut)
    assert cut.reporter_email == ""


def test_two_reports_with_the_same_title_get_different_addresses(moderator, area):
    first = report(moderator, area)
    second = report(moderator, area)
    reserved = report(moderator, area, title="New")

    assert first.slug != second.slug
    assert second.slug == f"{first.slug}-2"
    assert reserved.slug == "new-2"


def test_html_in_the_title_is_kept_as_text_and_control_characters_are_dropped(moderator, area):
    title = "<script>alert('cut')</script> <b>Youth\x00 club\x1b</b>"

    cut = report(moderator, area, title=title, summary="Line one\x07\nLine two")

    cut.refresh_from_db()
    assert cut.title == "<script>alert('cut')</script> <b>Youth club</b>"
    assert cut.summary == "Line one\nLine two"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   \n "}, "title"),
        ({"title": None}, "title"),
        ({"title": 12}, "title"),
        ({"summary": ""}, "summary"),
        ({"kind": ""}, "kind"),
        ({"kind": "demolition"}, "kind"),
        ({"sector": None}, "sector"),
        ({"sector": "space"}, "sector"),
        ({"place": None}, "place"),
        ({"title": "x" * (Cut.TITLE_MAX + 1)}, "title"),
        ({"summary": "x" * (Cut.SUMMARY_MAX + 1)}, "summary"),
        ({"affected_name": "x" * (Cut.NAME_MAX + 1)}, "affected_name"),
        ({"money_yearly": "-5"}, "money_yearly"),
        ({"money_one_off": "\u2212£5"}, "money_one_off"),
        ({"money_yearly": "£11bn"}, "money_yearly"),
        ({"money_one_off": "20,000,000,000"}, "money_one_off"),
        ({"money_yearly": "12abc"}, "money_yearly"),
        ({"posts_lost": "-3"}, "posts_lost"),
        ({"posts_lost": "²"}, "posts_lost"),
        ({"people_affected": "20,000,000"}, "people_affected"),
        ({"people_affected": True}, "people_affected"),
        ({"announced_on": "31/03/2026"}, "announced_on"),
        ({"announced_on": "2026-03-10", "decision_due_on": "2026-03-01"}, "decision_due_on"),
        (
            {"consultation_closes_on": "2026-05-01", "decision_due_on": "2026-04-01"},
            "decision_due_on",
        ),
        ({"decision_due_on": "2026-05-01", "takes_effect_on": "2026-04-01"}, "takes_effect_on"),
        ({"financial_year": "2026/28"}, "financial_year"),
        ({"financial_year": "2026/2127"}, "financial_year"),
        ({"financial_year": "1999/00"}, "financial_year"),
        ({"financial_year": "next year"}, "financial_year"),
        ({"decided_by_code": "E99999999"}, "decided_by_code"),
        ({"decided_by_authority": "Sheffield"}, "decided_by_authority"),
        # Trafalgar Square: outside the North.
        (
            {"place": PlaceValue(name="", local_authority=None, latitude=51.508, longitude=-0.128)},
            "place",
        ),
        (
            {"place": PlaceValue(name="", local_authority=None, latitude=53.38, longitude=None)},
            "place",
        ),
    ],
)
def test_a_bad_report_is_refused_on_the_right_field_and_writes_nothing(
    moderator, area, settings, changes, field
):
    errors = refusal(
        services.cut_report,
        author=moderator,
        values=report_values(area, **changes),
        links=[MINUTES],
        documents=[pdf_upload()],
    )

    assert field in errors
    assert all(isinstance(message, str) and message.endswith(".") for message in errors[field])
    assert_nothing_written(settings)


def test_every_problem_of_a_report_is_named_at_once(moderator, area, settings):
    errors = refusal(
        services.cut_report,
        author=moderator,
        values={"title": "", "money_yearly": "-1", "financial_year": "2026/28"},
        links=["http://localhost/"],
        documents=[SimpleUploadedFile("minutes.pdf", b"hello")],
    )

    assert set(errors) == {
        "title",
        "summary",
        "kind",
        "sector",
        "place",
        "money_yearly",
        "financial_year",
        "links",
        "documents",
    }
    assert_nothing_written(settings)


@pytest.mark.parametrize(
    "address",
    [
        "http://192.168.1.1/",
        "http://localhost/",
        "http://10.0.0.1/minutes.pdf",
        "http://[::1]/",
        "http://127.0.0.1:8000/admin/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://user:secret@example.org/",
    ],
)
def test_an_evidence_link_to_a_private_or_unusable_address_is_refused(
    moderator, area, settings, address
):
    errors = refusal(
        services.cut_report,
        author=moderator,
        values=report_values(area),
        links=[MINUTES, {"url": address, "title": "Minutes"}],
    )

    assert list(errors) == ["links"]
    assert_nothing_written(settings)


def test_a_pdf_that_is_not_a_pdf_is_refused_and_nothing_is_saved(moderator, area, settings):
    errors = refusal(
        services.cut_report,
        author=moderator,
        values=report_values(area),
        documents=[pdf_upload("agenda.pdf"), SimpleUploadedFile("minutes.pdf", b"hello")],
    )

    assert list(errors) == ["documents"]
    assert errors["documents"][0].startswith("minutes.pdf: ")
    assert_nothing_written(settings)


def test_a_real_pdf_is_kept_under_a_new_name(moderator, area, settings):
    cut = services.cut_report(
        author=moderator, values=report_values(area), documents=[pdf_upload("Jane's notes.pdf")]
    )

    evidence = Evidence.objects.get(entry__cut=cut)
    assert evidence.document_type == "application/pdf"
    assert evidence.title == "Jane's notes.pdf"
    assert "Jane" not in evidence.document.name
    assert evidence.document.name.endswith(".pdf")
    assert [path.name for path in stored_files(settings)] == [Path(evidence.document.name).name]


def test_a_report_that_fails_while_writing_leaves_no_rows_and_no_files(
    moderator, area, settings, monkeypatch
):
    def failing_fan_out(obj, *, previous_status):
        raise RuntimeError("the search index is down")

    monkeypatch.setattr(services, "content_changed", failing_fan_out)

    with pytest.raises(RuntimeError):
        services.cut_report(author=moderator, values=report_values(area), documents=[pdf_upload()])

    assert_nothing_written(settings)


def test_another_council_can_be_named_by_its_gss_code(moderator, area):
    leeds = LocalAuthority.objects.get(code="E08000035")

    cut = report(moderator, area, decided_by_code=" e08000035 ", decided_by_name="ignored")

    assert cut.decided_by_authority == leeds
    assert cut.decided_by_name == ""


def test_a_new_members_reports_stay_in_review_until_a_moderator_approves_some(member, area):
    for number in range(4):
        cut = report(member, area, title=f"Youth club {number} to close")

    assert is_in_review(cut)


def test_a_visitors_bad_email_address_is_refused(area, settings):
    errors = refusal(
        services.cut_report,
        author=None,
        values=report_values(area),
        reporter_email="not an address",
    )

    assert "reporter_email" in errors
    assert_nothing_written(settings)


# --- The timeline ------------------------------------------------------------------------


@pytest.fixture
def public_cut(moderator, area) -> Cut:
    return report(moderator, area, state="proposed")


def test_a_new_members_update_waits_for_review_and_moves_the_state_only_once_approved(
    member, moderator, public_cut
):
    today = timezone.localdate()
    entry = services.timeline_entry_add(
        author=member,
        cut=public_cut,
        kind=EntryKind.STATE,
        state=CutState.DECIDED,
        happened_on=today,
        text="Cabinet voted for the closure.",
        links=[MINUTES],
    )

    assert is_in_review(entry)
    public_cut.refresh_from_db()
    assert public_cut.state == CutState.PROPOSED

    content_approve(actor=moderator, content=entry)

    public_cut.refresh_from_db()
    assert public_cut.state == CutState.DECIDED
    assert public_cut.state_since == today
    assert public_cut.verification == Verification.EVIDENCE

    content_hide(actor=moderator, content=entry, reason="The vote was deferred.")

    public_cut.refresh_from_db()
    assert public_cut.state == CutState.PROPOSED
    assert public_cut.verification == Verification.UNVERIFIED


def test_a_moderators_update_moves_the_state_at_once(moderator, public_cut):
    entry = services.timeline_entry_add(
        author=moderator,
        cut=public_cut,
        kind=EntryKind.STATE,
        state=CutState.WITHDRAWN,
        happened_on=timezone.localdate(),
    )

    assert is_public(entry)
    public_cut.refresh_from_db()
    assert public_cut.state == CutState.WITHDRAWN


def test_news_and_responses_do_not_change_the_state(moderator, public_cut):
    services.timeline_entry_add(
        author=moderator,
        cut=public_cut,
        kind=EntryKind.RESPONSE,
        state=CutState.WITHDRAWN,  # ignored: a response records no state
        happened_on=timezone.localdate(),
        text="No decision has been made.",
        responder="Sheffield City Council, press office",
    )

    public_cut.refresh_from_db()
    assert public_cut.state == CutState.PROPOSED
    assert public_cut.timeline.filter(kind=EntryKind.RESPONSE).get().state == ""


@pytest.mark.parametrize("hide", [True, False], ids=["hidden", "in-review"])
def test_an_update_to_a_cut_that_is_not_public_is_refused(member, moderator, area, hide):
    cut = report(moderator if hide else None, area)
    if hide:
        content_hide(actor=moderator, content=cut, reason="Not a real cut.")
    entries = TimelineEntry.objects.count()

    errors = refusal(
        services.timeline_entry_add,
        author=member,
        cut=cut,
        kind=EntryKind.NEWS,
        happened_on=timezone.localdate(),
        text="It is still happening.",
    )

    assert "__all__" in errors
    assert TimelineEntry.objects.count() == entries


def test_a_visitor_cannot_add_to_a_timeline(public_cut):
    for visitor in (None, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.timeline_entry_add(
                author=visitor,
                cut=public_cut,
                kind=EntryKind.NEWS,
                happened_on=timezone.localdate(),
                text="News.",
            )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": EntryKind.REPORTED}, "kind"),
        ({"kind": EntryKind.STATE, "state": ""}, "state"),
        ({"kind": EntryKind.STATE, "state": "abolished"}, "state"),
        ({"kind": EntryKind.STATE, "state": CutState.PROPOSED}, "state"),  # its state already
        ({"happened_on": None}, "happened_on"),
        ({"happened_on": "2026-01-01"}, "happened_on"),
        ({"happened_on": date.today() + timedelta(days=2)}, "happened_on"),
        ({"text": ""}, "text"),
        ({"text": "x" * (TimelineEntry.TEXT_MAX + 1)}, "text"),
        ({"kind": EntryKind.RESPONSE, "responder": ""}, "responder"),
        ({"kind": EntryKind.RESPONSE, "responder": "x" * (Cut.NAME_MAX + 1)}, "responder"),
        ({"links": ["http://10.0.0.1/minutes.pdf"]}, "links"),
        ({"documents": [SimpleUploadedFile("minutes.pdf", b"hello")]}, "documents"),
    ],
)
def test_a_bad_update_is_refused_on_the_right_field_and_writes_nothing(
    member, public_cut, settings, changes, field
):
    arguments = {
        "author": member,
        "cut": public_cut,
        "kind": EntryKind.NEWS,
        "happened_on": timezone.localdate(),
        "text": "The library's hours are cut already.",
        "responder": "Sheffield City Council",
    }
    arguments.update(changes)

    errors = refusal(services.timeline_entry_add, **arguments)

    assert field in errors
    assert TimelineEntry.objects.count() == 1
    assert Evidence.objects.count() == 0
    assert stored_files(settings) == []


def test_reopening_an_ended_cut_needs_new_evidence(member, moderator, public_cut):
    today = timezone.localdate()
    services.timeline_entry_add(
        author=moderator,
        cut=public_cut,
        kind=EntryKind.STATE,
        state=CutState.CARRIED_OUT,
        happened_on=today,
    )
    public_cut.refresh_from_db()
    assert public_cut.state == CutState.CARRIED_OUT

    errors = refusal(
        services.timeline_entry_add,
        author=member,
        cut=public_cut,
        kind=EntryKind.STATE,
        state=CutState.PROPOSED,
        happened_on=today,
    )
    assert "links" in errors
    assert public_cut.timeline.count() == 2

    entry = services.timeline_entry_add(
        author=member,
        cut=public_cut,
        kind=EntryKind.STATE,
        state=CutState.PROPOSED,
        happened_on=today,
        links=[MINUTES],
    )
    assert entry.evidence.get().url == MINUTES
    content_approve(actor=moderator, content=entry)
    public_cut.refresh_from_db()
    assert public_cut.state == CutState.PROPOSED


def test_an_ended_cut_can_move_to_another_ended_state_without_evidence(moderator, public_cut):
    for state in (CutState.CARRIED_OUT, CutState.REVERSED):
        services.timeline_entry_add(
            author=moderator,
            cut=public_cut,
            kind=EntryKind.STATE,
            state=state,
            happened_on=timezone.localdate(),
        )

    public_cut.refresh_from_db()
    assert public_cut.state == CutState.REVERSED


def test_control_characters_in_an_update_are_dropped(moderator, public_cut):
    entry = services.timeline_entry_add(
        author=moderator,
        cut=public_cut,
        kind=EntryKind.NEWS,
        happened_on=timezone.localdate(),
        text="Hours cut\x00 again",
    )

    entry.refresh_from_db()
    assert entry.text == "Hours cut again"


# --- Verification ------------------------------------------------------------------------


def test_a_moderator_verifies_a_report_with_a_public_note(moderator, public_cut):
    services.cut_verify(
        actor=moderator,
        cut=public_cut,
        verification=Verification.VERIFIED,
        note="Checked against the cabinet papers",
    )

    public_cut.refresh_from_db()
    assert public_cut.verification == Verification.VERIFIED
    assert public_cut.verification_note == "Checked against the cabinet papers"
    entry = public_cut.timeline.get(kind=EntryKind.VERIFIED)
    assert is_public(entry)
    assert entry.author == moderator
    assert "Checked against the cabinet papers" in entry.text
    assert public_cut.state == CutState.PROPOSED


def test_a_member_cannot_verify_a_report(member, public_cut):
    with pytest.raises(PermissionDenied):
        services.cut_verify(
            actor=member, cut=public_cut, verification=Verification.VERIFIED, note="Trust me."
        )

    public_cut.refresh_from_db()
    assert public_cut.verification == Verification.UNVERIFIED
    assert public_cut.timeline.count() == 1


@pytest.mark.parametrize(
    ("verification", "note", "field"),
    [
        (Verification.VERIFIED, "", "note"),
        (Verification.DISPUTED, "   ", "note"),
        (Verification.VERIFIED, "x" * 1_001, "note"),
        ("certain", "Checked.", "verification"),
    ],
)
def test_a_verdict_without_a_note_or_with_a_bad_value_is_refused(
    moderator, public_cut, verification, note, field
):
    errors = refusal(
        services.cut_verify,
        actor=moderator,
        cut=public_cut,
        verification=verification,
        note=note,
    )

    assert field in errors
    public_cut.refresh_from_db()
    assert public_cut.verification == Verification.UNVERIFIED
    assert public_cut.timeline.count() == 1


# --- Confirmation ------------------------------------------------------------------------


def test_each_person_confirms_a_report_once(member, public_cut):
    other = UserFactory()

    assert services.cut_confirm(user=member, cut=public_cut, note="I use this library.")
    assert not services.cut_confirm(user=member, cut=public_cut, note="Again.")
    assert services.cut_confirm(user=other, cut=public_cut, url=MINUTES)

    public_cut.refresh_from_db()
    assert public_cut.confirmation_count == 2
    assert Confirmation.objects.get(user=member).note == "I use this library."


def test_a_report_in_review_cannot_be_confirmed(member, area):
    cut = report(None, area)

    errors = refusal(services.cut_confirm, user=member, cut=cut)

    assert "__all__" in errors
    assert not Confirmation.objects.exists()


def test_a_visitor_cannot_confirm_a_report(public_cut):
    with pytest.raises(PermissionDenied):
        services.cut_confirm(user=AnonymousUser(), cut=public_cut)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"url": "http://192.168.1.1/"}, "url"), ({"note": "x" * 501}, "note")],
)
def test_a_confirmation_with_a_bad_link_or_note_is_refused(member, public_cut, changes, field):
    errors = refusal(services.cut_confirm, user=member, cut=public_cut, **changes)

    assert field in errors
    assert not Confirmation.objects.exists()


# --- Merging -----------------------------------------------------------------------------


def test_merging_moves_the_timeline_and_confirmations_and_hides_the_duplicate(
    member, moderator, area
):
    kept = report(moderator, area, title="Firth Park library closure")
    duplicate = report(moderator, area, title="Library in Firth Park shutting")
    news = services.timeline_entry_add(
        author=moderator,
        cut=duplicate,
        kind=EntryKind.NEWS,
        happened_on=timezone.localdate(),
        text="A petition has 2,000 names.",
        links=[MINUTES],
    )
    other = UserFactory()
    services.cut_confirm(user=member, cut=kept)
    services.cut_confirm(user=member, cut=duplicate)  # confirmed both: counts once
    services.cut_confirm(user=other, cut=duplicate)

    services.cut_merge(actor=moderator, duplicate=duplicate, into=kept)

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert is_hidden(duplicate)
    assert duplicate.merged_into == kept
    assert duplicate.confirmation_count == 0
    assert not duplicate.timeline.exists()
    assert not duplicate.confirmations.exists()
    assert list(Cut.objects.public()) == [kept]
    assert kept.confirmation_count == 2
    assert set(kept.confirmations.values_list("user", flat=True)) == {member.pk, other.pk}
    assert set(kept.timeline.values_list("kind", flat=True)) == {
        EntryKind.REPORTED,
        EntryKind.NEWS,
        EntryKind.MERGED,
    }
    news.refresh_from_db()
    assert news.cut == kept
    assert news.evidence.get().url == MINUTES
    assert kept.verification == Verification.EVIDENCE
    assert is_public(kept.timeline.get(kind=EntryKind.MERGED, author=moderator))
    # The duplicate's first entry is kept as a note of it, with no state to impose.
    noted = kept.timeline.get(kind=EntryKind.MERGED, author=None)
    assert noted.state == "" and duplicate.title in noted.text


def test_a_report_merged_into_a_merged_one_follows_it(moderator, area):
    first, second, third = (report(moderator, area, title=f"Bus route {n}") for n in range(3))

    services.cut_merge(actor=moderator, duplicate=first, into=second)
    services.cut_merge(actor=moderator, duplicate=second, into=third)

    first.refresh_from_db()
    assert first.merged_into == third
    errors = refusal(services.cut_merge, actor=moderator, duplicate=third, into=second)
    assert "into" in errors


def test_only_moderators_merge_and_never_a_report_into_itself(member, moderator, area):
    kept = report(moderator, area)
    duplicate = report(moderator, area)

    with pytest.raises(PermissionDenied):
        services.cut_merge(actor=member, duplicate=duplicate, into=kept)
    assert "into" in refusal(services.cut_merge, actor=moderator, duplicate=kept, into=kept)

    duplicate.refresh_from_db()
    assert is_public(duplicate)
    assert duplicate.merged_into is None


# --- A visitor's email address -----------------------------------------------------------


def test_a_visitors_address_is_confirmed_by_its_token_and_not_by_a_tampered_one(area):
    cut = services.cut_report(
        author=None, values=report_values(area), reporter_email="reporter@example.org"
    )
    token = services.reporter_email_token(cut)
    value, signature = token.rsplit(":", 1)
    tampered = f"{value}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"

    assert services.reporter_email_confirm(token=tampered) is None
    assert services.reporter_email_confirm(token="not-a-token") is None
    cut.refresh_from_db()
    assert not cut.reporter_email_confirmed

    assert services.reporter_email_confirm(token=token) == cut
    cut.refresh_from_db()
    assert cut.reporter_email_confirmed


def test_a_token_for_an_address_that_changed_confirms_nothing(area):
    cut = services.cut_report(
        author=None, values=report_values(area), reporter_email="reporter@example.org"
    )
    token = services.reporter_email_token(cut)
    Cut.objects.filter(pk=cut.pk).update(reporter_email="someone-else@example.org")

    assert services.reporter_email_confirm(token=token) is None
    assert not Cut.objects.get(pk=cut.pk).reporter_email_confirmed
