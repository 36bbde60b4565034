"""Replies by email: what becomes a post, what is ignored, what is refused, and the receivers."""

from __future__ import annotations

import io
import logging
import smtplib
import socket
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bigsocnorth.forum import inbound, moderating
from bigsocnorth.forum.email_text import html_to_text, reply_text_strip
from bigsocnorth.forum.inbound import Reason, Result, inbound_message_handle
from bigsocnorth.forum.models import Post
from bigsocnorth.forum.reply_addresses import reply_address_make

NEW_TEXT = "We share ours with two other groups, and the insurer was happy."


@pytest.fixture(autouse=True)
def _reply_domain(settings):
    settings.REPLY_EMAIL_DOMAIN = "reply.bigsocnorth.example"
    settings.DEFAULT_FROM_EMAIL = "Big Society in the North <noreply@bigsocnorth.example>"


@pytest.fixture
def ann(make_trusted):
    return make_trusted()


@pytest.fixture
def address(ann, topic):
    return reply_address_make(user=ann, topic=topic)


def mail(
    *,
    sender,
    to,
    text: str | None = NEW_TEXT,
    html: str | None = None,
    headers=(),
    message_id: str | None = "",
) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: [Big Society in the North] A new post in a topic"
    if message_id is not None:
        message["Message-ID"] = message_id or make_msgid(domain="mail.example.org")
    for name, value in headers:
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    return message.as_bytes()


def replies(topic):
    return list(Post.objects.filter(topic=topic, number__gt=1))


# --- Posting ---------------------------------------------------------------------------


def test_a_reply_becomes_a_post_by_its_person(topic, ann, address):
    outcome = inbound_message_handle(mail(sender=f"Ann <{ann.email}>", to=address))
    assert (outcome.result, outcome.reason) == (Result.POSTED, Reason.PUBLISHED)
    (post,) = replies(topic)
    assert outcome.post_id == post.pk
    assert (outcome.user_id, outcome.topic_id) == (ann.pk, topic.pk)
    assert post.author == ann
    assert post.by_email
    assert post.body == NEW_TEXT


def test_a_new_members_reply_waits_for_review_like_on_the_website(topic, member):
    address = reply_address_make(user=member, topic=topic)
    outcome = inbound_message_handle(mail(sender=member.email, to=address))
    assert (outcome.result, outcome.reason) == (Result.POSTED, Reason.IN_REVIEW)
    assert Post.objects.get(pk=outcome.post_id).status == "in_review"


def test_a_reply_with_quote_outlook_block_and_signature_posts_only_the_new_text(
    topic, ann, address
):
    text = (
        "Yes: the community transport scheme lends one.\n"
        "\n"
        "> Has anyone shared a minibus?\n"
        "\n"
        "Ask for Sam.\n"
        "\n"
        "-- \n"
        "Ann Smith\n"
        "Sheffield Food Bank\n"
        "\n"
        "Get Outlook for iOS\n"
        "________________________________\n"
        "From: Big Society in the North <noreply@bigsocnorth.example>\n"
        "Sent: Monday, December 7, 2026 10:00 AM\n"
        "To: Ann Smith <ann@example.org>\n"
        "Subject: A new post\n"
        "\n"
        "A new post in “Sharing a minibus between groups”\n"
    )
    outcome = inbound_message_handle(mail(sender=ann.email, to=address, text=text))
    assert outcome.posted
    assert replies(topic)[0].body == (
        "Yes: the community transport scheme lends one.\n\n"
        "> Has anyone shared a minibus?\n\n"
        "Ask for Sam."
    )


def test_an_html_only_reply_posts_its_text(topic, ann, address):
    html = (
        "<html><head><style>p { color: red }</style><title>Re</title></head><body>"
        '<div dir="ltr">We share ours &amp; it works.<div>Call me on Tuesday.</div>'
        "<script>alert(1)</script></div><br>"
        '<div class="gmail_quote"><div class="gmail_attr">On Mon, 7 Dec 2026 at 10:00, '
        "Big Society &lt;noreply@bigsocnorth.example&gt; wrote:<br></div>"
        '<blockquote class="gmail_quote">A new post in the topic<br>-- <br>footer</blockquote>'
        "</div></body></html>"
    )
    outcome = inbound_message_handle(mail(sender=ann.email, to=address, text=None, html=html))
    assert outcome.posted
    assert replies(topic)[0].body == "We share ours & it works.\nCall me on Tuesday."


