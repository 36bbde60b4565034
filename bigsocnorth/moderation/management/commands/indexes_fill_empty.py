"""Build each registered index (search, the map) once, if it is empty and content is published.

A database from before an index existed gets it built here (`manage.py
prepare` runs this); afterwards every change keeps each index exact, so this
does nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from bigsocnorth.moderation import registry


class Command(BaseCommand):
    help = "Build every empty content index (search, map) when published content exists."

    def handle(self, *args, **options):
        published = any(
            registered.model.objects.public().exists() for registered in registry.registered_types()
        )
        if not published:
            return
        for index in registry.indexes():
            if index.is_empty is None or index.rebuild is None or not index.is_empty():
                continue
            index.rebuild()
            self.stdout.write(f"Built the {index.key} index.")
