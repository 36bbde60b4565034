"""Writing needs, offers and matches.

Every write checks everything first (fields.py), then writes in one
transaction and ends with the content contract's fan-out, so search, the map
and followers' notices follow each change. Contact goes through private
messages (the messaging app): "I can help" starts a conversation about the
post, and each side's contact details are shown to the other only once the
poster accepts.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigsocnorth.core.ratelimit import rate_limit_hit
from bigsocnorth.core.text import without_control_characters
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.mutual_aid import notices, permissions
from bigsocnorth.mutual_aid.fields import EXPIRY_DEFAULT_DAYS, check_post_fields
from bigsocnorth.mutual_aid.matching import words_of
from bigsocnorth.mutual_aid.models import (
    ACTIVE_MATCH_STATES,
    Match,
    MatchEvent,
    MatchState,
    Post,
    PostState,
    VolunteerChecks,
)
from bigsocnorth.mutual_aid.safeguarding import concerns_find

RESERVED_SLUGS = {"new", "yours", "near", "data", "feed", "needs", "offers", "matches", "checks"}
# A flood of "I can help" is refused: per person, per hour.
MATCH_REQUESTS_PER_HOUR = 10
POSTS_PER_DAY = 20
MESSAGE_MAX = 2_000


def _unique_slug(title: str) -> str:
    base = slugify(title)[:120].strip("-") or "post"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Post.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _entry_check(*, author, entry) -> None:
    if not permissions.can_post_for(author, entry):
        raise ValidationError(
            {"entry": [_("You can post for a group only if you look after its directory entry.")]}
        )


def _apply(post: Post, fields: dict) -> None:
    place = fields.pop("place")
    for name, value in {**fields, **place}.items():
        setattr(post, name, value)
    post.words = words_of(post.title, post.description)
    concerns = concerns_find(post.title, post.description, post.place_name)
    post.held_because = concerns.reason()[:300]


def post_create(*, author, values: dict, entry=None) -> Post:
    """A new need or offer. Waits for a moderator if its author is new, or if it mentions
    something risky or seems to hold someone's contact details (safeguarding.py)."""
    if not permissions.can_post(author):
        raise PermissionDenied(_("Sign in to post a need or an offer."))
    fields = check_post_fields(values)
    _entry_check(author=author, entry=entry)
    # Moderators are not limited: they post for people who ring or call in.
    if not author.is_moderator and rate_limit_hit(
        action="aid-post", who=str(author.pk), limit=POSTS_PER_DAY, per_seconds=86400
    ):
        raise ValidationError(_("You have posted a lot today: please try again tomorrow."))
    post = Post(author=author, entry=entry)
    _apply(post, fields)
    post.slug = _unique_slug(post.title)
    with transaction.atomic():
        lifecycle.status_stamp(
            post, lifecycle.initial_status(author=author, held=bool(post.held_because))
        )
        post.save()
        content_changed(post, previous_status=None)
    return post


def post_update(*, actor, post: Post, values: dict) -> Post:
    """Change a post; an edit that brings in something risky sends it back to review."""
    permissions.check_edit_permission(actor, post)
    fields = check_post_fields(values)
    held_before = post.held_because
    _apply(post, fields)
    with transaction.atomic():
        post.save()
        if post.held_because and post.held_because != held_before and is_public(post):
            lifecycle.submit(post, author=actor, held=True)
        else:
            content_changed(post, previous_status=post.status)
    return post


def post_close(*, actor, post: Post, state: str) -> Post:
    """The poster (or a moderator) closes it: met, or no longer needed."""
    permissions.check_edit_permission(actor, post)
    if state not in (PostState.MET, PostState.NOT_NEEDED):
        raise ValidationError(_("Say whether it was met or is no longer needed."))
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.state != PostState.OPEN:
            raise ValidationError(_("This post is already closed."))
        post.state, post.closed_at = state, timezone.now()
        post.save(update_fields=["state", "closed_at", "updated_at"])
        content_changed(post, previous_status=post.status)
    return post


