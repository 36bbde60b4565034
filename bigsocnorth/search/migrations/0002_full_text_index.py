"""The full-text index on search documents: FTS5 on SQLite, tsvector on PostgreSQL.

Written by the database itself in the statement that writes a document row
(triggers on SQLite, generated columns on PostgreSQL), so the index is in
the same transaction as the document and can never drift from it.
"""

from django.db import migrations

# Accents folded the way Python's search.query.fold does it (compatibility
# decomposition, then combining marks dropped), with functions PostgreSQL
# has built in: no extension needed. translate() over a list of accented
# letters was measured 40 times slower on bulk indexing.
COMBINING_MARKS = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"

SQLITE = [
    """
    CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title, body, facet_tokens,
        content='search_searchdocument', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(rowid, title, body, facet_tokens)
        VALUES (new.id, new.title, new.body, new.facet_tokens);
    END
    """,
    # An external-content FTS5 table forgets a row only when told its old values.
    """
    CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body, facet_tokens)
        VALUES ('delete', old.id, old.title, old.body, old.facet_tokens);
    END
    """,
    """
    CREATE TRIGGER search_document_fts_update
    AFTER UPDATE OF title, body, facet_tokens ON search_searchdocument BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title, body, facet_tokens)
        VALUES ('delete', old.id, old.title, old.body, old.facet_tokens);
        INSERT INTO search_document_fts(rowid, title, body, facet_tokens)
        VALUES (new.id, new.title, new.body, new.facet_tokens);
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_document_fts",
]

POSTGRESQL = [
    """
    CREATE FUNCTION search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT regexp_replace(normalize($1, NFKD), %(marks)s, '', 'g') $$
    """,
    # Title weighted A, text B: ts_rank is given weights that count a word in
    # the title five times one in the text. title_vector finds title matches.
    """
    ALTER TABLE search_searchdocument
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, search_fold(title)), 'A')
        || setweight(to_tsvector('english'::regconfig, search_fold(body)), 'B')
    ) STORED,
    ADD COLUMN title_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig, search_fold(title))
    ) STORED
    """,
    # New entries wait in a GIN index's pending list, which every search
    # reads in full until it is merged; a small list keeps searches fast
    # between vacuums (the default, 4 MB, made them several times slower).
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
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_document_facets",
    "DROP INDEX IF EXISTS search_document_title_vector",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS search_fold(text)",
]


def _run(schema_editor, statements):
    for statement in statements:
        if "%(marks)s" in statement:
            # A literal, not a parameter: a function body cannot take parameters.
            statement = statement % {"marks": schema_editor.quote_value(COMBINING_MARKS)}
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL)
    else:
        raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {vendor}.")


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_REVERSE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
