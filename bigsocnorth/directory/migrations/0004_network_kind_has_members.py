"""Entries of the "network" kind can have members."""

from django.db import migrations

NETWORK_KINDS = ["network"]


def load(apps, schema_editor):
    EntryKind = apps.get_model("directory", "EntryKind")
    EntryKind.objects.filter(slug__in=NETWORK_KINDS).update(is_network=True)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_places_identifiers_networks")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
