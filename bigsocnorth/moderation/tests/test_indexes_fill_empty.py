"""`manage.py prepare` builds search and the map once for content that has none."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from bigsocnorth.directory.tests.factories import EntryFactory
from bigsocnorth.mapping.models import MapItem
from bigsocnorth.places.models import LocalAuthority
from bigsocnorth.search.models import SearchDocument


def test_prepare_builds_search_and_map_for_content_that_has_none(db):
    # As if the content came from before search and the map existed.
    EntryFactory(name="Older entry", located_in=LocalAuthority.objects.get(name="Leeds"))
    SearchDocument.objects.all().delete()
    MapItem.objects.all().delete()
    out = StringIO()
    call_command("prepare", stdout=out)
    assert SearchDocument.objects.filter(title="Older entry").exists()
    assert MapItem.objects.filter(title="Older entry").count() == 1
    assert out.getvalue()
    again = StringIO()
    call_command("prepare", stdout=again)
    assert again.getvalue() == ""
