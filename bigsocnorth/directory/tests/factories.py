"""factory_boy factories for directory entries."""

from __future__ import annotations

import factory

from bigsocnorth.directory.models import Entry, EntryKind, Sector
from bigsocnorth.moderation.models import Status


class EntryFactory(factory.django.DjangoModelFactory):
    """A published entry with no place (online or area-wide)."""

    class Meta:
        model = Entry
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community group {n}")
    slug = factory.Sequence(lambda n: f"community-group-{n}")
    kind = factory.LazyFunction(lambda: EntryKind.objects.get(slug="organisation"))
    sector = Sector.VOLUNTARY
    status = Status.PUBLISHED
    published_at = factory.Faker("date_time", tzinfo=__import__("datetime").UTC)

    @factory.post_generation
    def editors(self, create, extracted, **kwargs):
        if create and self.author_id:
            self.editors.add(self.author)
