"""The kinds of help, as the network names them: reference data every post points at."""

from django.db import migrations

CATEGORIES = [
    ("food", "Food"),
    ("lifts-and-transport", "Lifts and transport"),
    ("shopping-and-errands", "Shopping and errands"),
    ("befriending", "Befriending"),
    ("skills-and-advice", "Skills and advice"),
    ("equipment-and-loans", "Equipment and loans"),
    ("space-and-venues", "Space and venues"),
    ("volunteers-wanted", "Volunteers wanted"),
    ("admin-and-digital-help", "Admin and digital help"),
    ("other", "Other"),
]


def load(apps, schema_editor):
    """Idempotent: the tests call it again after a transactional test empties the table."""
    category = apps.get_model("mutual_aid", "AidCategory")
    for order, (slug, name) in enumerate(CATEGORIES, start=1):
        category.objects.update_or_create(slug=slug, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("mutual_aid", "0001_posts_and_matches")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
