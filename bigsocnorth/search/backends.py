"""The full-text index behind one interface: SQLite FTS5 or PostgreSQL tsvector.

Both implementations answer the same two questions about the documents
matching a search: how many there are (up to a limit), and which ones are
on a page, best first. The index rows themselves are written by the
database in the statement that writes a SearchDocument (SQLite triggers,
PostgreSQL generated columns; see migrations/0003_facets_and_words.py).
They also find the words of the vocabulary that look like a misspelt one,
for "Did you mean" (similar_words).

Ranking, the same on both:

1. Documents whose title contains every word come first, then the others.
2. Within each, by relevance: bm25 on SQLite, ts_rank on PostgreSQL, with
   a word in the title counting five times a word in the text.
3. Then the most recently published.

Relevance is computed for at most RANK_CANDIDATES documents of each kind:
the most recently indexed matches. A search for a word that is in half of
100,000 documents would otherwise score 50,000 rows to show 20, which is
what made such searches slow (see docs/benchmarks.md). Below that many
matches the ranking is exact; above it, a search says there are "more than
1,000" results and asks for another word or a filter.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection as default_connection

from bigsocnorth.search.models import SearchDocument, SearchWord
from bigsocnorth.search.query import SearchFilters, SearchTerms, trigrams

RANK_CANDIDATES = 1000
# bm25/ts_rank weight of the title relative to the text.
TITLE_WEIGHT = 5.0

# Vocabulary words looked at for each misspelt word: the most similar ones.
SIMILAR_CANDIDATES = 30

_DOCUMENT_TABLE = SearchDocument._meta.db_table
_WORD_TABLE = SearchWord._meta.db_table
_DOCUMENT_COLUMNS = ", ".join(f"d.{field.column}" for field in SearchDocument._meta.concrete_fields)


class SearchBackend:
    """One database's way of running a search. Every method is one query."""

    vendor = ""

    def count(self, *, terms: SearchTerms, filters: SearchFilters, limit: int) -> int:
        """How many documents match, counting no further than `limit`."""
        raise NotImplementedError

    def page(
        self, *, terms: SearchTerms, filters: SearchFilters, offset: int, limit: int
    ) -> list[SearchDocument]:
        """The documents at [offset, offset + limit) in rank order."""
        raise NotImplementedError

    def object_ids_sql(self, *, terms: SearchTerms, filters: SearchFilters) -> tuple[str, list]:
        """A subquery of the object ids of every matching document (no ranking, no limit).

        For other indexes that filter by text (the map): they count what
        matches, so nothing may be left out. People's words are parameters.
        """
        raise NotImplementedError

    def similar_words(self, *, words: Sequence[str]) -> list[tuple[int, str, int]]:
        """Vocabulary words that share trigrams with each of `words` (folded), most alike first.

        (index in `words`, word, documents) rows, at most SIMILAR_CANDIDATES
        a word, in one query; a word that is in the vocabulary comes back
        itself. Which one is the best suggestion is decided by
        selectors.search_suggestion, the same way on both databases.
        """
        raise NotImplementedError

    def optimise(self) -> None:
        """Make the index fast again after a bulk load (operators; search_rebuild)."""

    def missing_index_objects(self) -> list[str]:
        """Names of index tables, triggers, columns or indexes that are not there."""
        raise NotImplementedError

    def _run(self, sql: str, params: Sequence) -> list[tuple]:
        with default_connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _phrase(word: str) -> str:
    # A double-quoted FTS5 string is always a phrase, whatever is inside;
    # a quote inside it is written twice. Words never contain one (they are
    # letters and digits only), this is a second line of defence.
    return '"' + word.replace('"', '""') + '"'


