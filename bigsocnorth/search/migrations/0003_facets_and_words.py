"""Facets apart from the text, and the vocabulary of words behind "Did you mean".

The document gets a `facets` column (tags, kind, category and place names:
searched, never shown as a snippet), so the full-text index of 0002 is
taken down around the change and put up again over title, body and facets.
Adding a column remakes the table on SQLite, which would drop 0002's
triggers without a word; on PostgreSQL the generated vector column reads
the new column.

The vocabulary (SearchWord) gets a trigram index: an FTS5 table with the
trigram tokenizer (SQLite 3.34 or later) on SQLite, a GIN index of the
pg_trgm extension on PostgreSQL (a trusted extension: the database owner
may create it; no superuser needed from PostgreSQL 13 on).
"""

import importlib
from collections import Counter

from django.db import migrations, models

from bigsocnorth.search.query import search_words

_v1 = importlib.import_module("bigsocnorth.search.migrations.0002_full_text_index")

SQLITE = [
    """
    CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title, body, facets, facet_tokens,
        content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(rowid, title, body, facets, facet_tokens)
        VALUES (new.id, new.title, new.body, new.facets, new.facet_tokens);
    END
    """,
    # An external-content FTS5 table forgets a row only when told its old values.
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(
            search_document_fts, rowid, title, body, facets, facet_tokens
        ) VALUES ('delete', old.id, old.title, old.body, old.facets, old.facet_tokens);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update
    AFTER UPDATE OF title, body, facets, facet_tokens ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(
            search_document_fts, rowid, title, body, facets, facet_tokens
        ) VALUES ('delete', old.id, old.title, old.body, old.facets, old.facet_tokens);
        INSERT INTO search_document_fts(rowid, title, body, facets, facet_tokens)
        VALUES (new.id, new.title, new.body, new.facets, new.facet_tokens);
    END
    """,
    "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')",
    # The words padded as pg_trgm pads them (two spaces before, one after),
    # so that a word's first and last letters count as on PostgreSQL. Its
    # own copy of each word (not external content): a few bytes a word.
    "CREATE VIRTUAL TABLE search_word_fts USING fts5(word, tokenize='trigram')",
    """
    CREATE TRIGGER search_word_fts_insert AFTER INSERT ON search_searchword BEGIN
        INSERT INTO search_word_fts(rowid, word) VALUES (new.id, '  ' || new.word || ' ');
    END
    """,
    """
    CREATE TRIGGER search_word_fts_delete AFTER DELETE ON search_searchword BEGIN
        DELETE FROM search_word_fts WHERE rowid = old.id;
    END
    """,
    """
    CREATE TRIGGER search_word_fts_update AFTER UPDATE OF word ON search_searchword BEGIN
        UPDATE search_word_fts SET word = '  ' || new.word || ' ' WHERE rowid = new.id;
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_word_fts_update",
    "DROP TRIGGER IF EXISTS search_word_fts_delete",
    "DROP TRIGGER IF EXISTS search_word_fts_insert",
    "DROP TABLE IF EXISTS search_word_fts",
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_document_fts",
]

POSTGRESQL = [
    # Title weighted A, text and facets B: ts_rank is given weights that
    # count a word in the title five times one in the text (as in 0002).
    """
    ALTER TABLE search_searchdocument
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, search_fold(title)), 'A')
        || setweight(to_tsvector('english'::regconfig, search_fold(body)), 'B')
        || setweight(to_tsvector('english'::regconfig, search_fold(facets)), 'B')
    ) STORED,
    ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, search_fold(title))
    ) STORED
    """,
    """
    CREATE INDEX search_document_vector ON search_searchdocument
    USING gin (search_vector) WITH (gin_pending_list_limit = 256)
    """,
    """
    CREATE INDEX search_document_title_vector ON search_searchdocument
    USING gin (title_vector) WITH (gin_pending_list_limit = 256)
    """,
    """
    CREATE INDEX search_document_facets ON search_searchdocument
    USING gin (string_to_array(facet_tokens, ' ')) WITH (gin_pending_list_limit = 256)
    """,
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_word_trigram ON search_searchword USING gin (word gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    # The extension stays: other things may use it, and it costs nothing.
    "DROP INDEX IF EXISTS search_word_trigram",
    "DROP INDEX IF EXISTS search_document_facets",
    "DROP INDEX IF EXISTS search_document_title_vector",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _statements(schema_editor, forwards: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        return SQLITE if forwards else SQLITE_REVERSE
    if vendor == "postgresql":
        return POSTGRESQL if forwards else POSTGRESQL_REVERSE
    raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {vendor}.")


def _words_count(apps) -> None:
    """The vocabulary of the documents already indexed (none on a new site)."""
    document_model = apps.get_model("search", "SearchDocument")
    word_model = apps.get_model("search", "SearchWord")
    counts: Counter[str] = Counter()
    rows = document_model.objects.values_list("title", "body", "facets")
    for title, body, facets in rows.iterator(chunk_size=2000):
        counts.update(search_words(title, body, facets))
    word_model.objects.bulk_create(
        [word_model(word=word, documents=count) for word, count in sorted(counts.items())],
        batch_size=1000,
    )


def _v1_statements(schema_editor, forwards: bool) -> list[str]:
    """0002's index objects, except the folding function, which stays for 0003's."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        if forwards:
            return [
                *_v1.SQLITE,
                "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')",
            ]
        return _v1.SQLITE_REVERSE
    if vendor == "postgresql":
        statements = _v1.POSTGRESQL if forwards else _v1.POSTGRESQL_REVERSE
        return [statement for statement in statements if "FUNCTION" not in statement]
    raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {vendor}.")


def uninstall_v1(apps, schema_editor):
    for statement in _v1_statements(schema_editor, forwards=False):
        schema_editor.execute(statement, params=None)


def install_v1(apps, schema_editor):
    for statement in _v1_statements(schema_editor, forwards=True):
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    for statement in _statements(schema_editor, forwards=True):
        schema_editor.execute(statement, params=None)
    _words_count(apps)


def uninstall(apps, schema_editor):
    for statement in _statements(schema_editor, forwards=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_index")]

    operations = [
        # 0002's index objects down, the columns changed, the new index up.
        migrations.RunPython(uninstall_v1, install_v1),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=40, unique=True, verbose_name="word")),
                ("documents", models.IntegerField(verbose_name="documents")),
            ],
            options={"verbose_name": "search word", "verbose_name_plural": "search words"},
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="facets",
            field=models.TextField(blank=True, verbose_name="facets"),
        ),
        migrations.RunPython(install, uninstall),
    ]