def test_the_plain_text_part_is_preferred_to_the_html_one(topic, ann, address):
    raw = mail(sender=ann.email, to=address, text="Plain words.", html="<p>HTML words.</p>")
    assert inbound_message_handle(raw).posted
    assert replies(topic)[0].body == "Plain words."


def test_latin_1_and_unknown_charsets_are_read(topic, ann, address):
    message = EmailMessage()
    message["From"] = ann.email
    message["To"] = address
    message.set_content("It cost £40 a day.".encode("latin-1"), "text", "plain")
    message.set_param("charset", "iso-8859-1")
    assert inbound_message_handle(message.as_bytes()).posted
    assert replies(topic)[0].body == "It cost £40 a day."

    raw = (
        f"From: {ann.email}\r\nTo: {address}\r\nMessage-ID: <odd@example.org>\r\n"
        "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nStill readable.\r\n"
    ).encode()
    assert inbound_message_handle(raw).posted
    assert replies(topic)[1].body == "Still readable."


def test_format_flowed_lines_are_joined(topic, ann, address):
    raw = (
        f"From: {ann.email}\r\nTo: {address}\r\nMessage-ID: <flowed@example.org>\r\n"
        "Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
        "We share ours with two \r\nother groups.\r\n\r\nSecond paragraph.\r\n"
    ).encode()
    assert inbound_message_handle(raw).posted
    assert replies(topic)[0].body == "We share ours with two other groups.\n\nSecond paragraph."


def test_the_reply_address_may_be_only_in_the_delivery_headers_or_envelope(topic, ann, address):
    via_header = mail(
        sender=ann.email,
        to="undisclosed-recipients:;",
        headers=[("Delivered-To", address)],
    )
    assert inbound_message_handle(via_header).posted
    via_envelope = mail(sender=ann.email, to="undisclosed-recipients:;", text="Second one.")
    assert inbound_message_handle(via_envelope, recipients=[address]).posted
    assert [post.body for post in replies(topic)] == [NEW_TEXT, "Second one."]


def test_the_sender_may_use_any_of_their_verified_addresses_in_any_case(topic, ann, address):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=ann, email="ann.work@example.net", verified=True)
    outcome = inbound_message_handle(mail(sender="ANN.Work@Example.NET", to=address))
    assert outcome.posted


def test_the_same_message_delivered_twice_posts_once(topic, ann, address):
    raw = mail(sender=ann.email, to=address, message_id="<once@mail.example.org>")
    assert inbound_message_handle(raw).posted
    again = inbound_message_handle(raw)
    assert (again.result, again.reason) == (Result.IGNORED, Reason.DUPLICATE)
    assert len(replies(topic)) == 1


def test_a_refused_delivery_can_be_tried_again_once_the_topic_takes_replies(
    topic, ann, address, moderator
):
    raw = mail(sender=ann.email, to=address, message_id="<retry@mail.example.org>")
    moderating.topic_lock(actor=moderator, topic=topic)
    assert inbound_message_handle(raw).refused
    moderating.topic_unlock(actor=moderator, topic=topic)
    assert inbound_message_handle(raw).posted


# --- Refused -------------------------------------------------------------------------


def test_replies_by_email_count_towards_the_members_limit_like_the_sites(
    topic, ann, address, settings
):
    settings.CONTENT_PER_HOUR = 2
    for number in range(2):
        assert inbound_message_handle(
            mail(sender=ann.email, to=address, text=f"Reply {number}")
        ).posted
    refused = inbound_message_handle(mail(sender=ann.email, to=address, text="One too many"))
    assert (refused.result, refused.reason) == (Result.REFUSED, Reason.NOT_ACCEPTED)
    assert "added a lot in a short time" in refused.detail
    assert len(replies(topic)) == 2


