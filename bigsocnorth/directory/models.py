"""The directory: organisations, networks, projects and other groups, in their own words."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.moderation.models import ModeratedContent

# Approximate locations are shown on a grid of about 1 km: two decimal places
# of latitude (1.1 km) and this step of longitude (about 1 km at 54° north).
APPROXIMATE_LONGITUDE_STEP = 0.015


class ListedTerm(models.Model):
    """A term from a list admins keep as data (kinds, categories), in display order."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class EntryKind(ListedTerm):
    """What sort of group an entry is: organisation, network, project and so on."""

    class Meta(ListedTerm.Meta):
        verbose_name = _("kind of entry")
        verbose_name_plural = _("kinds of entry")


class Category(ListedTerm):
    class Meta(ListedTerm.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Sector(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary")
    CITIZEN_LED = "citizen_led", _("Citizen-led")
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class Entry(ModeratedContent):
    """One group in the directory. Only published entries are public."""

    NAME_MAX = 200
    DESCRIPTION_MAX = 20_000
    CONTACT_MAX = 200
    TAGS_MAX = 500
    URL_MAX = 500

    name = models.CharField(_("name"), max_length=NAME_MAX)
    slug = models.SlugField(_("web address name"), max_length=220, unique=True)
    kind = models.ForeignKey(
        EntryKind, on_delete=models.PROTECT, related_name="entries", verbose_name=_("kind")
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="entries", verbose_name=_("categories")
    )
    # Normalised: lower case, trimmed, unique, joined by ", ".
    tags = models.CharField(_("tags"), max_length=TAGS_MAX, blank=True)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    website = models.URLField(_("website"), max_length=URL_MAX, blank=True)
    feed_url = models.URLField(_("news feed"), max_length=URL_MAX, blank=True)
    public_contact = models.CharField(_("public contact"), max_length=CONTACT_MAX, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    approximate_location = models.BooleanField(
        _("show only an approximate location"), default=False
    )
    local_authority = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_entries",
        verbose_name=_("area"),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="directory_entries_edited",
        verbose_name=_("editors"),
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:entry_detail", kwargs={"slug": self.slug})

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(", ") if tag]

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def public_location(self) -> tuple[float, float] | None:
        """(latitude, longitude) as anyone may see it: rounded to ~1 km when asked."""
        if not self.has_location:
            return None
        if not self.approximate_location:
            return (self.latitude, self.longitude)
        longitude = round(self.longitude / APPROXIMATE_LONGITUDE_STEP) * APPROXIMATE_LONGITUDE_STEP
        return (round(self.latitude, 2), round(longitude, 3))
