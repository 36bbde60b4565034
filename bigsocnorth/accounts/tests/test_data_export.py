"""A member asks for a copy of everything held about them, and downloads it when it is ready."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bigsocnorth.accounts import data_export, services
from bigsocnorth.accounts.models import DataExport, DataExportStatus
from bigsocnorth.accounts.personal_data import collect_personal_data
from bigsocnorth.accounts.tests.conftest import assert_accessible_page
from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core.scheduler import scheduled_jobs
from bigsocnorth.cuts import services as cut_services
from bigsocnorth.cuts.models import Confirmation, Cut, TimelineEntry
from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.events import needs as event_needs
from bigsocnorth.events import services as event_services
from bigsocnorth.events.models import Gathering, Rsvp
from bigsocnorth.forum import services as forum_services
from bigsocnorth.forum.models import Category as ForumCategory
from bigsocnorth.forum.models import Post as ForumPost
from bigsocnorth.forum.models import PostLike, PostPicture, Topic
from bigsocnorth.messaging import services as messaging_services
from bigsocnorth.messaging.models import Conversation, ConversationMember, Message
from bigsocnorth.moderation import services as moderation_services
from bigsocnorth.moderation.models import Flag
from bigsocnorth.moderation.tests.helpers import png
from bigsocnorth.mutual_aid import services as aid_services
from bigsocnorth.mutual_aid.models import AidCategory, Match
from bigsocnorth.mutual_aid.models import Post as AidPost
from bigsocnorth.notifications import services as notification_services
from bigsocnorth.notifications.models import Notification
from bigsocnorth.places.services import PlaceValue
from bigsocnorth.stories import services as story_services
from bigsocnorth.stories.models import Story, StoryPicture
from bigsocnorth.stories.services import Action as StoryAction

pytestmark = pytest.mark.django_db

PARTS = {
    "account",
    "profile",
    "directory",
    "stories",
    "cuts",
    "forum",
    "events",
    "mutual_aid",
    "moderation",
    "notifications",
    "messaging",
}
OTHER_SECRET_MESSAGE = "Only for Bob: the key is under the mat"
OTHER_CONTACT = "Bob's private phone 07700 900999"
SHEFFIELD = (53.3811, -1.4701)


@pytest.fixture(autouse=True)
def _exports_in_a_temporary_folder(settings, tmp_path):
    settings.PERSONAL_DATA_EXPORT_DIR = tmp_path / "personal-data"
    settings.NEW_MEMBER_REVIEW_COUNT = 0  # members' contributions publish at once


@pytest.fixture
def worker(settings):
    """Tasks run as soon as they are queued, as the worker would run them."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


def _place(area) -> PlaceValue:
    return PlaceValue(
        name="Burngreave", local_authority=area, latitude=SHEFFIELD[0], longitude=SHEFFIELD[1]
    )


