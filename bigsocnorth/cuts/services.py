"""Writing threats and cuts: reporting one, adding to its timeline, verifying, merging.

Every write checks everything first (fields.py, evidence.py), then writes in
one transaction and ends with the content contract's fan-out, so search, the
map, the dashboards' tallies and followers' notices follow each change.
"""

from __future__ import annotations

from datetime import date

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bigsocnorth.core.text import without_control_characters
from bigsocnorth.cuts.choices import ENDED_STATES, OPEN_STATES, CutState, EntryKind, Verification
from bigsocnorth.cuts.evidence import evidence_checked, evidence_save, stored_files_remove
from bigsocnorth.cuts.fields import check_cut_fields
from bigsocnorth.cuts.models import Confirmation, Cut, Evidence, TimelineEntry
from bigsocnorth.cuts.permissions import can_edit_cut, can_moderate_cuts
from bigsocnorth.moderation import lifecycle, limits
from bigsocnorth.moderation.changes import content_changed
from bigsocnorth.moderation.models import Status
from bigsocnorth.moderation.permissions import is_public

EMAIL_CONFIRM_SALT = "cuts.reporter-email"
EMAIL_CONFIRM_MAX_AGE = 14 * 24 * 3600
RESERVED_SLUGS = {"new", "report", "due", "dashboards", "feeds", "export", "similar", "embed"}


def cut_unique_slug(title: str) -> str:
    base = slugify(title)[:160].strip("-") or "cut"
    slug = base
    number = 2
    while slug in RESERVED_SLUGS or Cut.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def _write_with_files(write):
    """Run `write(stored)`; if it fails, the files it stored are removed."""
    stored: list = []
    try:
        return write(stored)
    except BaseException:
        stored_files_remove(stored)
        raise


def _errors(*parts: ValidationError | None) -> None:
    merged: dict[str, list] = {}
    for part in parts:
        if part is not None:
            for field, messages in part.message_dict.items():
                merged.setdefault(field, []).extend(messages)
    if merged:
        raise ValidationError(merged)


def _checked_report(values, links, documents):
    fields_error = evidence_error = None
    fields = evidence = None
    try:
        fields = check_cut_fields(values)
    except ValidationError as error:
        fields_error = error
    try:
        evidence = evidence_checked(links=links, documents=documents)
    except ValidationError as error:
        evidence_error = error
    _errors(fields_error, evidence_error)
    return fields, evidence


def _checked_email(address) -> str:
    """A visitor's address to be told at, checked; empty when none was given."""
    address = str(address or "").strip()
    if not address:
        return ""
    try:
        if len(address) > 254:
            raise ValidationError("too long")
        validate_email(address)
    except ValidationError:
        raise ValidationError(
            {"reporter_email": [_("Give an email address like name@example.org, or none.")]}
        ) from None
    return address


def cut_report(
    *,
    author,
    values: dict,
    links=(),
    documents=(),
    reporter_email: str = "",
    address: str = "",
) -> Cut:
    """A new report of a threat or a cut, with its first timeline entry and its evidence.

    A visitor's report (no author) always goes to review; a member's follows
    the lifecycle (trusted members publish at once). `reporter_email` is a
    visitor's address to be told when it is published, once confirmed. Its
    links count against the author's and the `address`'s limits on sharing
    links (`_links_count`).
    """
    reporter_email = _checked_email(reporter_email) if author is None else ""
    fields, evidence = _checked_report(values, links, documents)
    _links_count(evidence, author=author, address=address)
    place = fields.pop("place")
    state = fields.pop("state")
    cut = Cut(
        author=author,
        **fields,
        local_authority=place.local_authority,
        place_name=place.name,
        latitude=place.latitude,
        longitude=place.longitude,
        approximate_location=place.approximate,
        state=state,
        state_since=fields["announced_on"] or timezone.localdate(),
        reporter_email=reporter_email,
    )
    if evidence:
        cut.verification = Verification.EVIDENCE

    def write(stored):
        with transaction.atomic():
            cut.slug = cut_unique_slug(cut.title)
            status = Status.IN_REVIEW if author is None else lifecycle.initial_status(author=author)
            lifecycle.status_stamp(cut, status)
            cut.save()
            # Part of the report, public exactly when the report is, and no
            # contribution of its own: its byline is the report's (no author
            # here, so it never counts towards anyone's trust).
            first = TimelineEntry(
                cut=cut,
                kind=EntryKind.REPORTED,
                state=state,
                happened_on=cut.state_since,
                author_name_hidden=cut.author_name_hidden,
            )
            lifecycle.stamp_public(first)
            first.save()
            evidence_save(entry=first, evidence=evidence, stored=stored)
            content_changed(cut, previous_status=None)
        return cut

    return _write_with_files(write)


