"""What a moderator sees of a piece of content in the review queue, for any registered type.

Moderation knows no type by name: a preview is read from attributes most
types share (an author, a text, a picture, an area), found from the
model's fields. `preview_queryset` loads what `content_preview` reads, so
the queue costs the same number of queries however many items it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Model, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.moderation import registry

# The text shown is the first of these a type has and fills in: the
# content itself before a summary of it.
TEXT_FIELDS = ("body", "description", "summary", "text")
EXCERPT_WORDS = 80
# Headings inside an excerpt would break the page's outline: shown as strong paragraphs.
_HEADING_OPEN = re.compile(r"<h[1-6]>")
_HEADING_CLOSE = re.compile(r"</h[1-6]>")
# A single area (a ForeignKey) or several (a ManyToMany), by these names.
AREA_FIELD = "local_authority"
AREAS_FIELD = "areas"


@dataclass(frozen=True)
class Picture:
    url: str
    alt: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class ContentPreview:
    """One piece of content as the queue shows it."""

    kind: str
    title: str
    url: str
    author_name: str
    author_url: str
    created_at: datetime | None
    excerpt: SafeString
    is_cut_short: bool
    picture: Picture | None
    areas: list[str] = field(default_factory=list)


def _field(model: type[Model], name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def preview_queryset(queryset: QuerySet) -> QuerySet:
    """The queryset with what `content_preview` reads joined or prefetched."""
    model = queryset.model
    related = ["author__profile"]
    registered = registry.registered_type_for(model)
    if registered is not None and registered.part_of:
        # A part's title and address are its parent's.
        related.append(registered.part_of)
    area = _field(model, AREA_FIELD)
    if isinstance(area, models.ForeignKey):
        related.append(AREA_FIELD)
    queryset = queryset.select_related(*related)
    areas = _field(model, AREAS_FIELD)
    if isinstance(areas, models.ManyToManyField):
        queryset = queryset.prefetch_related(AREAS_FIELD)
    return queryset


def excerpt_html(text: str, *, words: int = EXCERPT_WORDS) -> tuple[SafeString, bool]:
    """Markdown rendered safely and cut to `words` words; and whether it was cut."""
    html = str(render_markdown(text))
    html = _HEADING_CLOSE.sub("</strong></p>", _HEADING_OPEN.sub("<p><strong>", html))
    short = Truncator(html).words(words, html=True, truncate="…")
    # The input was sanitised above; truncating only closes the tags it cut.
    return mark_safe(short), short != html  # noqa: S308


def _text(obj: Model) -> str:
    for name in TEXT_FIELDS:
        value = getattr(obj, name, "")
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _picture(obj: Model, title: str) -> Picture | None:
    for model_field in obj._meta.get_fields():
        if not isinstance(model_field, models.ImageField):
            continue
        image = getattr(obj, model_field.name)
        if not image:
            continue
        alt = getattr(obj, f"{model_field.name}_alt", "") or ""
        if not alt and model_field.name == "logo":
            alt = _("Logo of “%(title)s”") % {"title": title}
        elif not alt:
            alt = _("The picture given with “%(title)s” (no description given)") % {"title": title}
        width = getattr(obj, model_field.width_field, None) if model_field.width_field else None
        height = getattr(obj, model_field.height_field, None) if model_field.height_field else None
        return Picture(url=image.url, alt=alt, width=width, height=height)
    return None


def _areas(obj: Model) -> list[str]:
    if isinstance(_field(type(obj), AREA_FIELD), models.ForeignKey):
        area = getattr(obj, AREA_FIELD)
        return [area.name] if area is not None else []
    if isinstance(_field(type(obj), AREAS_FIELD), models.ManyToManyField):
        return [area.name for area in getattr(obj, AREAS_FIELD).all()]
    return []


def content_preview(obj: Model) -> ContentPreview:
    """What the queue shows of `obj`; reads only what `preview_queryset` loaded."""
    title = registry.title_for(obj)
    author = obj.author
    profile = getattr(author, "profile", None) if author is not None else None
    excerpt, is_cut_short = excerpt_html(_text(obj))
    return ContentPreview(
        kind=str(obj._meta.verbose_name),
        title=title,
        url=obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
        author_name=str(profile or author or ""),
        author_url=profile.get_absolute_url() if profile is not None else "",
        created_at=obj.created_at,
        excerpt=excerpt,
        is_cut_short=is_cut_short,
        picture=_picture(obj, title),
        areas=_areas(obj),
    )
