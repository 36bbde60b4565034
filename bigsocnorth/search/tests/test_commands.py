"""manage.py search_rebuild, for operators."""

import pytest
from django.core.management import CommandError, call_command

from bigsocnorth.search.models import SearchDocument
from bigsocnorth.search.tests.helpers import found

pytestmark = pytest.mark.django_db


def test_rebuild_puts_back_what_was_lost(indexed_entry, capsys):
    indexed_entry(name="Todmorden Incredible Edible")
    SearchDocument.objects.all().delete()
    call_command("search_rebuild")
    assert "Indexed 1 and removed 0 documents" in capsys.readouterr().out
    assert found("edible") == ["Todmorden Incredible Edible"]


def test_rebuild_of_one_type(indexed_entry, capsys):
    indexed_entry(name="Skipton Scouts")
    call_command("search_rebuild", "--type", "entry")
    assert "Indexed 1" in capsys.readouterr().out


def test_rebuild_of_an_unknown_type_says_which(db):
    with pytest.raises(CommandError, match="No search type called parrot"):
        call_command("search_rebuild", "--type", "parrot")
