"""The forum journeys: a new member introduces themselves and waits for review; a member quotes
part of a post and mentions someone, who hears of it and replies by email; a moderator closes a
debate with its conclusions; a visitor logs in to discuss a story from its page; two members
write to each other in private.

The introduction runs at 360 px without JavaScript (every form is plain HTML); quoting needs
JavaScript to read the words chosen, and runs at 1280 px; the others run at one width each, to
keep the suite quick. Axe checks every page. Replies by email go through the real SMTP receiver,
listening on 127.0.0.1 for the test.
"""

from __future__ import annotations

import datetime
import re
import smtplib
import socket
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from bigsocnorth.accounts.models import Profile
from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.forum import services
from bigsocnorth.forum.management.commands.receive_email import reply_controller
from bigsocnorth.forum.models import Category, Post, Topic
from bigsocnorth.messaging.models import Conversation
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.services import content_approve
from bigsocnorth.notifications.models import EmailFrequency
from bigsocnorth.notifications.services import notification_preference_update
from bigsocnorth.stories import services as story_services
from tests.browser.conftest import IMMEDIATE_TASKS, check_page, log_in, log_out, open_menu, visit

# The live server sees only committed data (conftest.py reloads the reference data).
pytestmark = pytest.mark.django_db(transaction=True)

MINIBUS_TITLE = "Sharing a minibus between groups"
MINIBUS_OPENING = (
    "Our minibus is busy on weekends but idle most weekdays.\n\n"
    "The insurer says any named driver over 25 is covered, whoever they drive for."
)
QUOTED_WORDS = "any named driver over 25 is covered"
_SELECT_WORDS = """([selector, words]) => {
  const body = document.querySelector(selector);
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + words.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return selection.toString();
  }
  return null;
}"""


# --- People and places ------------------------------------------------------------------------


def _person(password, name: str, handle: str, **values):
    person = UserFactory(password=password, **values)
    Profile.objects.filter(user=person).update(display_name=name, handle=handle)
    person.refresh_from_db()
    return person


def _trusted(password, name: str, handle: str, *, moderator):
    """A member of two months whose first two posts were approved: new posts are public at once."""
    person = _person(
        password, name, handle, date_joined=timezone.now() - datetime.timedelta(days=60)
    )
    earlier = Topic.objects.filter(title="Earlier conversations").first()
    if earlier is None:
        earlier = services.topic_create(
            author=moderator, category=_category("Ideas"), title="Earlier conversations", body="Hi."
        )
    for text in ("My first post.", "My second post."):
        post = services.post_create(author=person, topic=earlier, body=text)
        content_approve(actor=moderator, content=post)
    return person


