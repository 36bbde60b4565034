"""Template helpers for content pages: where to flag a thing."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

register = template.Library()


@register.simple_tag
def flag_url(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse(
        "moderation:flag_create",
        kwargs={"content_type_id": content_type.pk, "object_id": obj.pk},
    )