def _png_upload(name="picture.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), content_type="image/png")


@pytest.fixture
def contributions(member, moderator, area):
    """The member has done something of every kind; others have private things of their own."""
    other = UserFactory(email="carol-private@example.org")
    bob = UserFactory(email="bob-private@example.org")
    # Directory: an entry they added (with a logo), and one they were made an editor of.
    added = EntryFactory(author=member, name="Walkley Repair Café")
    added.logo.save("logo.png", ContentFile(png("blue")), save=True)
    edited = EntryFactory(author=other, name="Sheffield Tool Library")
    edited.editors.add(member)
    EntryFactory(author=other, name="Not theirs at all")
    # A story with a picture.
    story = story_services.story_create(
        author=member,
        action=StoryAction.PUBLISH,
        image=_png_upload("fridge.png"),
        title="Our community fridge",
        body="It feeds forty families a week.",
        image_alt="The fridge",
    )
    # A threat or cut they reported, a timeline entry they added, one they confirmed.
    cut = cut_services.cut_report(
        author=member,
        values={
            "title": "Burngreave library to close",
            "summary": "The council proposes closing it in April.",
            "kind": "closure",
            "sector": "libraries",
            "state": "proposed",
            "place": _place(area),
        },
        links=["https://democracy.sheffield.example/minutes/1"],
    )
    cut_services.timeline_entry_add(
        author=member, cut=cut, kind="news", happened_on=date.today(), text="A meeting was held."
    )
    others_cut = cut_services.cut_report(
        author=moderator,
        values={
            "title": "Youth club funding cut",
            "summary": "Half the grant goes.",
            "kind": "funding",
            "sector": "youth",
            "state": "proposed",
            "place": _place(area),
        },
        links=["https://democracy.sheffield.example/minutes/2"],
    )
    cut_services.cut_confirm(user=member, cut=others_cut, note="I was at the meeting")
    # A forum topic, a reply with a picture, a like.
    category = ForumCategory.objects.create(name="Ideas", slug="ideas")
    topic = forum_services.topic_create(
        author=member, category=category, title="Sharing a minibus", body="Has anyone done it?"
    )
    reply = forum_services.post_create(author=member, topic=topic, body="We insured it jointly.")
    PostPicture.objects.create(
        post=reply, image=ContentFile(png("red"), name="minibus.png"), alt="The minibus"
    )
    others_topic = forum_services.topic_create(
        author=moderator, category=category, title="Welcome", body="Say hello."
    )
    PostLike.objects.create(post=others_topic.posts.get(), user=member)
    # A gathering they organise, an RSVP with answers, an offer of help.
    starts = timezone.now() + timedelta(days=7)
    gathering_values = {
        "title": "Tea and the park",
        "description": "Talk about the park.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "in_person": True,
        "online": False,
        "venue_name": "Vestry Hall",
        "venue_address": "Burngreave Road",
        "place": _place(area),
        "ask_dietary": True,
    }
    event_services.gathering_create(author=member, values=gathering_values)
    others_gathering = event_services.gathering_create(
        author=moderator, values={**gathering_values, "title": "Litter pick"}
    )
    event_services.rsvp_member(
        user=member, gathering=others_gathering, answers={"dietary": "Vegan, please"}
    )
    need = event_needs.need_add(
        actor=moderator,
        gathering=others_gathering,
        values={"kind": "helpers", "wanted": 2, "description": "On the door"},
    )
    event_needs.offer_make(user=member, need=need, values={"message": "I can do the door"})
    # Needs and offers: their own post, answered by Bob (not accepted: his contact is his);
    # their answer to another's post, accepted (the poster's contact is theirs to see).
    aid_values = {
        "kind": "need",
        "category": "lifts-and-transport",
        "title": "A lift on Thursdays",
        "description": "The bus stopped running.",
        "urgency": "2",
        "times": 4,
        "when": "ongoing",
        "place": _place(area),
    }
    own_post = aid_services.post_create(author=member, values=aid_values)
    aid_services.match_request(
        responder=bob, post=own_post, message="I drive past there.", contact=OTHER_CONTACT
    )
    others_post = aid_services.post_create(
        author=other, values={**aid_values, "title": "A laptop to borrow"}
    )
    answer = aid_services.match_request(
        responder=member, post=others_post, message="I have one.", contact="Kath: 07700 900123"
    )
    aid_services.match_accept(actor=other, match=answer, contact="Carol: 07700 900456")
    # A flag they raised, a follow, a notice.
    moderation_services.flag_create(
        flagger=member, content=others_topic, reason="spam", note="Looks like an advert"
    )
    notification_services.follow_create(user=member, target=area)
    notification_services.notify(recipients=[member], kind="test.hello", message="Hello", url="/")
    # Private messages: a conversation with Bob; and one between others they are not in.
    messaging_services.conversation_start(
        sender=member, recipients=[bob], subject="About the lift", body="Thanks, Bob!"
    )
    messaging_services.conversation_start(
        sender=bob, recipients=[other], subject="Private", body=OTHER_SECRET_MESSAGE
    )
    # An API token.
    _token, secret = services.api_token_create(user=member, name="My script")
    return {
        "other": other,
        "bob": bob,
        "secret": secret,
        "files": {
            added.logo.name,
            story.image.name,
            reply.pictures.get().image.name,
        },
    }


def _ask(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:profile_export"), follow=True)


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# --- The whole journey ------------------------------------------------------------------


def test_a_member_asks_for_their_data_and_downloads_everything_they_did(
    member_client, member, contributions, worker, django_capture_on_commit_callbacks
):
    page = _ask(member_client, django_capture_on_commit_callbacks)

    html = page.content.decode()
    assert "We are preparing a copy of your data." in html
    export = DataExport.objects.get(user=member)
    assert export.status == DataExportStatus.READY
    download_url = reverse("accounts:profile_export_download", kwargs={"export_id": export.pk})
    page = member_client.get(reverse("accounts:profile_edit"))
    html = page.content.decode()
    assert download_url in html
    assert "ready to download" in html
    assert "You can download it until" in html
    # The member is told, on the site (and by email as they chose).
    notice = Notification.objects.get(recipient=member, kind=data_export.NOTICE_READY)
    assert "ready to download" in notice.message
    assert notice.url == reverse("accounts:profile_edit") + "#your-data"

    response = member_client.get(download_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="bigsocnorth-my-data-')
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    archive = _zip(response)
    names = set(archive.namelist())
    assert {"data.json", "README.txt"} <= names
    data = json.loads(archive.read("data.json"))
    assert set(data) >= PARTS
    # Every uploaded picture is there, byte for byte.
    for name in contributions["files"]:
        with default_storage.open(name, "rb") as stored:
            assert archive.read(f"uploads/{name}") == stored.read()
    assert set(data["uploads"]["files"]) == {f"uploads/{name}" for name in contributions["files"]}
    assert data["uploads"]["missing"] == []
    readme = archive.read("README.txt").decode()
    for part in PARTS:
        assert f"\n  {part}\n" in readme
    assert "7 days" in readme

    # Each part holds what the member did.
    assert data["account"]["email"] == member.email
    assert [t["name"] for t in data["account"]["api_tokens"]] == ["My script"]
    assert data["profile"]["handle"] == member.profile.handle
    entries = {entry["name"]: entry for entry in data["directory"]["entries"]}
    assert set(entries) == {"Walkley Repair Café", "Sheffield Tool Library"}
    assert entries["Walkley Repair Café"]["you_added"] is True
    assert entries["Sheffield Tool Library"]["you_added"] is False
    assert entries["Sheffield Tool Library"]["you_edit"] is True
    [story] = data["stories"]["stories"]
    assert story["title"] == "Our community fridge"
    assert [cut["title"] for cut in data["cuts"]["cuts_reported"]] == [
        "Burngreave library to close"
    ]
    assert "A meeting was held." in [entry["text"] for entry in data["cuts"]["timeline_entries"]]
    assert data["cuts"]["confirmations"][0]["note"] == "I was at the meeting"
    assert [topic["title"] for topic in data["forum"]["topics"]] == ["Sharing a minibus"]
    assert {post["body"] for post in data["forum"]["posts"]} >= {"We insured it jointly."}
    assert data["forum"]["likes"][0]["post__topic__title"] == "Welcome"
    assert [g["title"] for g in data["events"]["gatherings_organised"]] == ["Tea and the park"]
    [rsvp] = data["events"]["rsvps"]
    assert rsvp["answers"] == {"dietary": "Vegan, please"}
    assert data["events"]["offers_of_help"][0]["message"] == "I can do the door"
    assert [post["title"] for post in data["mutual_aid"]["posts"]] == ["A lift on Thursdays"]
    [given] = data["mutual_aid"]["answers_you_gave"]
    assert given["responder_contact"] == "Kath: 07700 900123"
    assert given["poster_contact"] == "Carol: 07700 900456"  # accepted: theirs to see
    [received] = data["mutual_aid"]["answers_to_your_posts"]
    assert received["message"] == "I drive past there."
    assert "responder_contact" not in received  # not accepted: Bob's contact stays his
    assert data["moderation"]["flags_made"][0]["note"] == "Looks like an advert"
    assert data["notifications"]["follows"][0]["title"] == "Sheffield"
    assert "Hello" in [n["message"] for n in data["notifications"]["notifications"]]
    conversations = {c["subject"]: c for c in data["messaging"]["conversations"]}
    conversation = conversations["About the lift"]
    assert [(m["from"], m["body"]) for m in conversation["messages"]] == [("you", "Thanks, Bob!")]
    assert conversation["with"] == [contributions["bob"].profile.display_name]
    assert "Private" not in conversations

    # Nothing of anyone else's private data.
    raw = archive.read("data.json").decode()
    for private in (
        contributions["other"].email,
        contributions["bob"].email,
        OTHER_SECRET_MESSAGE,
        OTHER_CONTACT,
        contributions["secret"],
        "Not theirs at all",
    ):
        assert private not in raw


def test_the_file_is_readable_only_by_the_site_and_is_not_in_the_public_media_folder(
    member, settings, worker
):
    export = data_export.data_export_request(user=member)
    data_export.data_export_prepare_task.call(export.pk)

    export.refresh_from_db()
    path = data_export.export_path(export)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    media = Path(settings.MEDIA_ROOT).resolve()
    assert not path.resolve().is_relative_to(media)
    assert path.resolve().is_relative_to(Path(settings.PERSONAL_DATA_EXPORT_DIR).resolve())


def test_a_task_run_twice_prepares_the_export_once(member):
    export = data_export.data_export_request(user=member)

    first = data_export.data_export_prepare_task.call(export.pk)
    second = data_export.data_export_prepare_task.call(export.pk)

    assert first["export"] == export.pk
    assert second == {"skipped": True}
    assert len(list(Path(data_export.export_dir()).iterdir())) == 1


def test_when_preparing_fails_the_member_is_told_what_to_do_and_nothing_is_left(
    member_client, member, monkeypatch
):
    export = data_export.data_export_request(user=member)

    def broken(*, user):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(data_export, "collect_personal_data", broken)
    with pytest.raises(RuntimeError):
        data_export.data_export_prepare_task.call(export.pk)

    export.refresh_from_db()
    assert export.status == DataExportStatus.FAILED
    assert export.file_name == ""
    assert list(data_export.export_dir().iterdir()) == []
    html = member_client.get(reverse("accounts:profile_edit")).content.decode()
    assert "it could not be prepared." in html
    assert "Something went wrong on our side while preparing your data. Ask for it again" in html
    assert Notification.objects.filter(recipient=member, kind=data_export.NOTICE_FAILED).exists()
    # The member may ask again at once.
    assert data_export.data_export_request(user=member).status == DataExportStatus.QUEUED


def test_an_upload_missing_from_the_storage_is_named_not_fatal(member):
    entry = EntryFactory(author=member)
    entry.logo.save("logo.png", ContentFile(png()), save=True)
    default_storage.delete(entry.logo.name)
    export = data_export.data_export_request(user=member)

    data_export.data_export_prepare_task.call(export.pk)

    export.refresh_from_db()
    with zipfile.ZipFile(data_export.export_path(export)) as archive:
        data = json.loads(archive.read("data.json"))
        assert not [name for name in archive.namelist() if name.startswith("uploads/")]
    assert data["uploads"] == {"files": [], "missing": [entry.logo.name]}


# --- Only the member, only for a while --------------------------------------------------


@pytest.fixture
def ready_export(member):
    export = data_export.data_export_request(user=member)
    data_export.data_export_prepare_task.call(export.pk)
    export.refresh_from_db()
    return export


def _download_url(export) -> str:
    return reverse("accounts:profile_export_download", kwargs={"export_id": export.pk})


def test_another_member_cannot_download_it(client, ready_export):
    client.force_login(UserFactory())

    response = client.get(_download_url(ready_export))

    assert response.status_code == 404


def test_a_visitor_is_sent_to_log_in(client, ready_export):
    response = client.get(_download_url(ready_export))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_address_for_no_export_is_not_found(member_client):
    for export_id in (1, 99999999999999999999999):
        response = member_client.get(f"/profile/export/{export_id}/download/")
        assert response.status_code == 404


def _run_scheduled_job(name: str) -> list[str]:
    [job] = [job for job in scheduled_jobs() if job.name == name]
    return job.run()


def test_an_expired_export_is_not_downloaded_and_the_scheduled_job_deletes_it(
    member_client, ready_export, django_capture_on_commit_callbacks
):
    path = data_export.export_path(ready_export)
    DataExport.objects.filter(pk=ready_export.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert member_client.get(_download_url(ready_export)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        lines = _run_scheduled_job("data_exports_clear")

    assert lines == ["Data exports: 1 deleted after 7 days"]
    assert not DataExport.objects.filter(pk=ready_export.pk).exists()
    assert not path.exists()


def test_the_scheduled_job_keeps_exports_still_in_their_week(ready_export):
    data_export.data_exports_clear()

    assert DataExport.objects.filter(pk=ready_export.pk).exists()
    assert data_export.export_path(ready_export).is_file()


def test_an_export_whose_worker_was_lost_fails_and_says_what_to_do(member_client, member):
    export = data_export.data_export_request(user=member)
    DataExport.objects.filter(pk=export.pk).update(
        status=DataExportStatus.RUNNING, created_at=timezone.now() - timedelta(hours=7)
    )

    data_export.data_exports_clear()

    export.refresh_from_db()
    assert export.status == DataExportStatus.FAILED
    html = member_client.get(reverse("accounts:profile_edit")).content.decode()
    assert "it could not be prepared." in html
    assert "Ask for it again." in html
    assert Notification.objects.filter(recipient=member, kind=data_export.NOTICE_FAILED).exists()


def test_deleting_the_account_deletes_the_file(
    member, ready_export, django_capture_on_commit_callbacks
):
    path = data_export.export_path(ready_export)

    with django_capture_on_commit_callbacks(execute=True):
        services.user_delete(user=member)

    assert not path.exists()


def test_a_new_copy_replaces_the_old_one(member, ready_export, django_capture_on_commit_callbacks):
    old_path = data_export.export_path(ready_export)
    newer = data_export.data_export_request(user=member)

    with django_capture_on_commit_callbacks(execute=True):
        data_export.data_export_prepare_task.call(newer.pk)

    assert list(DataExport.objects.filter(user=member).values_list("pk", flat=True)) == [newer.pk]
    assert not old_path.exists()
    assert data_export.export_path(DataExport.objects.get()).is_file()


# --- The limits -------------------------------------------------------------------------


def test_one_export_at_a_time(member_client, member):
    data_export.data_export_request(user=member)

    response = member_client.post(reverse("accounts:profile_export"), follow=True)

    assert "We are already preparing a copy of your data." in response.content.decode()
    assert DataExport.objects.filter(user=member).count() == 1


def test_at_most_three_a_day(member_client, member):
    for _ in range(3):
        DataExport.objects.create(user=member, status=DataExportStatus.FAILED)

    response = member_client.post(reverse("accounts:profile_export"), follow=True)

    html = response.content.decode()
    assert "You have asked for a copy of your data 3 times in the last 24 hours" in html
    assert DataExport.objects.filter(user=member).count() == 3
    # A day later the member may ask again.
    DataExport.objects.update(created_at=timezone.now() - timedelta(hours=25))
    data_export.data_export_request(user=member)
    assert DataExport.objects.filter(user=member).count() == 4


def test_the_page_says_what_is_happening(member_client, member):
    export = DataExport.objects.create(user=member)
    response = member_client.get(reverse("accounts:profile_edit"))
    assert_accessible_page(response)
    html = response.content.decode()
    assert "waiting to be prepared." in html
    assert "Prepare my data" in html

    DataExport.objects.filter(pk=export.pk).update(status=DataExportStatus.RUNNING)
    html = member_client.get(reverse("accounts:profile_edit")).content.decode()
    assert "being prepared now." in html


def test_asking_with_get_only_shows_the_section(member_client, member):
    response = member_client.get(reverse("accounts:profile_export"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile_edit") + "#your-data"
    assert not DataExport.objects.exists()


def test_asking_needs_logging_in(client, db):
    response = client.post(reverse("accounts:profile_export"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not DataExport.objects.exists()


# --- The cost of collecting -------------------------------------------------------------


def _many_things(member, n: int, area) -> None:
    """n of each kind of thing a member may have, written directly (the services' limits
    on how much one person may post a day are not what is measured here)."""
    other = UserFactory()
    category = ForumCategory.objects.create(name=f"Category {n}", slug=f"category-{n}")
    aid_category = AidCategory.objects.first()
    conversation = Conversation.objects.create(subject="Hello")
    ConversationMember.objects.create(conversation=conversation, user=member)
    ConversationMember.objects.create(conversation=conversation, user=other)
    starts = timezone.now() + timedelta(days=3)
    for i in range(n):
        entry = EntryFactory(author=member)
        entry.logo.save("logo.png", ContentFile(b"not really a png"), save=True)
        story = Story.objects.create(author=member, kind="own", title=f"S{i}", slug=f"s-{n}-{i}")
        StoryPicture.objects.create(story=story, image=ContentFile(b"x", name="p.png"), alt="A")
        cut = Cut.objects.create(
            author=member,
            slug=f"cut-{n}-{i}",
            title="A cut",
            summary="Summary",
            kind="closure",
            sector="libraries",
            state="proposed",
            local_authority=area,
        )
        TimelineEntry.objects.create(author=member, cut=cut, kind="news", happened_on=date.today())
        Confirmation.objects.create(cut=cut, user=member)
        topic = Topic.objects.create(author=member, category=category, title="T", slug="t")
        post = ForumPost.objects.create(author=member, topic=topic, number=1, body="Hi")
        PostLike.objects.create(post=post, user=member)
        gathering = Gathering.objects.create(
            author=member,
            slug=f"g-{n}-{i}",
            title="G",
            description="D",
            starts_at=starts,
            ends_at=starts,
            last_ends_at=starts,
        )
        Rsvp.objects.create(gathering=gathering, user=member, state="going")
        aid_post = AidPost.objects.create(
            author=other,
            kind="need",
            category=aid_category,
            slug=f"aid-{n}-{i}",
            title="Aid",
            expires_on=date.today(),
            local_authority=area,
        )
        Match.objects.create(post=aid_post, responder=member, responder_contact="Me")
        Flag.objects.create(
            content_type=ContentType.objects.get_for_model(ForumPost),
            object_id=post.pk,
            flagger=member,
            reason="spam",
            note="n",
        )
        Notification.objects.create(recipient=member, kind="test", message="M", url="/")
        Message.objects.create(conversation=conversation, author=member, body=f"Message {i}")
        notification_services.follow_create(user=member, target=entry)


def test_collecting_costs_the_same_queries_for_two_things_or_twenty(
    member, area, django_assert_max_num_queries
):
    _many_things(member, 2, area)
    with CaptureQueriesContext(connection) as few:
        data, files = collect_personal_data(user=member)
    assert len(data["stories"]["stories"]) == 2
    assert len(files) == 4

    _many_things(member, 18, area)
    with django_assert_max_num_queries(len(few.captured_queries)):
        data, files = collect_personal_data(user=member)

    assert len(data["stories"]["stories"]) == 20
    conversations = data["messaging"]["conversations"]
    assert sum(len(conversation["messages"]) for conversation in conversations) == 20
    assert len(data["mutual_aid"]["answers_you_gave"]) == 20
    assert len(files) == 40