def test_a_reply_from_someone_else_is_refused(topic, ann, address, member):
    for sender in (member.email, "stranger@example.com", "", "not an address"):
        outcome = inbound_message_handle(mail(sender=sender, to=address))
        assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.WRONG_SENDER)
    assert replies(topic) == []


def test_an_unverified_address_of_the_same_person_is_refused(topic, ann, address):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=ann, email="ann.new@example.net", verified=False)
    outcome = inbound_message_handle(mail(sender="ann.new@example.net", to=address))
    assert outcome.reason == Reason.WRONG_SENDER
    assert replies(topic) == []


def test_a_blocked_persons_reply_is_refused(topic, ann, address):
    type(ann).objects.filter(pk=ann.pk).update(is_active=False)
    outcome = inbound_message_handle(mail(sender=ann.email, to=address))
    assert outcome.reason == Reason.WRONG_SENDER
    assert replies(topic) == []


def test_a_forged_address_is_refused(topic, ann, address):
    local_part, _at, domain = address.partition("@")
    forged = local_part[:-1] + ("a" if local_part[-1] != "a" else "b") + "@" + domain
    outcome = inbound_message_handle(mail(sender=ann.email, to=forged))
    assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.FORGED)
    assert replies(topic) == []


def test_an_expired_address_is_refused(topic, ann):
    old = reply_address_make(user=ann, topic=topic, now=timezone.now() - timedelta(days=40))
    outcome = inbound_message_handle(mail(sender=ann.email, to=old))
    assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.EXPIRED)
    assert "expired" in outcome.detail
    assert replies(topic) == []


def test_mail_to_no_reply_address_is_refused(topic, ann):
    outcome = inbound_message_handle(mail(sender=ann.email, to="someone@example.org"))
    assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.NO_ADDRESS)


def test_a_locked_or_closed_topic_refuses_with_the_reason(topic, ann, address, moderator):
    moderating.topic_lock(actor=moderator, topic=topic)
    outcome = inbound_message_handle(mail(sender=ann.email, to=address))
    assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.NOT_ACCEPTED)
    assert "locked" in outcome.detail
    moderating.topic_unlock(actor=moderator, topic=topic)
    moderating.topic_close(actor=moderator, topic=topic, conclusions="We found an insurer.")
    outcome = inbound_message_handle(mail(sender=ann.email, to=address))
    assert outcome.refused
    assert "closed" in outcome.detail
    assert replies(topic) == []


def test_a_deleted_topic_refuses(topic, ann, address):
    topic.delete()
    outcome = inbound_message_handle(mail(sender=ann.email, to=address))
    assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.NOT_ACCEPTED)


def test_a_reply_with_only_the_quote_is_refused(topic, ann, address):
    text = "On Mon, 7 Dec 2026 at 10:00, Big Society wrote:\n> A new post\n"
    outcome = inbound_message_handle(mail(sender=ann.email, to=address, text=text))
    assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.NO_TEXT)
    empty = inbound_message_handle(mail(sender=ann.email, to=address, text=None))
    assert empty.reason == Reason.NO_TEXT
    assert replies(topic) == []


def test_a_reply_over_the_post_length_is_refused_with_the_limit(topic, ann, address):
    text = "word " * (Post.BODY_MAX // 4)
    outcome = inbound_message_handle(mail(sender=ann.email, to=address, text=text))
    assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.NOT_ACCEPTED)
    assert "20,000" in outcome.detail
    assert replies(topic) == []