def cut_edit(*, actor, cut: Cut, values: dict) -> Cut:
    """Correct a report's facts (not its state, which only the timeline moves)."""
    if not can_edit_cut(actor, cut):
        raise PermissionDenied(_("Only moderators can correct a public report."))
    fields = check_cut_fields(values, with_state=False)
    place = fields.pop("place")
    for name, value in fields.items():
        setattr(cut, name, value)
    cut.local_authority = place.local_authority
    cut.place_name = place.name
    cut.latitude, cut.longitude = place.latitude, place.longitude
    cut.approximate_location = place.approximate
    with transaction.atomic():
        cut.save()
        content_changed(cut, previous_status=cut.status)
    return cut


# --- The timeline -------------------------------------------------------------------------


def _check_entry(*, cut: Cut, kind: str, state: str, happened_on, text: str, responder: str,
                 evidence) -> dict:  # fmt: skip
    errors: dict[str, list] = {}
    if kind not in (EntryKind.STATE, EntryKind.NEWS, EntryKind.RESPONSE):
        errors.setdefault("kind", []).append(_("Choose what the update records."))
    if kind == EntryKind.STATE:
        if state not in CutState.values:
            errors.setdefault("state", []).append(_("Choose the cut's new state."))
        elif state == cut.state:
            errors.setdefault("state", []).append(
                _("The cut is already “%(state)s”: choose its new state, or add news instead.")
                % {"state": cut.get_state_display()}
            )
        elif cut.state in ENDED_STATES and state in OPEN_STATES and not evidence:
            errors.setdefault("links", []).append(
                _("Reopening a cut that was over needs new evidence: a link or a document.")
            )
    else:
        state = ""
    if not isinstance(happened_on, date):
        errors.setdefault("happened_on", []).append(_("Give the date it happened."))
    elif happened_on > timezone.localdate():
        errors.setdefault("happened_on", []).append(_("That date is still to come."))
    text = without_control_characters(str(text or ""), keep_newlines=True).strip()
    if len(text) > TimelineEntry.TEXT_MAX:
        errors.setdefault("text", []).append(
            _("This can be at most %(max)s characters.") % {"max": f"{TimelineEntry.TEXT_MAX:,}"}
        )
    if kind != EntryKind.STATE and not text:
        errors.setdefault("text", []).append(_("Say what happened."))
    responder = without_control_characters(str(responder or ""), keep_newlines=False).strip()
    if kind == EntryKind.RESPONSE and not responder:
        errors.setdefault("responder", []).append(_("Say who the response is from."))
    if len(responder) > Cut.NAME_MAX:
        errors.setdefault("responder", []).append(_("This name is too long."))
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "state": state,
        "happened_on": happened_on,
        "text": text,
        "responder": responder if kind == EntryKind.RESPONSE else "",
    }


def _links_count(evidence, *, author, address: str) -> None:
    """Each link is fetched for its preview, so links count as shared links
    (moderation/limits.py): LinkSharesRateLimited, shown beside the links."""
    shared = sum(1 for item in evidence if item.url)
    limits.link_shares_count(member=author, address=address, links=shared, field="links")