class SqliteBackend(SearchBackend):
    """FTS5 over the document table: porter stemming, accents folded, bm25."""

    vendor = "sqlite"
    FTS_TABLE = "search_document_fts"
    WORD_TABLE = "search_word_fts"
    TRIGGERS = (
        "search_document_fts_insert",
        "search_document_fts_delete",
        "search_document_fts_update",
        "search_word_fts_insert",
        "search_word_fts_delete",
        "search_word_fts_update",
    )
    _TEXT = "{title body facets}"

    def _match(self, columns: str, terms: SearchTerms, filters: SearchFilters) -> str:
        parts = [f"{columns} : {_phrase(word)}" for word in terms.words]
        parts += [f"facet_tokens : {_phrase(token)}" for token in filters.all_of]
        return " AND ".join(parts)

    def count(self, *, terms, filters, limit):
        fts = self.FTS_TABLE
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH %s LIMIT %s)"  # noqa: S608
        return self._run(sql, [self._match(self._TEXT, terms, filters), limit])[0][0]

    def object_ids_sql(self, *, terms, filters):
        fts = self.FTS_TABLE
        sql = (
            f"SELECT d.object_id FROM {_DOCUMENT_TABLE} d "  # noqa: S608 - constants only
            f"WHERE d.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"
        )
        return sql, [self._match(self._TEXT, terms, filters)]

    def page(self, *, terms, filters, offset, limit):
        fts = self.FTS_TABLE
        # FTS5 reads its matches in rowid order, newest first here, and stops
        # at the LIMIT: bm25 is computed for those rows only.
        score = f"bm25({fts}, {TITLE_WEIGHT}, 1.0, 1.0, 0.0)"
        sql = f"""
            WITH titled AS MATERIALIZED (
                SELECT rowid AS id, {score} AS score FROM {fts}
                WHERE {fts} MATCH %s ORDER BY rowid DESC LIMIT %s
            ), matched AS MATERIALIZED (
                SELECT rowid AS id, {score} AS score FROM {fts}
                WHERE {fts} MATCH %s ORDER BY rowid DESC LIMIT %s
            ), candidates AS (
                SELECT id, 0 AS tier, score FROM titled
                UNION ALL
                SELECT id, 1 AS tier, score FROM matched
                WHERE id NOT IN (SELECT id FROM titled)
            )
            SELECT {_DOCUMENT_COLUMNS}, c.tier, c.score
            FROM candidates c JOIN {_DOCUMENT_TABLE} d ON d.id = c.id
            ORDER BY c.tier, c.score, d.published_at DESC, d.id DESC
            LIMIT %s OFFSET %s
        """  # noqa: S608 - only constants are formatted in; input goes in as parameters
        params = [
            self._match("title", terms, filters),
            RANK_CANDIDATES,
            self._match(self._TEXT, terms, filters),
            RANK_CANDIDATES,
            limit,
            offset,
        ]
        return list(SearchDocument.objects.raw(sql, params))

    def similar_words(self, *, words):
        # bm25 over the trigrams puts the words sharing the most (and the
        # rarest) of them first; the words are stored padded like pg_trgm's.
        fts = self.WORD_TABLE
        selects, params = [], []
        for index, word in enumerate(words):
            match = " OR ".join(_phrase(trigram) for trigram in sorted(trigrams(word)))
            if not match:
                continue
            selects.append(
                f"SELECT {int(index)}, w.word, w.documents FROM {_WORD_TABLE} w "  # noqa: S608
                f"WHERE w.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s "
                f"ORDER BY rank LIMIT %s)"
            )
            params += [match, SIMILAR_CANDIDATES]
        if not selects:
            return []
        return self._run(" UNION ALL ".join(selects), params)

    def optimise(self):
        # Merges the index's segments into one, as after a rebuild.
        with default_connection.cursor() as cursor:
            for fts in (self.FTS_TABLE, self.WORD_TABLE):
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")  # noqa: S608

    def missing_index_objects(self):
        present = {
            row[0]
            for row in self._run(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')", []
            )
        }
        names = (self.FTS_TABLE, self.WORD_TABLE, *self.TRIGGERS)
        return [name for name in names if name not in present]