def _category(name: str, description: str = "") -> Category:
    slug = name.lower().replace(" ", "-")
    category, _created = Category.objects.get_or_create(
        slug=slug, defaults={"name": name, "description": description}
    )
    return category


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def receiver():
    """The reply-by-email SMTP receiver, as `manage.py receive_email` runs it, on loopback."""
    controller = reply_controller(host="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


# --- 1. A new member introduces themselves --------------------------------------------------


@pytest.mark.parametrize("page_without_javascript", ["phone"], indirect=True)
def test_a_new_member_introduces_themselves_and_the_post_waits_for_review(
    page_without_javascript, live_server, member, password
):
    page = page_without_javascript
    base_url = live_server.url
    _category("Introductions", "Say hello: who you are, where, and what your group does.")
    _category("Ideas")
    title = "Hello from a food bank in Rotherham"

    log_in(page, base_url, member.email, password)
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Forum").click()
    page.wait_for_url(re.compile(r"/forum/$"))
    check_page(page, "forum-latest")
    page.get_by_role("link", name="All categories").click()
    page.wait_for_url(re.compile(r"/forum/categories/$"))
    check_page(page, "forum-categories")
    page.get_by_role("link", name="Introductions").click()
    page.wait_for_url(re.compile(r"/forum/c/introductions/$"))
    check_page(page, "forum-category")
    # The empty category offers "Start a topic" twice: the first keeps the category.
    page.get_by_role("link", name="Start a topic").first.click()
    page.wait_for_url(re.compile(r"/forum/start/\?category=introductions$"))
    check_page(page, "forum-start")
    # A new member is told their limits in plain words, and the category is chosen already.
    assert page.locator("main .notice").count() == 1
    category = page.get_by_label("Category")
    assert category.locator("option:checked").inner_text() == "Introductions"

    page.get_by_label("Title").fill(title)
    page.get_by_label("What would you like to say?").fill(
        "I volunteer at a **food bank** in Rotherham and want to compare notes on rotas."
    )
    page.get_by_label("Area it is about (optional)").select_option(label="Rotherham")
    page.get_by_role("button", name="Publish the topic").click()
    page.wait_for_url(re.compile(r"/forum/t/\d+/hello-from-a-food-bank-in-rotherham/$"))
    page.get_by_role("status").get_by_text("Your topic waits for a moderator").wait_for()
    check_page(page, "forum-topic-waiting")
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.get_by_text("This topic waits for a moderator to read it").count() == 1
    assert page.locator("#post-1 strong").inner_text() == "food bank"
    topic = Topic.objects.get(title=title)
    assert (topic.status, topic.author, topic.category.slug) == (
        Status.IN_REVIEW,
        member,
        "introductions",
    )
    # The opening post is public exactly when its topic is.
    assert not Post.objects.public().filter(topic=topic).exists()

    # A visitor sees nothing of it: not in the lists, and its page is not found.
    log_out(page)
    visit(page, f"{base_url}/forum/", "forum-latest-visitor")
    assert page.get_by_role("link", name=title).count() == 0
    visit(page, f"{base_url}/forum/c/introductions/", "forum-category-visitor")
    assert page.get_by_role("link", name=title).count() == 0
    assert page.goto(f"{base_url}{topic.get_absolute_url()}").status == 404


# --- 2. A quote, a mention, and a reply by email ----------------------------------------------


@override_settings(TASKS=IMMEDIATE_TASKS, REPLY_EMAIL_DOMAIN="reply.bigsocnorth.example")
@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_member_quotes_part_of_a_post_and_mentions_someone_who_replies_by_email(
    page, live_server, moderator, password, receiver
):
    base_url = live_server.url
    ann = _trusted(password, "Ann Whitaker", "ann", moderator=moderator)
    bob = _trusted(password, "Bob Okafor", "bob", moderator=moderator)
    carol = _trusted(password, "Carol Ashworth", "carol", moderator=moderator)
    notification_preference_update(user=carol, email_frequency=EmailFrequency.IMMEDIATELY)
    topic = services.topic_create(
        author=ann, category=_category("Ideas"), title=MINIBUS_TITLE, body=MINIBUS_OPENING
    )
    opening = topic.posts.get(number=1)
    mail.outbox.clear()

    # Bob chooses a few words in Ann's post and quotes only them.
    log_in(page, base_url, bob.email, password)
    visit(page, f"{base_url}{topic.get_absolute_url()}", "forum-topic")
    chosen = page.evaluate(_SELECT_WORDS, ["#post-1 .forum-post-body", QUOTED_WORDS])
    assert chosen == QUOTED_WORDS
    page.locator("#post-1").get_by_role("link", name="Quote post #1").click()
    page.wait_for_url(re.compile(rf"/forum/t/{topic.pk}/reply/\?quote={opening.pk}&part="))
    check_page(page, "forum-reply-quote")
    composer = page.get_by_label("Your reply")
    assert composer.input_value() == (
        f"> [Ann Whitaker wrote](/forum/posts/{opening.pk}/):\n>\n> {QUOTED_WORDS}\n\n"
    )
    composer.press("Control+End")
    composer.press_sequentially("Does that cover volunteers too? @carol would know.", delay=5)
    page.get_by_role("button", name="Post your reply").click()
    page.wait_for_url(re.compile(rf"{re.escape(topic.get_absolute_url())}\?page=1#post-2$"))
    check_page(page, "forum-topic-replied")
    reply = page.locator("#post-2")
    assert reply.locator(".forum-post-body blockquote").inner_text().strip().endswith(QUOTED_WORDS)
    assert "idle most weekdays" not in reply.inner_text()
    assert reply.get_by_role("link", name="@carol").get_attribute("href") == "/people/carol/"
    assert reply.get_by_text("In reply to Ann Whitaker (#1)").count() == 1

    # Carol is told, on the site and (she chose "straight away") by email.
    (email,) = [message for message in mail.outbox if message.to == [carol.email]]
    assert f"You were mentioned in “{MINIBUS_TITLE}”" in email.subject
    assert "Reply to this email to post your reply in the topic." in email.body
    (reply_address,) = email.reply_to
    assert reply_address.startswith(f"reply+{carol.pk}.{topic.pk}.")
    log_out(page)
    log_in(page, base_url, carol.email, password)
    visit(page, f"{base_url}/notifications/", "forum-notifications")
    notice = page.get_by_role("link", name=f"You were mentioned in “{MINIBUS_TITLE}”")
    assert notice.count() == 1

    # She answers the email, above the quoted message, from her mail program.
    answer = EmailMessage()
    answer["From"] = f"Carol Ashworth <{carol.email}>"
    answer["To"] = reply_address
    answer["Subject"] = f"Re: {email.subject}"
    answer["Message-ID"] = make_msgid(domain="mail.example.org")
    first_line = email.body.splitlines()[0]
    answer.set_content(
        "Yes: volunteers are covered once they are named on the policy.\n\n"
        f"On 4 May 2026, at 10:02, Big Society in the North wrote:\n> {first_line}\n"
    )
    with smtplib.SMTP(
        receiver.hostname, receiver.port, local_hostname="localhost", timeout=30
    ) as client:
        assert client.sendmail(carol.email, [reply_address], answer.as_bytes()) == {}
    by_email = Post.objects.get(topic=topic, number=3)
    assert (by_email.author, by_email.by_email, by_email.status) == (carol, True, Status.PUBLISHED)

    notice.click()
    page.wait_for_url(re.compile(rf"{re.escape(topic.get_absolute_url())}\?page=1#post-\d$"))
    check_page(page, "forum-topic-by-email")
    emailed = page.locator("#post-3")
    assert "Yes: volunteers are covered once they are named on the policy." in emailed.inner_text()
    assert "wrote:" not in emailed.inner_text()
    assert emailed.locator(".forum-post-by").get_by_text("by email").count() == 1


# --- 3. A moderator closes a debate ---------------------------------------------------------


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_moderator_closes_a_debate_with_its_conclusions(
    page, live_server, moderator, member, password
):
    base_url = live_server.url
    topic = services.topic_create(
        author=moderator,
        category=_category("Ideas"),
        title="Should networks pool their funding bids?",
        body="Three networks in Calderdale bid for the same fund last year. Should we pool bids?",
    )
    services.post_create(author=moderator, topic=topic, body="Pooling worked for us in Bradford.")
    conclusions = (
        "Pool bids where the funder allows it.\n\n"
        "- One lead network, named in the bid\n- A shared budget sheet, open to all partners"
    )

    log_in(page, base_url, moderator.email, password)
    visit(page, f"{base_url}{topic.get_absolute_url()}", "forum-topic-moderator")
    page.get_by_role("link", name="Moderate this topic").click()
    page.wait_for_url(re.compile(rf"/forum/t/{topic.pk}/moderate/$"))
    check_page(page, "forum-moderate")
    page.get_by_label("Conclusions", exact=True).fill(conclusions)
    page.get_by_role("button", name="Close the topic").click()
    page.wait_for_url(re.compile(re.escape(topic.get_absolute_url()) + "$"))
    page.get_by_text("The topic is closed; its conclusions are at its top.").wait_for()
    check_page(page, "forum-topic-closed-moderator")
    topic.refresh_from_db()
    assert topic.is_closed and topic.conclusions == conclusions

    # A member reads the conclusions at the top, and can no longer reply.
    log_out(page)
    log_in(page, base_url, member.email, password)
    visit(page, f"{base_url}{topic.get_absolute_url()}", "forum-topic-closed")
    box = page.get_by_role("region", name="Closed, with these conclusions")
    assert box.get_by_text("Pool bids where the funder allows it.").count() == 1
    assert box.get_by_role("listitem").count() == 2
    assert page.locator("h1 + .meta .badge").inner_text() == "Closed"
    assert page.get_by_label("Your reply").count() == 0
    assert page.get_by_role("button", name="Post your reply").count() == 0
    assert page.get_by_role("link", name=re.compile(r"^(Reply|Quote)")).count() == 0
    # Nor by going to the reply page's address.
    visit(page, f"{base_url}/forum/t/{topic.pk}/reply/", "forum-reply-closed")
    assert page.get_by_text(re.compile(r"^This topic is closed:")).count() == 1
    assert page.get_by_role("link", name="its conclusions are at the top of the topic").count() == 1
    assert page.get_by_label("Your reply").count() == 0


# --- 4. A visitor discusses a story from its page ---------------------------------------------


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_visitor_logs_in_and_discusses_a_story_from_its_page(
    page, live_server, moderator, password
):
    base_url = live_server.url
    writer = _trusted(password, "Dev Mistry", "dev", moderator=moderator)
    story = story_services.story_create(
        author=moderator,
        action=story_services.Action.PUBLISH,
        title="The library that stayed open",
        summary="How a village kept its library.",
        body="Volunteers took over the Tuesday and Saturday shifts.",
    )
    assert story.status == Status.PUBLISHED
    said = "We did the same in Hebden Bridge: a rota of twelve kept it going."

    visit(page, f"{base_url}{story.get_absolute_url()}", "story-discussion-visitor")
    section = page.get_by_role("region", name="Discussion")
    assert section.get_by_text("Nobody has discussed this yet.").count() == 1
    assert re.sub(r"\s+", " ", section.inner_text()).endswith(
        "Log in or join to join the discussion."
    )
    section.get_by_role("link", name="Log in").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Email address").fill(writer.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(story.get_absolute_url()) + "$"))
    check_page(page, "story-discussion-member")

    page.get_by_label("Start the discussion").fill(said)
    page.get_by_role("region", name="Discussion").get_by_role("button", name="Post").click()
    page.wait_for_url(re.compile(r"/forum/t/\d+/the-library-that-stayed-open/\?page=1#post-1$"))
    check_page(page, "forum-discussion-topic")
    assert page.get_by_role("heading", level=1).inner_text() == story.title
    assert page.locator("#post-1").get_by_text(said).count() == 1
    topic = Topic.objects.get(subject_id=story.pk)
    assert (topic.status, topic.category.slug) == (Status.PUBLISHED, "discussions")

    page.get_by_role("link", name=story.title).click()
    page.wait_for_url(re.compile(re.escape(story.get_absolute_url()) + "$"))
    check_page(page, "story-discussed")
    section = page.get_by_role("region", name="Discussion")
    assert section.get_by_text(said).count() == 1
    assert section.get_by_text("Dev Mistry").count() == 1
    assert section.get_by_role("link", name="Read the discussion (1 post)").count() == 1
    assert section.get_by_label("Add to the discussion").count() == 1


# --- 5. Two members write to each other in private --------------------------------------------


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_two_members_exchange_private_messages(page, live_server, password):
    base_url = live_server.url
    ann = _person(password, "Ann Whitaker", "ann")
    bob = _person(password, "Bob Okafor", "bob")
    subject = "Borrowing your gazebo"

    log_in(page, base_url, ann.email, password)
    visit(page, f"{base_url}/people/bob/", "profile-send-a-message")
    page.get_by_role("link", name="Send a message to Bob Okafor").click()
    page.wait_for_url(re.compile(r"/messages/new/bob/$"))
    check_page(page, "messages-new")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Your message").fill(
        "Could we borrow your gazebo for the fun day on the 14th?"
    )
    page.get_by_role("button", name="Send the message").click()
    page.wait_for_url(re.compile(r"/messages/\d+/$"))
    page.get_by_text("Your message to Bob Okafor is sent.").wait_for()
    check_page(page, "messages-conversation")
    conversation = Conversation.objects.get()
    log_out(page)

    # Bob finds it in his inbox and answers.
    log_in(page, base_url, bob.email, password)
    visit(page, f"{base_url}/messages/", "messages-inbox")
    item = page.locator(".conversation-item").filter(has_text=subject)
    assert item.get_by_text("New", exact=True).count() == 1
    assert "With Ann Whitaker" in item.inner_text()
    item.get_by_role("link", name=subject).click()
    page.wait_for_url(re.compile(rf"/messages/{conversation.pk}/$"))
    check_page(page, "messages-conversation-to-answer")
    page.get_by_label("Your message").fill("Of course: I'll drop it round on the 13th.")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Your message is sent.").wait_for()
    check_page(page, "messages-conversation-answered")
    thread = page.get_by_role("list", name="Messages")
    assert thread.get_by_role("listitem").count() == 2
    log_out(page)

    # Ann sees the answer under her message.
    log_in(page, base_url, ann.email, password)
    visit(page, f"{base_url}/messages/", "messages-inbox-answered")
    page.locator(".conversation-item").filter(has_text=subject).get_by_role(
        "link", name=subject
    ).click()
    page.wait_for_url(re.compile(rf"/messages/{conversation.pk}/$"))
    check_page(page, "messages-conversation-read")
    texts = [item.inner_text() for item in thread.get_by_role("listitem").all()]
    assert len(texts) == 2
    assert "Could we borrow your gazebo" in texts[0] and "Ann Whitaker" in texts[0]
    assert "drop it round on the 13th" in texts[1] and "Bob Okafor" in texts[1]