def test_a_30_mb_message_is_refused_before_it_is_read(topic, ann, address, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("an oversized message must not be parsed")

    monkeypatch.setattr(inbound.email, "message_from_bytes", never)
    raw = mail(sender=ann.email, to=address) + b"x" * (30 * 1024 * 1024)
    outcome = inbound_message_handle(raw)
    assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.TOO_BIG)
    assert replies(topic) == []


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage \x00",
        b"From: \r\nTo: <<<>>>\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--\r\n",
        b"To: reply+1.2.3.aaaaaaaaaaaaaaaa@reply.bigsocnorth.example\r\n\r\nx",
        b"To: " + b"a@b.example, " * 5000 + b"\r\n\r\nx",
    ],
)
def test_malformed_messages_are_refused_without_a_crash(raw, topic):
    outcome = inbound_message_handle(raw)
    assert outcome.refused
    assert replies(topic) == []


def test_messages_with_more_parts_than_a_reply_are_refused_before_parsing(
    topic, ann, address, monkeypatch
):
    def never(*args, **kwargs):
        raise AssertionError("such a message must not be parsed")

    monkeypatch.setattr(inbound.email, "message_from_bytes", never)
    parts = "".join(
        f"--b\r\nContent-Type: text/plain\r\n\r\npart {number}\r\n" for number in range(200)
    )
    many = (
        f"From: {ann.email}\r\nTo: {address}\r\n"
        f'Content-Type: multipart/mixed; boundary="b"\r\n\r\n{parts}--b--\r\n'
    ).encode()
    long_header = (
        f"From: {ann.email}\r\nTo: {address}\r\n"
        "Content-Type: text/plain; " + "a=b; " * 400 + "\r\n\r\nHello\r\n"
    ).encode()
    for raw in (many, long_header):
        outcome = inbound_message_handle(raw)
        assert (outcome.result, outcome.reason) == (Result.REFUSED, Reason.UNREADABLE)
    assert replies(topic) == []


def test_hostile_headers_and_text_take_little_time(topic, ann, address):
    import time

    started = time.monotonic()
    crowded = (
        f"From: {ann.email}\r\nTo: " + ", ".join(["Name <a@b.example>"] * 50_000) + "\r\n"
        "Cc: " + "(" * 5_000 + "\r\n\r\nHello.\r\n"
    ).encode()
    assert inbound_message_handle(crowded, recipients=[address]).posted
    attributions = "Hi.\n" + "On 1 wrote:\n" * 40_000 + ("On 1 " + "9" * 600 + "\n") * 500
    assert reply_text_strip(attributions) == "Hi."
    assert reply_text_strip("On 1 wrote:\n> x\n" * 20_000 + "Mine.") == "Mine."
    assert time.monotonic() - started < 10


# --- Ignored ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ([("Return-Path", "<>")], Reason.BOUNCE),
        ([("Auto-Submitted", "auto-replied")], Reason.AUTO_REPLY),
        ([("Auto-Submitted", "auto-generated; type=holiday")], Reason.AUTO_REPLY),
        ([("X-Autoreply", "yes")], Reason.AUTO_REPLY),
        ([("X-Autorespond", "Away until Monday")], Reason.AUTO_REPLY),
        ([("Precedence", "bulk")], Reason.AUTO_REPLY),
        ([("Precedence", "junk")], Reason.AUTO_REPLY),
        ([("Precedence", "list")], Reason.AUTO_REPLY),
        ([("Precedence", "auto_reply")], Reason.AUTO_REPLY),
        ([("List-Id", "<members.lists.example.org>")], Reason.AUTO_REPLY),
        ([("X-Loop", "reply.bigsocnorth.example")], Reason.LOOP),
    ],
)
def test_bounces_auto_replies_and_loops_are_ignored_silently(topic, ann, address, headers, reason):
    outcome = inbound_message_handle(mail(sender=ann.email, to=address, headers=headers))
    assert (outcome.result, outcome.reason) == (Result.IGNORED, reason)
    assert outcome.detail == ""
    assert replies(topic) == []