def post_renew(*, actor, post: Post) -> Post:
    """ "Still needed": open for another EXPIRY_DEFAULT_DAYS from today (a lapsed one reopens).
    Only a public post: one still waiting for a moderator, or hidden by one, is refused."""
    permissions.check_edit_permission(actor, post)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)  # as it is now, not as shown
        if post.state not in (PostState.OPEN, PostState.LAPSED):
            raise ValidationError(_("This post is closed: post a new one instead."))
        if lifecycle.is_in_review(post):
            raise ValidationError(
                _(
                    "This post is waiting for a moderator: you can keep it open longer "
                    "once it is published."
                )
            )
        if not is_public(post):
            raise ValidationError(_("This post is not public, so it cannot be kept open longer."))
        post.state = PostState.OPEN
        post.expires_on = timezone.localdate() + timezone.timedelta(days=EXPIRY_DEFAULT_DAYS)
        post.expiry_warned_on = None
        post.save(update_fields=["state", "expires_on", "expiry_warned_on", "updated_at"])
        content_changed(post, previous_status=post.status)
    return post


# --- Matches -------------------------------------------------------------------------------


def _contact(value, *, required: bool) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError({"contact": [_("Write this as text.")]})
    value = without_control_characters(value or "", keep_newlines=True).strip()
    if required and not value:
        raise ValidationError(
            {"contact": [_("Say how the other person can reach you once you both agree.")]}
        )
    if len(value) > Match.CONTACT_MAX:
        raise ValidationError(
            {
                "contact": [
                    _("Keep this to at most %(max)s characters.") % {"max": Match.CONTACT_MAX}
                ]
            }
        )
    return value


def _message(value) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError({"message": [_("Write this as text.")]})
    value = without_control_characters(value or "", keep_newlines=True).strip()
    if not value:
        raise ValidationError({"message": [_("Say a few words about how you can help.")]})
    if len(value) > MESSAGE_MAX:
        raise ValidationError(
            {
                "message": [
                    _("Keep this to at most %(max)s characters.") % {"max": f"{MESSAGE_MAX:,}"}
                ]
            }
        )
    return value


def _event(match: Match, *, actor, action: str, note: str = "") -> None:
    MatchEvent.objects.create(match=match, actor=actor, action=action, note=note[:500])


