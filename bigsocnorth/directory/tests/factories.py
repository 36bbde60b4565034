"""factory_boy factories for directory entries."""

from __future__ import annotations

import datetime

import factory

from bigsocnorth.directory.entries.duplicates import name_key
from bigsocnorth.directory.models import Entry, EntryKind, EntryPlace, Sector
from bigsocnorth.moderation.models import Status


class EntryFactory(factory.django.DjangoModelFactory):
    """A published entry with no place (online or area-wide).

    `EntryFactory(located_in=area)` puts it at the centre of a local
    authority, as the services would (a place, and the area in `areas`).
    """

    class Meta:
        model = Entry
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community group {n}")
    name_key = factory.LazyAttribute(lambda entry: name_key(entry.name))
    slug = factory.Sequence(lambda n: f"community-group-{n}")
    kind = factory.LazyFunction(lambda: EntryKind.objects.get(slug="organisation"))
    sector = Sector.VOLUNTARY
    status = Status.PUBLISHED
    published_at = factory.Faker("date_time", tzinfo=datetime.UTC)
    # As the lifecycle keeps it: set by the first publication, never again.
    first_published_at = factory.LazyAttribute(
        lambda entry: entry.published_at if entry.status == Status.PUBLISHED else None
    )

    @factory.post_generation
    def editors(self, create, extracted, **kwargs):
        if create and self.author_id:
            self.editors.add(self.author)

    @factory.post_generation
    def located_in(self, create, extracted, **kwargs):
        if not create or extracted is None:
            return
        EntryPlace.objects.create(
            entry=self,
            latitude=extracted.centre_latitude,
            longitude=extracted.centre_longitude,
            public_latitude=extracted.centre_latitude,
            public_longitude=extracted.centre_longitude,
            local_authority=extracted,
        )
        self.areas.add(extracted)
