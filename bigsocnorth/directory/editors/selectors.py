"""Reads for editors of entries: who edits an entry and who asked to."""

from __future__ import annotations

from bigsocnorth.directory.models import EditorRequest, Entry, RequestStatus


def editor_request_pending_count(*, entry: Entry) -> int:
    return EditorRequest.objects.filter(entry=entry, status=RequestStatus.PENDING).count()


def editor_request_pending_for(*, entry: Entry, user) -> EditorRequest | None:
    """The person's own unanswered request to edit this entry, if any."""
    if user is None or not user.is_authenticated:
        return None
    return EditorRequest.objects.filter(
        entry=entry, requester=user, status=RequestStatus.PENDING
    ).first()


def editor_request_list_pending(*, entry: Entry) -> list[EditorRequest]:
    """Requests to become an editor waiting for an answer, oldest first."""
    return list(
        EditorRequest.objects.filter(entry=entry, status=RequestStatus.PENDING).select_related(
            "requester__profile"
        )
    )


def entry_editor_list(*, entry: Entry) -> list:
    return list(entry.editors.select_related("profile").order_by("profile__display_name", "pk"))