def match_request(*, responder, post: Post, message: str, contact: str) -> Match:
    """ "I can help" (to a need) or "I'd like this" (to an offer): a private message to the
    poster, with the contact details the responder will share once accepted."""
    from bigsocnorth.messaging.services import conversation_start

    if not permissions.can_post(responder):
        raise PermissionDenied(_("Sign in to answer a need or an offer."))
    if post.author_id == responder.pk:
        raise ValidationError(_("This is your own post."))
    _check_takes_answers(post)
    errors: dict[str, list] = {}
    try:
        message = _message(message)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        contact = _contact(contact, required=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if Match.objects.filter(post=post, responder=responder, state__in=ACTIVE_MATCH_STATES).exists():
        raise ValidationError(_("You have already answered this post."))
    if rate_limit_hit(
        action="aid-match", who=str(responder.pk), limit=MATCH_REQUESTS_PER_HOUR, per_seconds=3600
    ):
        raise ValidationError(_("You have answered a lot of posts this hour: try again later."))
    subject = (_("I can help: %(title)s") if post.is_need else _("I'd like this: %(title)s")) % {
        "title": post.title
    }
    try:
        with transaction.atomic():
            # Read again under its lock: closed since the page was shown means no answer.
            post = Post.objects.select_for_update().get(pk=post.pk)
            _check_takes_answers(post)
            conversation = conversation_start(
                sender=responder,
                recipients=[post.author],
                subject=subject[:150],
                body=message,
                about=post,
            )
            match = Match.objects.create(
                post=post,
                responder=responder,
                message=message,
                responder_contact=contact,
                conversation=conversation,
            )
            _event(match, actor=responder, action="requested")
    except IntegrityError:  # a second request at the same moment
        raise ValidationError(_("You have already answered this post.")) from None
    return match


def _check_takes_answers(post: Post) -> None:
    """Open, public and not past its day (the lapse job may not have closed it yet)."""
    if (
        not is_public(post)
        or post.state != PostState.OPEN
        or post.expires_on < timezone.localdate()
    ):
        raise ValidationError(_("This post is closed, so it takes no more answers."))


def _locked(match: Match) -> Match:
    return Match.objects.select_for_update().select_related("post").get(pk=match.pk)


def match_accept(*, actor, match: Match, contact: str) -> Match:
    """The poster says yes: from now on each sees the contact details the other shared."""
    contact = _contact(contact, required=True)
    with transaction.atomic():
        match = _locked(match)
        if not permissions.is_poster(actor, match.post):
            raise PermissionDenied(_("Only the person who posted it can accept."))
        if match.state != MatchState.REQUESTED:
            raise ValidationError(_("This answer has already been dealt with."))
        # A post hidden by a moderator (a scam offer, say) gets nobody's contact details.
        _check_takes_answers(match.post)
        match.state, match.poster_contact, match.decided_at = (
            MatchState.ACCEPTED, contact, timezone.now(),
        )  # fmt: skip
        match.save(update_fields=["state", "poster_contact", "decided_at"])
        _event(match, actor=actor, action="accepted")
        notices.match_accepted_notify(match=match)
    return match


def match_decline(*, actor, match: Match, reason: str = "") -> Match:
    with transaction.atomic():
        match = _locked(match)
        if not permissions.is_poster(actor, match.post):
            raise PermissionDenied(_("Only the person who posted it can decline."))
        if match.state != MatchState.REQUESTED:
            raise ValidationError(_("This answer has already been dealt with."))
        match.state, match.decided_at = MatchState.DECLINED, timezone.now()
        match.save(update_fields=["state", "decided_at"])
        _event(match, actor=actor, action="declined", note=_reason(reason, required=False))
        notices.match_declined_notify(match=match)
    return match


def _reason(value, *, required: bool) -> str:
    value = without_control_characters(str(value or ""), keep_newlines=False).strip()
    if required and not value:
        raise ValidationError({"reason": [_("Say why it did not happen.")]})
    if len(value) > Match.REASON_MAX:
        raise ValidationError(
            {"reason": [_("Keep this to at most %(max)s characters.") % {"max": Match.REASON_MAX}]}
        )
    return value


def match_finish(*, actor, match: Match, done: bool, reason: str = "") -> Match:
    """Either of the two says it happened, or that it did not (with why)."""
    reason = "" if done else _reason(reason, required=True)
    with transaction.atomic():
        match = _locked(match)
        if not permissions.is_party(actor, match):
            raise PermissionDenied(_("Only the two people in a match can say how it went."))
        if match.state not in (MatchState.ACCEPTED, MatchState.DONE, MatchState.NOT_DONE):
            raise ValidationError(_("Only an accepted match can be marked done."))
        said = "done" if done else "not_done"
        if actor.pk == match.post.author_id:
            match.poster_says = said
        else:
            match.responder_says = said
        match.state = MatchState.DONE if done else MatchState.NOT_DONE
        if reason:
            match.reason = reason
        match.save(update_fields=["poster_says", "responder_says", "state", "reason"])
        _event(match, actor=actor, action=said, note=reason)
    return match


def match_withdraw(*, actor, match: Match) -> Match:
    with transaction.atomic():
        match = _locked(match)
        if actor.pk != match.responder_id:
            raise PermissionDenied(_("Only the person who answered can withdraw."))
        if match.state not in ACTIVE_MATCH_STATES:
            raise ValidationError(_("This answer has already been dealt with."))
        match.state = MatchState.WITHDRAWN
        match.save(update_fields=["state"])
        _event(match, actor=actor, action="withdrawn")
    return match


# --- Groups' own word on checking volunteers ---------------------------------------------


def volunteer_checks_declare(*, actor, entry, how: str) -> VolunteerChecks | None:
    """A group says how it checks its volunteers (empty `how`: it takes the word back)."""
    if not permissions.can_declare_checks(actor, entry):
        raise PermissionDenied(_("Only the people who look after this entry can say this."))
    how = without_control_characters(str(how or ""), keep_newlines=False).strip()
    if len(how) > VolunteerChecks.HOW_MAX:
        raise ValidationError(
            {
                "how": [
                    _("Keep this to at most %(max)s characters.") % {"max": VolunteerChecks.HOW_MAX}
                ]
            }
        )
    if not how:
        VolunteerChecks.objects.filter(entry=entry).delete()
        return None
    checks, _created = VolunteerChecks.objects.update_or_create(
        entry=entry, defaults={"how": how, "declared_by": actor}
    )
    return checks
