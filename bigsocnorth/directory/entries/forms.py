"""The entry form and its places: plain fields; the service validates and normalises everything."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.directory.models import (
    Category,
    Entry,
    EntryKind,
    EntryPlace,
    Sector,
)
from bigsocnorth.places.fields import PlaceField
from bigsocnorth.places.selectors import region_list_with_local_authorities
from bigsocnorth.places.services import PlaceValue

SECTOR_CHOICES = [("", _("Choose a sector")), *Sector.choices]


class EntryForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=Entry.NAME_MAX)
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
    approximate_location = forms.BooleanField(
        label=_("Show only an approximate location (to about 1 km)"),
        required=False,
        help_text=_("For example when the place is someone's home."),
    )
    areas_served = forms.MultipleChoiceField(
        label=_("Areas served"),
        required=False,
        help_text=_(
            "For a group that works online or across an area: the local authorities it serves."
        ),
    )
    website = forms.CharField(
        label=_("Website"), required=False, max_length=Entry.URL_MAX,
        widget=forms.URLInput, help_text=_("For example https://example.org"),
    )  # fmt: skip
    feed_url = forms.CharField(
        label=_("News feed address (RSS or Atom)"), required=False, max_length=Entry.URL_MAX,
        widget=forms.URLInput,
    )  # fmt: skip
    social_links = forms.CharField(
        label=_("Social media links"),
        required=False,
        max_length=(Entry.URL_MAX + 2) * Entry.SOCIAL_LINKS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One web address per line."),
    )
    public_contact = forms.CharField(
        label=_("Public contact"),
        required=False,
        max_length=Entry.CONTACT_MAX,
        help_text=_("An email address or phone number anyone may use. It is shown publicly."),
    )
    private_contact = forms.CharField(
        label=_("Private contact for the moderators"),
        required=False,
        max_length=Entry.CONTACT_MAX,
        help_text=_(
            "How a moderator can reach the group. Only the entry's editors and the "
            "moderators see it."
        ),
    )
    identifiers = forms.CharField(
        label=_("Registration numbers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "In org-id form, one per line: GB-CHC-1123456 for a registered charity, "
            "GB-COH-09876543 for a company, GB-MPR-30195R for a co-operative or "
            "community benefit society."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
        help_text=_("A JPEG, PNG, WebP or GIF image of at most 5 MB."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.regions = list(region_list_with_local_authorities())
        self._authorities = {
            str(authority.pk): authority
            for region in self.regions
            for authority in region.local_authorities.all()
        }
        self.fields["areas_served"].choices = [
            (region.name, [(str(a.pk), a.name) for a in region.local_authorities.all()])
            for region in self.regions
        ]

    def area_groups(self):
        """Regions with their authorities and whether each is chosen, for the template."""
        chosen = {str(value) for value in (self["areas_served"].value() or [])}
        return [
            (
                region,
                [
                    (authority, str(authority.pk) in chosen)
                    for authority in region.local_authorities.all()
                ],
            )
            for region in self.regions
        ]

    def clean_areas_served(self):
        return [self._authorities[value] for value in self.cleaned_data["areas_served"]]

    @classmethod
    def initial_for(cls, entry: Entry) -> dict:
        return {
            "name": entry.name,
            "kind": entry.kind_id,
            "sector": entry.sector,
            "categories": [category.pk for category in entry.categories.all()],
            "tags": entry.tags,
            "description": entry.description,
            "approximate_location": entry.approximate_location,
            "areas_served": [str(area.pk) for area in entry.areas_served.all()],
            "website": entry.website,
            "feed_url": entry.feed_url,
            "social_links": "\n".join(entry.social_links),
            "public_contact": entry.public_contact,
            "private_contact": entry.private_contact,
            "identifiers": "\n".join(i.org_id for i in entry.identifiers.all()),
        }


class PlaceForm(forms.Form):
    """One place where the group is: a point, chosen with the place picker.

    A group that works across a whole area chooses it under "Areas served"
    instead, and "only roughly where" is asked once for all its places.
    """

    place = PlaceField(
        label=_("Name of the place"),
        required=False,
        name_max=EntryPlace.NAME_MAX,
        whole_area=False,
        roughly=False,
        help_text=_(
            "A town or village of the North: type its name and choose it, or put the pin "
            "on the map. You can then say where exactly, for example “Main hall”."
        ),
    )


class BasePlaceFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this place")


PlaceFormSet = forms.formset_factory(
    PlaceForm,
    formset=BasePlaceFormSet,
    extra=1,
    can_delete=True,
    max_num=Entry.PLACES_MAX,
    validate_max=True,
)


def place_formset_initial(entry: Entry) -> list[dict]:
    return [
        {
            "place": PlaceValue(
                name=place.name,
                local_authority=place.local_authority,
                latitude=place.latitude,
                longitude=place.longitude,
            )
        }
        for place in entry.places.all()
    ]


def places_from_formset(formset) -> list[dict]:
    """The places a valid formset describes, without rows marked for removal or left empty.

    As the entry services take them (they check each point again).
    """
    return [
        {"name": place.name, "latitude": place.latitude, "longitude": place.longitude}
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and (place := form.cleaned_data.get("place")) is not None
    ]