class PostgresBackend(SearchBackend):
    """Weighted tsvector columns generated from the document, GIN indexes, ts_rank."""

    vendor = "postgresql"
    COLUMNS = ("search_vector", "title_vector")
    INDEXES = ("search_document_vector", "search_document_title_vector", "search_document_facets")
    WORD_INDEX = "search_word_trigram"
    # ts_rank weights in the order D, C, B, A: the title is A, the text B.
    RANK_WEIGHTS = f"{{0.1, 0.1, {1.0 / TITLE_WEIGHT}, 1.0}}"

    def _where(self, column: str, terms: SearchTerms, filters: SearchFilters):
        # plainto_tsquery reads words only, never operators; the words are
        # folded (accents) by the same function as the indexed text.
        where = [f"{column} @@ plainto_tsquery('english', search_fold(%s))"]
        params: list = [" ".join(terms.words)]
        if filters.all_of:
            where.append("string_to_array(facet_tokens, ' ') @> %s::text[]")
            params.append(list(filters.all_of))
        return " AND ".join(where), params

    def count(self, *, terms, filters, limit):
        where, params = self._where("search_vector", terms, filters)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {_DOCUMENT_TABLE} WHERE {where} LIMIT %s) m"  # noqa: S608
        return self._run(sql, [*params, limit])[0][0]

    def object_ids_sql(self, *, terms, filters):
        where, params = self._where("search_vector", terms, filters)
        return f"SELECT object_id FROM {_DOCUMENT_TABLE} WHERE {where}", params  # noqa: S608

    def page(self, *, terms, filters, offset, limit):
        title_where, title_params = self._where("title_vector", terms, filters)
        all_where, all_params = self._where("search_vector", terms, filters)
        # With few matches PostgreSQL reads them from the GIN index and sorts;
        # with many it walks the primary key backwards and stops at the LIMIT.
        sql = f"""
            WITH titled AS MATERIALIZED (
                SELECT id FROM {_DOCUMENT_TABLE} WHERE {title_where}
                ORDER BY id DESC LIMIT %s
            ), matched AS MATERIALIZED (
                SELECT id FROM {_DOCUMENT_TABLE} WHERE {all_where}
                ORDER BY id DESC LIMIT %s
            ), candidates AS (
                SELECT id, 0 AS tier FROM titled
                UNION ALL
                SELECT id, 1 AS tier FROM matched WHERE id NOT IN (SELECT id FROM titled)
            )
            SELECT {_DOCUMENT_COLUMNS}, c.tier,
                ts_rank(%s::real[], d.search_vector,
                        plainto_tsquery('english', search_fold(%s)), 1) AS score
            FROM candidates c JOIN {_DOCUMENT_TABLE} d ON d.id = c.id
            ORDER BY c.tier, score DESC, d.published_at DESC NULLS LAST, d.id DESC
            LIMIT %s OFFSET %s
        """  # noqa: S608 - only constants are formatted in; input goes in as parameters
        params = [
            *title_params,
            RANK_CANDIDATES,
            *all_params,
            RANK_CANDIDATES,
            self.RANK_WEIGHTS,
            " ".join(terms.words),
            limit,
            offset,
        ]
        return list(SearchDocument.objects.raw(sql, params))

    def similar_words(self, *, words):
        # `%` is pg_trgm's "similar enough" (similarity 0.3 and more by
        # default), answered from the GIN trigram index.
        selects, params = [], []
        for index, word in enumerate(words):
            selects.append(
                f"(SELECT {int(index)}, word, documents FROM {_WORD_TABLE} "  # noqa: S608
                "WHERE word %% %s ORDER BY similarity(word, %s) DESC, word LIMIT %s)"
            )
            params += [word, word, SIMILAR_CANDIDATES]
        if not selects:
            return []
        return self._run(" UNION ALL ".join(selects), params)

    def optimise(self):
        with default_connection.cursor() as cursor:
            # New index entries wait in each GIN index's pending list, which
            # every search reads in full, until a vacuum merges them; after a
            # bulk load that made searches several times slower.
            for index in (*self.INDEXES, self.WORD_INDEX):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            # Fresh statistics, so the planner knows which words are common.
            cursor.execute(f"ANALYZE {_DOCUMENT_TABLE}")
            cursor.execute(f"ANALYZE {_WORD_TABLE}")

    def missing_index_objects(self):
        columns = {
            row[0]
            for row in self._run(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                [_DOCUMENT_TABLE],
            )
        }
        indexes = {
            row[0]
            for row in self._run(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s", [_DOCUMENT_TABLE]
            )
        }
        functions = {
            row[0]
            for row in self._run("SELECT proname FROM pg_proc WHERE proname = %s", ["search_fold"])
        }
        indexes |= {
            row[0]
            for row in self._run(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s", [_WORD_TABLE]
            )
        }
        missing = [name for name in self.COLUMNS if name not in columns]
        missing += [name for name in (self.WORD_INDEX,) if name not in indexes]
        missing += [name for name in self.INDEXES if name not in indexes]
        missing += [name for name in ("search_fold",) if name not in functions]
        return missing


_BACKENDS = {backend.vendor: backend for backend in (SqliteBackend(), PostgresBackend())}


def search_backend() -> SearchBackend:
    """The backend for the default database's vendor."""
    try:
        return _BACKENDS[default_connection.vendor]
    except KeyError:
        raise NotImplementedError(
            f"Search supports SQLite and PostgreSQL, not {default_connection.vendor}."
        ) from None
