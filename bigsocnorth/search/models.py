"""One search document per published thing, whatever its type, and the full-text index on it.

The index itself is not a Django field: on SQLite it is an FTS5 table kept
in step with this one by triggers, on PostgreSQL two generated tsvector
columns with GIN indexes (see migrations/0003_facets_and_words.py). Both are
written by the database in the statement that writes the document row, so
they can never disagree with it.

Changing this table later: on SQLite, Django remakes a table for most
AlterField operations, which drops its triggers; on PostgreSQL, a column
that a generated column uses cannot change type. Such a migration must drop
and re-create the index objects of 0003 around the change, as 0003 does
for those of 0002 (`tests/test_index.py` checks they exist).
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
    # What people wrote, paragraphs on lines of their own: snippets come from here.
    body = models.TextField(_("text"), blank=True)
    # Tags, kind, category and place names: searched, never shown as a snippet.
    facets = models.TextField(_("facets"), blank=True)
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


class SearchWord(models.Model):
    """A word of the public documents, and in how many of them: what "Did you mean" suggests.

    Kept by search.services in the transaction that writes the documents,
    so it holds the words of public things only: a word that is only in a
    hidden or unpublished entry is never here. Folded (lower case, no
    accents), letters only (query.search_words). Its trigram index (FTS5
    on SQLite, pg_trgm on PostgreSQL; migrations/0003_facets_and_words.py)
    finds the words that look like a misspelt one.
    """

    word = models.CharField(_("word"), max_length=40, unique=True)
    documents = models.IntegerField(_("documents"))

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word