def timeline_entry_add(
    *,
    author,
    cut: Cut,
    kind: str,
    happened_on,
    state: str = "",
    text: str = "",
    responder: str = "",
    author_name_hidden: bool = False,
    links=(),
    documents=(),
    address: str = "",
) -> TimelineEntry:
    """A member's update to a public cut's timeline, moderated like a report; its links
    count as for `cut_report`."""
    if author is None or not author.is_authenticated:
        raise PermissionDenied(_("Sign in to add to a cut's timeline."))
    if not is_public(cut):
        raise ValidationError(
            {"__all__": [_("This report is not public, so its timeline cannot be added to.")]}
        )
    evidence_error = entry_error = None
    evidence = values = None
    try:
        evidence = evidence_checked(links=links, documents=documents)
    except ValidationError as error:
        evidence_error = error
    try:
        values = _check_entry(
            cut=cut,
            kind=kind,
            state=state,
            happened_on=happened_on,
            text=text,
            responder=responder,
            evidence=evidence,
        )
    except ValidationError as error:
        entry_error = error
    _errors(entry_error, evidence_error)
    _links_count(evidence, author=author, address=address)

    def write(stored):
        with transaction.atomic():
            entry = TimelineEntry(
                cut=cut, author=author, author_name_hidden=author_name_hidden, **values
            )
            lifecycle.status_stamp(entry, lifecycle.initial_status(author=author))
            entry.save()
            evidence_save(entry=entry, evidence=evidence, stored=stored)
            content_changed(entry, previous_status=None)
        return entry

    return _write_with_files(write)


def cut_derived_refresh(cut: Cut) -> bool:
    """The cut's state and verification from its public timeline; True if they changed.

    The state is that of the newest public entry recording one (by the date
    it happened, then the order entered), so approving an update moves it
    and hiding a false one puts it back. Unless a moderator verified or
    disputed the report, any public evidence makes it "evidence given".
    """
    public_entries = cut.timeline.public()
    latest = public_entries.exclude(state="").order_by("-happened_on", "-pk").first()
    state, since = (latest.state, latest.happened_on) if latest else (cut.state, cut.state_since)
    verification = cut.verification
    if verification in (Verification.UNVERIFIED, Verification.EVIDENCE):
        has_evidence = Evidence.objects.filter(entry__in=public_entries).exists()
        verification = Verification.EVIDENCE if has_evidence else Verification.UNVERIFIED
    if (state, since, verification) == (cut.state, cut.state_since, cut.verification):
        return False
    cut.state, cut.state_since, cut.verification = state, since, verification
    cut.save(update_fields=["state", "state_since", "verification", "updated_at"])
    return True


def cut_refresh_and_fan_out(cut: Cut) -> None:
    """After a change to a cut's timeline: its derived fields, then the contract's fan-out."""
    if cut_derived_refresh(cut):
        content_changed(cut, previous_status=cut.status)


# --- Verification, confirmation, merging ---------------------------------------------------