def test_mail_from_the_mail_system_is_ignored(topic, ann, address):
    for sender in ("MAILER-DAEMON@mail.example.org", "postmaster@mail.example.org"):
        outcome = inbound_message_handle(mail(sender=sender, to=address))
        assert (outcome.result, outcome.reason) == (Result.IGNORED, Reason.BOUNCE)
    outcome = inbound_message_handle(mail(sender=ann.email, to=address), sender="<>")
    assert outcome.reason == Reason.BOUNCE
    outcome = inbound_message_handle(mail(sender=ann.email, to=address), sender="MAILER-DAEMON")
    assert outcome.reason == Reason.BOUNCE
    assert replies(topic) == []


def test_a_delivery_report_is_ignored(topic, ann, address):
    raw = (
        f"From: {ann.email}\r\nTo: {address}\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--b--\r\n"
    ).encode()
    outcome = inbound_message_handle(raw)
    assert (outcome.result, outcome.reason) == (Result.IGNORED, Reason.BOUNCE)
    assert replies(topic) == []


def test_our_own_emails_coming_back_are_ignored(topic, ann, address):
    raw = mail(sender="Big Society in the North <NOREPLY@bigsocnorth.example>", to=address)
    outcome = inbound_message_handle(raw)
    assert (outcome.result, outcome.reason) == (Result.IGNORED, Reason.LOOP)
    ours = mail(sender=ann.email, to=address, headers=[("Auto-Submitted", "auto-generated")])
    assert inbound_message_handle(ours).ignored
    assert replies(topic) == []


def test_auto_submitted_no_is_a_person_writing(topic, ann, address):
    raw = mail(sender=ann.email, to=address, headers=[("Auto-Submitted", "no")])
    assert inbound_message_handle(raw).posted


# --- The log ---------------------------------------------------------------------------


def test_the_log_says_what_happened_without_the_text_or_the_whole_address(
    topic, ann, address, caplog
):
    with caplog.at_level(logging.INFO, logger="bigsocnorth.forum.inbound"):
        inbound_message_handle(mail(sender=ann.email, to=address))
        inbound_message_handle(mail(sender="stranger@example.com", to=address))
    logged = caplog.text
    assert "posted (published)" in logged
    assert "refused (wrong_sender)" in logged
    assert NEW_TEXT not in logged
    assert address not in logged
    assert address.partition("@")[0].rsplit(".", 1)[1] not in logged  # the signature
    assert ann.email not in logged


# --- Taking quotes and signatures off --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Yes, we share ours.\n\nOn Mon, 7 Dec 2026 at 10:00, Ann Smith <\n"
            "ann@example.org> wrote:\n> Has anyone shared a minibus?\n",
            "Yes, we share ours.",
        ),
        (
            "Sounds good.\n\nSent from my iPhone\n\n"
            "> On 7 Dec 2026, at 10:00, Ann <ann@example.org> wrote:\n> text",
            "Sounds good.",
        ),
        ("Thanks!\n\n-- \nBea Jones\nSheffield Food Bank\n", "Thanks!"),
        ("Thanks!\n\n--\nBea\n", "Thanks!"),
        ("Reply here.\n\n-----Original Message-----\nFrom: x\nold", "Reply here."),
        ("Reply here.\n\n----- Original Message -----\nold", "Reply here."),
        (
            "First point.\n\n*From:* Ann\n*Sent:* Monday\n*To:* Bea\n*Subject:* x\n\nold",
            "First point.",
        ),
        (
            "Ja.\n\nAm Mo., 7. Dez. 2026 um 10:00 Uhr schrieb Ann <ann@example.org>:\n> alt",
            "Ja.",
        ),
        ("Oui.\n\nLe lun. 7 déc. 2026 à 10:00, Ann <ann@example.org> a écrit :\n> x", "Oui."),
        ("Sí.\n\nEl lun, 7 dic 2026 a las 10:00, Ann escribió:\n> x", "Sí."),
        ("Ja.\n\nOp ma 7 dec. 2026 om 10:00 schreef Ann <ann@example.org>:\n> x", "Ja."),
        ("Noted.\n\nGet Outlook for Android\n________________________________\nold", "Noted."),
        ("Noted.\r\n\r\nOn 07/12/2026 10:00, Ann wrote:\r\n> x\r\n", "Noted."),
        # Written below the quote: the quote goes, the reply stays.
        (
            "On 7 Dec 2026, at 10:00, Ann <ann@example.org> wrote:\n> Has anyone?\n\n"
            "We have, yes.\n\n> And the insurance?\n\nEcclesiastical.\n",
            "We have, yes.\n\n> And the insurance?\n\nEcclesiastical.",
        ),
        # A sentence that only looks like an attribution stays.
        (
            "On Tuesday we talked about it.\nThe council wrote:\n> No money this year.\n\nSad.",
            "On Tuesday we talked about it.\nThe council wrote:\n> No money this year.\n\nSad.",
        ),
        ("> only a quote\n", ""),
        ("\n\n   \n", ""),
        ("Sent from my iPhone", ""),
        (
            "A line about something I sent from my office.",
            "A line about something I sent from my office.",
        ),
    ],
)
def test_reply_text_strip(text, expected):
    assert reply_text_strip(text) == expected


