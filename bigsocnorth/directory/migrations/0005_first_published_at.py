"""The lifecycle's first_published_at: set once, by the first publication.

Filled from published_at, which moderation has always kept from the first
publication on (a restore never reset it), so what was published before
counts as published then.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    model = apps.get_model("directory", "entry")
    model.objects.filter(published_at__isnull=False).update(
        first_published_at=models.F("published_at")
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_network_kind_has_members")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="first_published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="first published"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
