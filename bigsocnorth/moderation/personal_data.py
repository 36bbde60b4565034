"""What moderation holds about a person, for their data export (accounts/personal_data.py):
the flags they raised, and for moderators the actions they took."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import register_personal_data, rows
from bigsocnorth.moderation.models import AuditLog, Flag


def _type_name(content_type_id) -> str | None:
    # Cached by Django after the first look-up of each type: no query per flag.
    if content_type_id is None:
        return None
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def moderation_personal_data(user):
    flags = rows(
        Flag.objects.filter(flagger=user).order_by("created_at", "pk"),
        "content_type_id",
        "object_id",
        "reason",
        "note",
        "created_at",
        "resolved_at",
        "resolution",
    )
    actions = rows(
        AuditLog.objects.filter(actor=user).order_by("created_at", "pk"),
        "action",
        "content_type_id",
        "object_id",
        "object_repr",
        "reason",
        "created_at",
    )
    for row in (*flags, *actions):
        row["type"] = _type_name(row.pop("content_type_id"))
    return {"flags_made": flags, "moderation_actions": actions}, []


register_personal_data(
    "moderation",
    describe=_(
        "The flags you raised about content (what, why, your note and what became of it) "
        "and, if you moderate, the moderation actions you took."
    ),
    collect=moderation_personal_data,
)
