"""Regions and local authorities of the North, with their boundaries."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An English region (ONS GSS code E12…)."""

    code = models.CharField(_("GSS code"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:area_detail", kwargs={"slug": self.slug})

    @property
    def name_in_sentence(self) -> str:
        """ "in the North East", but "in Yorkshire and The Humber"."""
        if self.name.split(" ", 1)[0] in {"North", "South", "East", "West"}:
            return f"the {self.name}"
        return self.name


class LocalAuthority(models.Model):
    """A local authority district, its boundary kept as GeoJSON geometry.

    The bounding box columns let a point lookup narrow candidates cheaply
    before the exact polygon test.
    """

    code = models.CharField(_("GSS code"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="local_authorities", verbose_name=_("region")
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"))
    min_longitude = models.FloatField()
    min_latitude = models.FloatField()
    max_longitude = models.FloatField()
    max_latitude = models.FloatField()
    centre_latitude = models.FloatField()
    centre_longitude = models.FloatField()

    class Meta:
        ordering = ["name"]
        verbose_name = _("local authority")
        verbose_name_plural = _("local authorities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:area_detail", kwargs={"slug": self.slug})
