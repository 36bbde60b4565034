"""Template helpers for content: where to flag a thing, and the visibility rule.

Loaded in every template (a builtin in settings), so `{% if obj|is_public %}`
works everywhere.
"""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from bigsocnorth.moderation import lifecycle, selectors
from bigsocnorth.moderation.permissions import is_public

register = template.Library()


@register.simple_tag
def flag_url(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse(
        "moderation:flag_create",
        kwargs={"content_type_id": content_type.pk, "object_id": obj.pk},
    )


@register.simple_tag
def review_queue_count() -> int:
    """{% review_queue_count as n %}: for the header's review link; call it only for moderators."""
    return selectors.review_queue_count()


@register.filter(name="is_public")
def is_public_filter(obj) -> bool:
    """{% if entry|is_public %}: the one visibility rule, in templates (no status strings)."""
    return is_public(obj)


# Where content stands in the lifecycle, for the notes its author sees:
# {% if story|is_draft %}. Templates never compare a status with a string.
register.filter("is_draft", lifecycle.is_draft)
register.filter("is_in_review", lifecycle.is_in_review)
register.filter("is_hidden", lifecycle.is_hidden)
register.filter("is_archived", lifecycle.is_archived)
