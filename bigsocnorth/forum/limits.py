"""Limits for new members, which lift by themselves, each explained where it applies.

A member is new for their first NEW_FOR days, until FORUM_TRUSTED_POSTS of
their posts have been published, whichever comes first. Moderators are
never new. The counts are read from the posts themselves, so they hold
however many processes serve the forum. In their first day (PICTURES_AFTER)
a new member's posts carry no pictures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

NEW_FOR = timedelta(days=7)
TRUSTED_POSTS = 5
NEW_MEMBER_POSTS_PER_HOUR = 5
MEMBER_POSTS_PER_HOUR = 60
NEW_MEMBER_LINKS_PER_POST = 2
NEW_MEMBER_TOPICS_PER_DAY = 3
# A new member's first day is for words: pictures are the spammer's favourite
# payload, and a day costs a real newcomer little.
PICTURES_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Standing:
    is_new: bool
    lifts_on: object  # a date, or None once lifted


def member_standing(*, user) -> Standing:
    from bigsocnorth.forum.models import Post

    if user.is_moderator:
        return Standing(is_new=False, lifts_on=None)
    lifts_at = user.date_joined + NEW_FOR
    if timezone.now() >= lifts_at:
        return Standing(is_new=False, lifts_on=None)
    published = Post.objects.public().filter(author=user).count()
    if published >= TRUSTED_POSTS:
        return Standing(is_new=False, lifts_on=None)
    return Standing(is_new=True, lifts_on=timezone.localdate(lifts_at))


def limits_explained(*, user) -> str:
    """One plain sentence for the composer, or "" when no limit applies."""
    if not user.is_authenticated:
        return ""
    standing = member_standing(user=user)
    if not standing.is_new:
        return ""
    explained = _(
        "Welcome! While you are new here, your first posts are read by a moderator before "
        "they appear, you can write up to %(posts)d posts an hour with up to %(links)d links "
        "each. These limits lift by themselves on %(date)s, or sooner once %(trusted)d of "
        "your posts are published."
    ) % {
        "posts": NEW_MEMBER_POSTS_PER_HOUR,
        "links": NEW_MEMBER_LINKS_PER_POST,
        "date": standing.lifts_on.strftime("%A %-d %B"),
        "trusted": TRUSTED_POSTS,
    }
    pictures_from = pictures_allowed_from(user=user, standing=standing)
    if pictures_from is not None:
        explained += " " + _("You can add pictures to your posts from %(when)s.") % {
            "when": _when(pictures_from)
        }
    return explained


def pictures_allowed_from(*, user, standing: Standing | None = None):
    """When a member in their first day may add pictures (a datetime), or None: they may now.

    Only a member who is still new is held back, so one whose posts were
    published sooner is not; moderators never are.
    """
    if not user.is_authenticated or user.is_moderator:
        return None
    allowed_at = user.date_joined + PICTURES_AFTER
    if timezone.now() >= allowed_at:
        return None
    if not (standing or member_standing(user=user)).is_new:
        return None
    return allowed_at


def _when(moment) -> str:
    # Always within a day: the weekday and the time say it plainly ("Tuesday 14:05").
    return date_format(timezone.localtime(moment), "l H:i")


def pictures_wait_explained(*, user) -> str:
    """For the composer, in place of the picture fields: when pictures become possible."""
    allowed_at = pictures_allowed_from(user=user)
    if allowed_at is None:
        return ""
    return _("You can add pictures from %(when)s, once you have been a member for a day.") % {
        "when": _when(allowed_at)
    }


def check_picture_limits(*, user) -> None:
    """ValidationError for the picture fields when a member in their first day adds pictures."""
    allowed_at = pictures_allowed_from(user=user)
    if allowed_at is None:
        return
    raise ValidationError(
        {
            "pictures": _(
                "You can add pictures from %(when)s; write your post without them for now, "
                "nothing you wrote is lost."
            )
            % {"when": _when(allowed_at)}
        }
    )


def check_post_limits(*, user, link_count: int, new_topic: bool = False) -> None:
    """ValidationError, in plain words, when this post would go over a limit."""
    from bigsocnorth.forum.models import Post, Topic

    now = timezone.now()
    standing = member_standing(user=user)
    per_hour = NEW_MEMBER_POSTS_PER_HOUR if standing.is_new else MEMBER_POSTS_PER_HOUR
    if user.is_moderator:
        return
    recent = Post.objects.filter(author=user, created_at__gte=now - timedelta(hours=1)).count()
    if recent >= per_hour:
        raise ValidationError(
            ngettext(
                "You have written %(count)d post in the last hour, the most for now. "
                "Please wait a little and try again: nothing you wrote here is lost.",
                "You have written %(count)d posts in the last hour, the most for now. "
                "Please wait a little and try again: nothing you wrote here is lost.",
                recent,
            )
            % {"count": recent}
        )
    if not standing.is_new:
        return
    if link_count > NEW_MEMBER_LINKS_PER_POST:
        raise ValidationError(
            {
                "body": _(
                    "While you are new here, a post can have up to %(links)d links; this one "
                    "has %(count)d. The limit lifts on %(date)s."
                )
                % {
                    "links": NEW_MEMBER_LINKS_PER_POST,
                    "count": link_count,
                    "date": standing.lifts_on.strftime("%A %-d %B"),
                }
            }
        )
    if new_topic:
        today = Topic.objects.filter(author=user, created_at__gte=now - timedelta(days=1)).count()
        if today >= NEW_MEMBER_TOPICS_PER_DAY:
            raise ValidationError(
                _(
                    "While you are new here, you can start up to %(count)d topics a day. "
                    "You can still reply to topics."
                )
                % {"count": NEW_MEMBER_TOPICS_PER_DAY}
            )
