"""What needs and offers tell people: a new post where they follow, an answer accepted or
declined, and the "still needed?" email before a post lapses.

Called inside the transaction of the change: notices exist exactly when their
change does, and emails are queued only once it commits.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bigsocnorth.notifications.services import (
    announcement_claim,
    notify,
    notify_followers_each_once,
)

WARN_DAYS_BEFORE = 3


class Kind:
    NEW = "mutual_aid.new"  # to followers of its area, region, category and group
    ACCEPTED = "mutual_aid.accepted"  # to the responder
    DECLINED = "mutual_aid.declined"  # to the responder
    EXPIRING = "mutual_aid.expiring"  # to the poster


def post_published_notify(*, post, actor=None) -> int:
    """A newly published post, once ever, to followers of its group, category, area and
    region (each person once): what it is and the area, nothing more."""
    if not announcement_claim(key=Kind.NEW, target=post):
        return 0
    told: set[int] = {post.author_id} if post.author_id else set()
    values = {"title": post.title, "where": post.local_authority.name}
    if post.is_need:
        message = _("A need in %(where)s: “%(title)s”") % values
    else:
        message = _("An offer in %(where)s: “%(title)s”") % values
    groups = []
    if post.entry_id:
        groups.append((post.entry, message))
    groups += [
        (post.category, message),
        (post.local_authority, message),
        (post.local_authority.region, message),
    ]
    return notify_followers_each_once(
        groups=groups, kind=Kind.NEW, url=post.get_absolute_url(), actor=actor, target=post,
        told=told,
    )  # fmt: skip


def match_accepted_notify(*, match) -> None:
    notify(
        recipients=[match.responder_id],
        kind=Kind.ACCEPTED,
        message=_("Your answer to “%(title)s” was accepted: you can now see how to reach them.")
        % {"title": match.post.title},
        url=reverse("mutual_aid:match_detail", kwargs={"pk": match.pk}),
        target=match.post,
    )


def match_declined_notify(*, match) -> None:
    notify(
        recipients=[match.responder_id],
        kind=Kind.DECLINED,
        message=_("Your answer to “%(title)s” was declined, with thanks.")
        % {"title": match.post.title},
        url=reverse("mutual_aid:match_detail", kwargs={"pk": match.pk}),
        target=match.post,
    )


def _wants_email(user) -> bool:
    from bigsocnorth.notifications.models import EmailFrequency

    if not user.is_active or not user.email:
        return False
    preference = getattr(user, "notification_preference", None)
    return preference is None or preference.email_frequency != EmailFrequency.NEVER


def posts_expiring_warn(*, today=None, email: bool = True) -> int:
    """Ask each poster whose open public post lapses in WARN_DAYS_BEFORE days whether it is
    still needed: a notice, and an email unless they chose none. Once per post and expiry
    date. A post waiting for a moderator is not asked about: it cannot be renewed until it is
    published (and is asked about then, if it is still due). `email=False`: the notice only,
    for the demo's invented people."""
    from bigsocnorth.moderation.permissions import public_condition
    from bigsocnorth.mutual_aid.models import Post, PostState

    today = today or timezone.localdate()
    due = Post.objects.filter(
        public_condition(),
        state=PostState.OPEN,
        expires_on__lte=today + timedelta(days=WARN_DAYS_BEFORE),
        expires_on__gte=today,
        expiry_warned_on__isnull=True,
    ).select_related("author", "author__notification_preference")
    count = 0
    for post in due:
        with transaction.atomic():
            claimed = Post.objects.filter(pk=post.pk, expiry_warned_on__isnull=True).update(
                expiry_warned_on=today
            )
            if not claimed:  # another scheduler got there first
                continue
            url = post.get_absolute_url()
            values = {
                "title": post.title,
                "day": f"{post.expires_on:%A} {post.expires_on.day} {post.expires_on:%B}",
            }
            message = (
                _("Is “%(title)s” still needed? It closes on %(day)s unless you renew it.") % values
            )
            notify(
                recipients=[post.author_id],
                kind=Kind.EXPIRING,
                message=message,
                url=url,
                target=post,
            )
            if email and post.author and _wants_email(post.author):
                body = _("%(message)s\n\nRenew it, or close it if it has been met:\n%(link)s\n") % {
                    "message": message,
                    "link": settings.SITE_URL + url,
                }
                address = post.author.email
                transaction.on_commit(
                    lambda body=body, address=address: send_mail(
                        subject=_("Still needed?"), message=body, from_email=None,
                        recipient_list=[address],
                    )
                )  # fmt: skip
            count += 1
    return count


def posts_lapse(*, today=None) -> int:
    """Open posts past their day close as lapsed (they stay, marked, for their history)."""
    from bigsocnorth.core.pagecache import forget_pages
    from bigsocnorth.moderation.changes import content_changed
    from bigsocnorth.mutual_aid.models import Post, PostState

    today = today or timezone.localdate()
    count = 0
    for post in Post.objects.filter(state=PostState.OPEN, expires_on__lt=today):
        with transaction.atomic():
            if not Post.objects.filter(pk=post.pk, state=PostState.OPEN).update(
                state=PostState.LAPSED, closed_at=timezone.now()
            ):
                continue
            post.refresh_from_db()
            content_changed(post, previous_status=post.status)
            count += 1
    if count:
        forget_pages()
    return count
