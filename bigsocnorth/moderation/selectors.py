"""Reads for moderation: the review queue, the audit log, and content by type and id."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from bigsocnorth.moderation import registry
from bigsocnorth.moderation.models import AuditLog, Flag, Status
from bigsocnorth.moderation.permissions import check_view_permission
from bigsocnorth.moderation.previews import ContentPreview, content_preview, preview_queryset


@dataclass
class QueueItem:
    content: Model
    content_type: ContentType
    title: str
    flags: list[Flag] = field(default_factory=list)
    since: object = None
    preview: ContentPreview | None = None

    @property
    def is_in_review(self) -> bool:
        return self.content.status == Status.IN_REVIEW

    @property
    def is_hidden(self) -> bool:
        return self.content.status == Status.HIDDEN


def review_queue() -> list[QueueItem]:
    """Content waiting for review, and content with open flags, oldest first.

    Each item carries its preview (the content itself: text, picture,
    area). One query for the open flags and one or two per registered
    content type (its rows, and its areas where it has several), whatever
    the length of the queue.
    """
    open_flags = list(
        Flag.objects.filter(resolved_at__isnull=True).select_related("flagger__profile")
    )
    flags_by_key: dict[tuple[int, int], list[Flag]] = {}
    for flag in open_flags:
        flags_by_key.setdefault((flag.content_type_id, flag.object_id), []).append(flag)
    items: list[QueueItem] = []
    for registered in registry.registered_types():
        model = registered.model
        content_type = ContentType.objects.get_for_model(model)
        flagged_ids = [oid for (ct, oid) in flags_by_key if ct == content_type.pk]
        rows = preview_queryset(
            model.objects.filter(Q(status=Status.IN_REVIEW) | Q(pk__in=flagged_ids))
        )
        for obj in rows:
            flags = flags_by_key.get((content_type.pk, obj.pk), [])
            since = flags[0].created_at if flags and obj.status != Status.IN_REVIEW else None
            items.append(
                QueueItem(
                    content=obj,
                    content_type=content_type,
                    title=registry.title_for(obj),
                    flags=flags,
                    since=since or obj.created_at,
                    preview=content_preview(obj),
                )
            )
    items.sort(key=lambda item: item.since)
    return items


def review_queue_count() -> int:
    """How many things review_queue() lists, counted in the database, not loaded.

    In review, or with an open flag (a thing both in review and flagged
    counts once, as in the queue), for every registered content type in one
    query: each type's count is a subquery, so the header's "Review (N)"
    link costs the same however many types there are. Only ever asked for
    moderators.
    """
    counts, params = [], []
    for registered in registry.registered_types():
        model = registered.model
        content_type = ContentType.objects.get_for_model(model)
        flagged = Flag.objects.filter(content_type=content_type, resolved_at__isnull=True).values(
            "object_id"
        )
        waiting = model.objects.filter(Q(status=Status.IN_REVIEW) | Q(pk__in=flagged)).values("pk")
        sql, type_params = waiting.query.sql_with_params()
        # The ORM's own SQL, its values passed apart as parameters.
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS waiting_{len(counts)})")  # noqa: S608
        params.extend(type_params)
    if not counts:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(counts), params)
        return cursor.fetchone()[0]


@dataclass
class Waiting:
    type_label: str
    title: str


def author_waiting_list(*, author) -> list[Waiting]:
    """The author's contributions waiting for review, of every registered type.

    What blocking them would hide. One query per registered content type.
    """
    found: list[Waiting] = []
    for registered in registry.registered_types():
        model = registered.model
        for obj in model.objects.filter(author_id=author.pk, status=Status.IN_REVIEW):
            found.append(
                Waiting(type_label=str(model._meta.verbose_name), title=registry.title_for(obj))
            )
    return found


def audit_log_list(*, limit: int = 200) -> QuerySet[AuditLog]:
    return AuditLog.objects.select_related("actor__profile", "content_type")[:limit]


def content_type_get_registered(*, content_type_id: int) -> ContentType:
    """The ContentType of a registered content model, or Http404."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    if content_type is None:
        raise Http404
    model = content_type.model_class()
    if model is None or not registry.is_registered(model):
        raise Http404
    return content_type


def content_get(*, content_type_id: int, object_id: int) -> Model:
    """A registered content object by type and id, whatever its status, or Http404."""
    content_type = content_type_get_registered(content_type_id=content_type_id)
    obj = content_type.model_class().objects.filter(pk=object_id).first()
    if obj is None:
        raise Http404
    return obj


def content_get_for_view(*, user, content_type_id: int, object_id: int) -> Model:
    obj = content_get(content_type_id=content_type_id, object_id=object_id)
    check_view_permission(user=user, obj=obj)
    return obj


@dataclass
class Contribution:
    content: Model
    type_label: str
    title: str


def contribution_list(*, user, limit_per_type: int = 200) -> list[Contribution]:
    """What the person contributed, of every registered type and in any status, newest first.

    One query per registered content type.
    """
    found: list[Contribution] = []
    for registered in registry.registered_types():
        model = registered.model
        for obj in model.objects.filter(author_id=user.pk).order_by("-created_at")[:limit_per_type]:
            found.append(
                Contribution(
                    content=obj,
                    type_label=str(model._meta.verbose_name),
                    title=registry.title_for(obj),
                )
            )
    found.sort(key=lambda item: item.content.created_at, reverse=True)
    return found
