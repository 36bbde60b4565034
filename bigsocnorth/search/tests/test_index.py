"""The database's own full-text index objects exist and follow the document table."""

import pytest
from django.db import connection

from bigsocnorth.search.backends import search_backend
from bigsocnorth.search.models import SearchDocument
from bigsocnorth.search.tests.helpers import found

pytestmark = pytest.mark.django_db


def test_every_index_object_is_there():
    # A later migration that remakes the table on SQLite would drop the
    # triggers; this is what notices (see models.py).
    assert search_backend().missing_index_objects() == []


def test_writes_to_the_document_table_reach_the_index_whatever_makes_them(indexed_entry):
    entry = indexed_entry(name="Saltaire Village Society")
    SearchDocument.objects.filter(object_id=entry.pk).update(title="Saltaire Festival")
    assert found("festival") == ["Saltaire Festival"]
    assert found("society") == []
    SearchDocument.objects.filter(object_id=entry.pk).delete()
    assert found("festival") == []


def test_optimise_keeps_results(indexed_entry):
    indexed_entry(name="Ilkley Moor Rangers")
    search_backend().optimise()
    assert found("rangers") == ["Ilkley Moor Rangers"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's")
def test_sqlite_index_holds_exactly_the_documents(indexed_entry):
    for number in range(5):
        indexed_entry(name=f"Bradford Mela {number}")
    SearchDocument.objects.filter(title__endswith="3").delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM search_document_fts WHERE search_document_fts MATCH 'mela'"
        )
        in_index = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "INSERT INTO search_document_fts(search_document_fts) VALUES ('integrity-check')"
        )
    assert in_index == set(SearchDocument.objects.values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="tsvector is PostgreSQL's")
def test_postgresql_vectors_weight_the_title_above_the_text(indexed_entry):
    indexed_entry(name="Café Volunteers", description="Tea and cakes.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text, title_vector::text FROM search_searchdocument")
        vector, title = cursor.fetchone()
    assert "'cafe':1A" in vector and "'volunt':2A" in vector and "'cake':" in vector
    assert "'cake'" not in title
