"""Re-derive the map's items and cluster counts from the content itself."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from bigsocnorth.mapping import registry
from bigsocnorth.mapping.services import map_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the map from the content (after restoring data by other means, or "
        "renaming kinds or categories). Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--layer", action="append", help="Only this layer (repeatable).")

    def handle(self, *args, layer=None, **options):
        known = {item.key for item in registry.map_layers()}
        unknown = set(layer or []) - known
        if unknown:
            raise CommandError(
                f"No map layer called {', '.join(sorted(unknown))}. "
                f"Layers: {', '.join(sorted(known))}."
            )
        counts = map_rebuild(layer_keys=layer)
        self.stdout.write(
            f"Map rebuilt: {counts.added} points added, {counts.updated} changed, "
            f"{counts.removed} removed."
        )