def test_html_becomes_lines_of_text_without_quotes_scripts_or_styles():
    html = (
        "<style>p{}</style><p>One &lt;two&gt;</p><ul><li>a</li><li>b</li></ul>"
        "<blockquote>old</blockquote><pre>  kept  spaces</pre><hr><p>after</p>"
    )
    rule = "_" * 32
    assert html_to_text(html) == f"One <two>\n\n- a\n- b\n\nkept  spaces\n\n{rule}\n\nafter"


# --- The receivers ---------------------------------------------------------------------


def _stdin(monkeypatch, raw: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))


def test_stdin_posts_and_exits_0(topic, ann, address, monkeypatch):
    _stdin(monkeypatch, mail(sender=ann.email, to=address))
    out = io.StringIO()
    call_command("receive_email", "--stdin", stdout=out)
    assert "posted" in out.getvalue()
    assert replies(topic)[0].body == NEW_TEXT


def test_stdin_takes_the_envelope_from_its_arguments(topic, ann, address, monkeypatch):
    _stdin(monkeypatch, mail(sender=ann.email, to="undisclosed-recipients:;"))
    call_command("receive_email", "--stdin", "--recipient", address, stdout=io.StringIO())
    assert len(replies(topic)) == 1
    _stdin(monkeypatch, mail(sender=ann.email, to=address, text="An echo."))
    call_command("receive_email", "--stdin", "--sender", "MAILER-DAEMON", stdout=io.StringIO())
    assert len(replies(topic)) == 1


def test_stdin_exit_codes_for_refusals(topic, ann, address, moderator, monkeypatch):
    local_part, _at, domain = address.partition("@")
    forged = local_part[:-1] + ("a" if local_part[-1] != "a" else "b") + "@" + domain
    _stdin(monkeypatch, mail(sender=ann.email, to=forged))
    with pytest.raises(CommandError) as error:
        call_command("receive_email", "--stdin")
    assert error.value.returncode == 67

    _stdin(monkeypatch, mail(sender="stranger@example.com", to=address))
    with pytest.raises(CommandError) as error:
        call_command("receive_email", "--stdin")
    assert error.value.returncode == 67

    moderating.topic_lock(actor=moderator, topic=topic)
    _stdin(monkeypatch, mail(sender=ann.email, to=address))
    with pytest.raises(CommandError) as error:
        call_command("receive_email", "--stdin")
    assert error.value.returncode == 65
    assert "locked" in str(error.value)
    assert replies(topic) == []


def test_stdin_ignores_bounces_with_exit_0(topic, ann, address, monkeypatch):
    _stdin(monkeypatch, mail(sender=ann.email, to=address, headers=[("Return-Path", "<>")]))
    out = io.StringIO()
    call_command("receive_email", "--stdin", stdout=out)
    assert "ignored (bounce)" in out.getvalue()
    assert replies(topic) == []


