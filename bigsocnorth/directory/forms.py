"""The entry form: plain fields; the service validates and normalises everything."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.directory.models import Category, Entry, EntryKind, Sector

SECTOR_CHOICES = [("", _("Choose a sector")), *Sector.choices]


class EntryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Entry.NAME_MAX)
    kind = forms.ModelChoiceField(
        label=_("What kind of group is it?"),
        queryset=EntryKind.objects.all(),
        empty_label=_("Choose a kind"),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=SECTOR_CHOICES)
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=Entry.TAGS_MAX,
        help_text=_("Words that describe the group, in your own words, separated by commas."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=Entry.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What the group does, in your own words. You can use Markdown."),
    )
    website = forms.CharField(
        label=_("Website"), required=False, max_length=Entry.URL_MAX,
        widget=forms.URLInput, help_text=_("For example https://example.org"),
    )  # fmt: skip
    feed_url = forms.CharField(
        label=_("News feed address (RSS or Atom)"), required=False, max_length=Entry.URL_MAX,
        widget=forms.URLInput,
    )  # fmt: skip
    public_contact = forms.CharField(
        label=_("Public contact"),
        required=False,
        max_length=Entry.CONTACT_MAX,
        help_text=_("An email address or phone number anyone may use. It is shown publicly."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        help_text=_("Leave the place empty for a group that works online or across an area."),
    )
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    approximate_location = forms.BooleanField(
        label=_("Show only an approximate location (to about 1 km)"), required=False
    )

    @classmethod
    def initial_for(cls, entry: Entry) -> dict:
        return {
            "name": entry.name,
            "kind": entry.kind_id,
            "sector": entry.sector,
            "categories": [category.pk for category in entry.categories.all()],
            "tags": entry.tags,
            "description": entry.description,
            "website": entry.website,
            "feed_url": entry.feed_url,
            "public_contact": entry.public_contact,
            "latitude": entry.latitude,
            "longitude": entry.longitude,
            "approximate_location": entry.approximate_location,
        }
