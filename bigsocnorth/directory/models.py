"""The directory: organisations, networks, projects and other groups, in their own words."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.tags import Tagged
from bigsocnorth.moderation.models import ModeratedContent


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

    is_network = models.BooleanField(
        _("has members"),
        default=False,
        help_text=_("Entries of this kind can have other entries as members (networks)."),
    )

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


def logo_upload_path(entry: Entry, filename: str) -> str:
    # A fresh name per upload, so a changed logo is never served from a stale cache.
    return f"directory/logos/{entry.uuid}-{uuid.uuid4().hex[:8]}.png"


class Entry(Tagged, ModeratedContent):
    """One group in the directory. Only published entries are public.

    Where it is: zero or more `places` (points, each assigned its local
    authority), and for online or area-wide groups the `areas_served`.
    `areas` is the union of both, kept by the services, so "entries in
    Kirklees" is one indexed join.
    """

    NAME_MAX = 200
    DESCRIPTION_MAX = 20_000
    CONTACT_MAX = 200
    TAGS_MAX = 500
    URL_MAX = 500
    SOCIAL_LINKS_MAX = 8
    PLACES_MAX = 20

    uuid = models.UUIDField(_("open data identifier"), default=uuid.uuid4, unique=True)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    # The name folded for comparing (see directory.entries.duplicates.name_key).
    name_key = models.CharField(max_length=NAME_MAX, blank=True, db_index=True)
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
    # The website without scheme, "www." or trailing slash (see directory.entries.duplicates).
    website_key = models.CharField(max_length=URL_MAX, blank=True, db_index=True)
    feed_url = models.URLField(_("news feed"), max_length=URL_MAX, blank=True)
    social_links = models.JSONField(_("social media links"), default=list, blank=True)
    public_contact = models.CharField(_("public contact"), max_length=CONTACT_MAX, blank=True)
    # Seen only by the entry's editors and the moderators.
    private_contact = models.CharField(
        _("private contact for moderators"), max_length=CONTACT_MAX, blank=True
    )
    logo = models.ImageField(
        _("logo"), upload_to=logo_upload_path, blank=True, width_field="logo_width",
        height_field="logo_height",
    )  # fmt: skip
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    approximate_location = models.BooleanField(
        _("show only an approximate location"), default=False
    )
    areas_served = models.ManyToManyField(
        "places.LocalAuthority",
        blank=True,
        related_name="directory_entries_serving",
        verbose_name=_("areas served"),
    )
    areas = models.ManyToManyField(
        "places.LocalAuthority",
        blank=True,
        related_name="directory_entries",
        verbose_name=_("areas it is in or serves"),
        editable=False,
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="directory_entries_edited",
        verbose_name=_("editors"),
    )
    # Set when a moderator merges this entry into another; its address redirects there.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        indexes = [
            models.Index(fields=["status", "name"]),
            # The home page: the newest groups, and how many groups and networks
            # (counted from the index alone, without reading the rows).
            models.Index(fields=["status", "-first_published_at", "-id"], name="entry_newest_idx"),
            models.Index(fields=["status", "merged_into", "kind"], name="entry_status_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:entry_detail", kwargs={"slug": self.slug})

    @property
    def is_network(self) -> bool:
        return self.kind.is_network

    @property
    def area_list(self) -> list:
        """The authorities it is in (by its places, in order), then those it serves, once each.

        Uses the prefetched places and areas served (see directory.entries.selectors).
        """
        found: dict = {}
        for place in self.places.all():
            found.setdefault(place.local_authority_id, place.local_authority)
        for area in self.areas_served.all():
            found.setdefault(area.pk, area)
        return list(found.values())


class EntryPlace(models.Model):
    """One place where an entry is: a point, its local authority, and the point as shown.

    `public_latitude`/`public_longitude` are what anyone may see: the exact
    point, or rounded to about 1 km when the entry asks for an approximate
    location. Pages, the API, the map and exports use only those.
    """

    NAME_MAX = 120

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("name of the place"), max_length=NAME_MAX, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    public_latitude = models.FloatField()
    public_longitude = models.FloatField()
    local_authority = models.ForeignKey(
        "places.LocalAuthority",
        on_delete=models.PROTECT,
        related_name="directory_places",
        verbose_name=_("area"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        # "Is there already a group here?" looks up a small box around a point.
        indexes = [models.Index(fields=["latitude", "longitude"])]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return self.name or f"{self.public_latitude}, {self.public_longitude}"


class EntryIdentifier(models.Model):
    """An identifier in org-id form (scheme-value, e.g. GB-CHC-1234567) for an entry."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(_("scheme"), max_length=20)
    value = models.CharField(_("identifier"), max_length=60)

    class Meta:
        ordering = ["scheme", "value"]
        indexes = [models.Index(fields=["scheme", "value"])]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "scheme", "value"], name="directory_identifier_once_per_entry"
            )
        ]

    def __str__(self) -> str:
        return self.org_id

    @property
    def org_id(self) -> str:
        return f"{self.scheme}-{self.value}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class EditorRequest(models.Model):
    """Someone asking to become an editor of an entry ("this is our group")."""

    MESSAGE_MAX = 1000

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="editor_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_requests"
    )
    message = models.TextField(_("message to the editors"), max_length=MESSAGE_MAX, blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "requester"],
                condition=models.Q(status="pending"),
                name="directory_one_open_editor_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.entry}"


class Membership(models.Model):
    """An entry's membership of a network (itself an entry whose kind has members).

    Recorded by the network's editors (confirmed at once) or asked for by
    the member's editors (pending until the network's editors confirm).
    """

    ROLE_MAX = 100

    network = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="member_links")
    member = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="network_links")
    role = models.CharField(_("role"), max_length=ROLE_MAX, blank=True)
    since = models.DateField(_("member since"), null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "member"], name="directory_member_once"),
            models.CheckConstraint(
                condition=~models.Q(network=models.F("member")),
                name="directory_not_own_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.network}"
