"""The kinds of entry and the categories the directory starts with."""

from django.db import migrations

KINDS = [
    ("organisation", "Organisation"),
    ("network", "Network"),
    ("project-or-initiative", "Project or initiative"),
    ("hyperlocal-website", "Hyperlocal website"),
    ("community-of-interest", "Community of interest"),
    ("community-anchor-organisation", "Community anchor organisation"),
]

CATEGORIES = [
    ("innovation", "Innovation"),
    ("new-organisation", "New organisation"),
    ("existing-work", "Existing work"),
    ("community-anchor", "Community anchor"),
    ("hyperlocal-website", "Hyperlocal website"),
    ("community-of-interest", "Community of interest"),
]


def load(apps, schema_editor):
    EntryKind = apps.get_model("directory", "EntryKind")
    Category = apps.get_model("directory", "Category")
    for position, (slug, name) in enumerate(KINDS):
        EntryKind.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})
    for position, (slug, name) in enumerate(CATEGORIES):
        Category.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
