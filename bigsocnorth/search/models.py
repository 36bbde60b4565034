"""One search document per published thing, whatever its type, and the full-text index on it.

The index itself is not a Django field: on SQLite it is an FTS5 table kept
in step with this one by triggers, on PostgreSQL two generated tsvector
columns with GIN indexes (see migrations/0002_full_text_index.py). Both are
written by the database in the statement that writes the document row, so
they can never disagree with it.

Changing this table later: on SQLite, Django remakes a table for most
AlterField operations, which drops its triggers; on PostgreSQL, a column
that a generated column uses cannot change type. Such a migration must drop
and re-create the index objects of 0002 around the change
(`tests/test_index.py` checks they exist).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """What search knows about one published object: its text, where it is, its facets."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # The registry key ("entry"): the `type` filter and what a result says it is.
    type_key = models.CharField(_("type"), max_length=40)
    title = models.TextField(_("title"))
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=500)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Space-separated, for people reading the table; the filters use facet_tokens.
    categories = models.TextField(_("categories"), blank=True)
    area_ids = models.TextField(_("local authorities"), blank=True)
    # One opaque token per facet value (type, each category, each local
    # authority): the filters are matched inside the full-text index.
    facet_tokens = models.TextField(blank=True)
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_one_document_per_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type_key}: {self.title}"