def cut_verify(*, actor, cut: Cut, verification: str, note: str) -> Cut:
    """A moderator's verdict on a report, with a public note, recorded on its timeline."""
    if not can_moderate_cuts(actor):
        raise PermissionDenied(_("Only moderators can verify reports."))
    note = without_control_characters(str(note or ""), keep_newlines=True).strip()
    errors: dict[str, list] = {}
    if verification not in (Verification.VERIFIED, Verification.DISPUTED, Verification.UNVERIFIED):
        errors.setdefault("verification", []).append(_("Choose verified, disputed or not yet."))
    if verification != Verification.UNVERIFIED and not note:
        errors.setdefault("note", []).append(_("Say, in public, how it was checked."))
    if len(note) > 1_000:
        errors.setdefault("note", []).append(_("The note can be at most 1,000 characters."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        cut.verification = verification
        cut.verification_note = note
        cut.save(update_fields=["verification", "verification_note", "updated_at"])
        entry = TimelineEntry(
            cut=cut,
            author=actor,
            kind=EntryKind.VERIFIED,
            happened_on=timezone.localdate(),
            text=f"{Verification(verification).label}: {note}"
            if note
            else str(Verification(verification).label),
        )
        lifecycle.stamp_public(entry)
        entry.save()
        if verification == Verification.UNVERIFIED:
            cut_derived_refresh(cut)  # evidence given, if there is some
        content_changed(cut, previous_status=cut.status)
    return cut


def cut_confirm(*, user, cut: Cut, note: str = "", url: str = "") -> bool:
    """A member says "I can confirm this"; False if they already had. Counted on the cut."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to confirm a report."))
    if not is_public(cut):
        raise ValidationError({"__all__": [_("This report is not public.")]})
    note = without_control_characters(str(note or ""), keep_newlines=False).strip()
    errors: dict[str, list] = {}
    if len(note) > 500:
        errors.setdefault("note", []).append(_("This can be at most 500 characters."))
    if url:
        try:
            evidence_checked(links=[url])
        except ValidationError as error:
            raise ValidationError({"url": error.messages}) from None
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _confirmation, created = Confirmation.objects.get_or_create(
            cut=cut, user=user, defaults={"note": note, "url": url}
        )
        if created:
            cut.confirmation_count = cut.confirmations.count()
            cut.save(update_fields=["confirmation_count", "updated_at"])
            content_changed(cut, previous_status=cut.status)
    return created


def cut_merge(*, actor, duplicate: Cut, into: Cut) -> Cut:
    """Merge a duplicate report into another: its timeline, evidence and confirmations move.

    The duplicate is hidden (it points at the one kept), the kept one's
    timeline records the merge, and its state, verification and count of
    confirmations follow from what it now holds.
    """
    if not can_moderate_cuts(actor):
        raise PermissionDenied(_("Only moderators can merge reports."))
    if duplicate.pk == into.pk:
        raise ValidationError({"into": [_("A report cannot be merged into itself.")]})
    if into.merged_into_id is not None:
        raise ValidationError({"into": [_("That report was itself merged into another.")]})
    with transaction.atomic():
        # The duplicate's own first entry stays in the history as a note of
        # it, without a state: it must not set the kept report's state.
        duplicate.timeline.filter(kind=EntryKind.REPORTED).update(
            kind=EntryKind.MERGED,
            state="",
            text=_("First reported separately as “%(title)s”.") % {"title": duplicate.title},
        )
        duplicate.timeline.update(cut=into)
        confirmed = set(into.confirmations.values_list("user_id", flat=True))
        duplicate.confirmations.exclude(user_id__in=confirmed).update(cut=into)
        duplicate.confirmations.all().delete()
        merged = TimelineEntry(
            cut=into,
            author=actor,
            kind=EntryKind.MERGED,
            happened_on=timezone.localdate(),
            text=_("The report “%(title)s” was merged into this one.") % {"title": duplicate.title},
        )
        lifecycle.stamp_public(merged)
        merged.save()
        Cut.objects.filter(merged_into=duplicate).update(merged_into=into)
        duplicate.merged_into = into
        duplicate.confirmation_count = 0
        duplicate.save(update_fields=["merged_into", "confirmation_count", "updated_at"])
        if is_public(duplicate):
            lifecycle.hide(duplicate, reason=_("Merged into “%(title)s”.") % {"title": into.title})
        else:
            content_changed(duplicate, previous_status=duplicate.status)
        into.confirmation_count = into.confirmations.count()
        into.save(update_fields=["confirmation_count", "updated_at"])
        cut_derived_refresh(into)
        content_changed(into, previous_status=into.status)
    return into


# --- A visitor's address, to be told when their report is published ---------------------


def reporter_email_token(cut: Cut) -> str:
    return signing.dumps({"cut": cut.pk, "email": cut.reporter_email}, salt=EMAIL_CONFIRM_SALT)


def reporter_email_confirm(*, token: str) -> Cut | None:
    """The cut whose reporter's address this token confirms, or None for a bad or old token."""
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRM_SALT, max_age=EMAIL_CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    cut = Cut.objects.filter(pk=data.get("cut"), reporter_email=data.get("email")).first()
    if cut is None or not cut.reporter_email:
        return None
    if not cut.reporter_email_confirmed:
        Cut.objects.filter(pk=cut.pk).update(reporter_email_confirmed=True)
        cut.reporter_email_confirmed = True
    return cut