def test_stdin_reads_at_most_one_byte_over_the_limit_and_drops_the_rest(monkeypatch, db):
    class Endless:
        """30 MB that never sit in memory at once."""

        def __init__(self, total):
            self.left = total
            self.largest = 0

        def read(self, size=-1):
            assert size is not None and size >= 0, "never read everything"
            count = min(size, self.left)
            self.left -= count
            self.largest = max(self.largest, count)
            return b"x" * count

    stream = Endless(30 * 1024 * 1024)
    monkeypatch.setattr("sys.stdin", SimpleNamespace(buffer=stream))
    with pytest.raises(CommandError) as error:
        call_command("receive_email", "--stdin")
    assert error.value.returncode == 65
    assert "too_big" in str(error.value)
    from django.conf import settings

    assert stream.largest == settings.INBOUND_EMAIL_MAX_BYTES + 1
    assert stream.left == 0  # read to the end, so the mail server's pipe is not broken


def test_stdin_asks_to_try_again_later_when_something_fails(monkeypatch, db):
    from bigsocnorth.forum.management.commands import receive_email

    def broken(*args, **kwargs):
        raise RuntimeError("the database is down")

    monkeypatch.setattr(receive_email, "inbound_message_handle", broken)
    _stdin(monkeypatch, b"Subject: x\r\n\r\nx")
    with pytest.raises(CommandError) as error:
        call_command("receive_email", "--stdin")
    assert error.value.returncode == 75


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def receiver(settings):
    from bigsocnorth.forum.management.commands.receive_email import reply_controller

    settings.INBOUND_EMAIL_MAX_BYTES = 64 * 1024
    controller = reply_controller(host="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


def _client(controller) -> smtplib.SMTP:
    # A local name given: the default looks this machine up in the DNS.
    return smtplib.SMTP(
        controller.hostname, controller.port, local_hostname="localhost", timeout=30
    )


@pytest.mark.django_db(transaction=True)
def test_the_smtp_receiver_posts_replies_sent_to_it(receiver, topic, ann, address, caplog):
    with caplog.at_level(logging.INFO), _client(receiver) as client:
        refused = client.sendmail(ann.email, [address], mail(sender=ann.email, to=address))
    assert refused == {}
    assert "posted (published)" in caplog.text
    assert address not in caplog.text  # aiosmtpd's own log would name it whole
    (post,) = replies(topic)
    assert post.author == ann
    assert post.by_email
    assert post.body == NEW_TEXT


@pytest.mark.django_db(transaction=True)
def test_the_smtp_receiver_answers_refusals_bounces_and_strangers(
    receiver, topic, ann, address, moderator
):
    with _client(receiver) as client:
        # A bounce (null sender): accepted, and nothing posted.
        assert client.sendmail("<>", [address], mail(sender=ann.email, to=address)) == {}
        # The wrong sender: 550.
        with pytest.raises(smtplib.SMTPDataError) as error:
            client.sendmail("x@example.com", [address], mail(sender="x@example.com", to=address))
        assert error.value.smtp_code == 550
        # Not a reply address: refused at RCPT.
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail(ann.email, ["postmaster@example.org"], b"Subject: x\r\n\r\nx")
    moderating.topic_lock(actor=moderator, topic=topic)
    with _client(receiver) as client:
        with pytest.raises(smtplib.SMTPDataError) as error:
            client.sendmail(ann.email, [address], mail(sender=ann.email, to=address))
        assert error.value.smtp_code == 550
        assert b"locked" in error.value.smtp_error
    assert replies(topic) == []


@pytest.mark.django_db(transaction=True)
def test_the_smtp_receiver_refuses_oversized_mail_with_552(receiver, topic, ann, address):
    big = mail(sender=ann.email, to=address, text="x" * 100 * 1024)
    with _client(receiver) as client:
        # A client that says the size first is stopped at MAIL FROM...
        with pytest.raises(smtplib.SMTPSenderRefused) as error:
            client.sendmail(ann.email, [address], big)
        assert error.value.smtp_code == 552
        client.rset()
        # ...and one that does not, at the end of DATA.
        assert client.mail(ann.email)[0] == 250
        assert client.rcpt(address)[0] == 250
        assert client.data(big)[0] == 552
    assert replies(topic) == []
