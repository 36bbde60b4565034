"""The story forms: plain fields; the services validate and normalise everything."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.widgets import QuickSelect
from bigsocnorth.directory.models import Entry
from bigsocnorth.places.fields import PlaceField
from bigsocnorth.places.services import PlaceValue
from bigsocnorth.stories.models import Story
from bigsocnorth.stories.selectors import entries_by_reference, entries_told_for_choices
from bigsocnorth.stories.services import ABOUT_MAX


class StoryForm(forms.Form):
    """Telling a story here, or correcting the preview of a linked one (`linked=True`)."""

    # Not required here: a draft may be unfinished, and the service says at
    # once everything publishing needs. Shown without "(optional)" all the same.
    title = forms.CharField(label=_("Title"), max_length=Story.TITLE_MAX, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=Story.SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A sentence or two: what happened, and why it matters."),
    )
    body = forms.CharField(
        label=_("Your story"),
        required=False,
        max_length=Story.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "In your own words: what you did, who was involved, what changed. You can use "
            "Markdown: **bold**, *italic*, [a link](https://example.org), ## a heading."
        ),
    )
    source_name = forms.CharField(
        label=_("Where it was told"),
        required=False,
        max_length=Story.SOURCE_MAX,
        help_text=_("The newspaper, blog, channel or account."),
    )
    source_published_at = forms.DateField(
        label=_("When it was told"),
        required=False,
        # The ISO form is the only one a date input takes as its value.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For example 2026-11-27."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=Story.TAGS_MAX,
        help_text=_("Words that describe the story, separated by commas."),
    )
    place = PlaceField(
        label=_("Name of the place"),
        required=False,
        name_max=Story.PLACE_NAME_MAX,
        help_text=_(
            "A town, village or area of the North, for example Hebden Bridge: type its name "
            "and choose it. You can then add where exactly, for example “Hebden Bridge Town "
            "Hall”."
        ),
    )
    about = forms.CharField(
        label=_("Groups in the directory it is about"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: the group's name as it is in the directory, or the address of its page."
        ),
    )
    on_behalf_of = forms.ModelChoiceField(
        label=_("Tell it on behalf of"),
        queryset=Entry.objects.none(),
        required=False,
        empty_label=_("Just me"),
        help_text=_("A group you are an editor of."),
    )
    image = forms.FileField(
        label=_("Picture at the top"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP or GIF, up to 10 MB. Location and camera details are removed."
        ),
    )
    image_alt = forms.CharField(
        label=_("Describe the picture"),
        required=False,
        max_length=Story.ALT_MAX,
        help_text=_("For people who cannot see it, for example “Volunteers planting trees”."),
    )
    remove_image = forms.BooleanField(label=_("Remove the picture"), required=False)
    picture = forms.FileField(label=_("Picture to put in the story"), required=False)
    picture_alt = forms.CharField(
        label=_("Describe this picture"), required=False, max_length=Story.ALT_MAX
    )

    def __init__(self, *args, user=None, linked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.linked = linked
        # What publishing needs (the service checks it): shown without "(optional)".
        for name in ("title", "summary") if linked else ("title", "body"):
            self.fields[name].needed_to_publish = True
        self.fields["on_behalf_of"].queryset = entries_told_for_choices(user=user)
        if linked:
            for name in ("body", "picture", "picture_alt"):
                del self.fields[name]
            self.fields["summary"].help_text = _(
                "A sentence or two about the story, in your words."
            )
            self.fields["image"].label = _("Picture")
        else:
            for name in ("source_name", "source_published_at"):
                del self.fields[name]

    def clean_about(self) -> list[Entry]:
        lines = [line for line in self.cleaned_data["about"].splitlines() if line.strip()]
        if len(lines) > ABOUT_MAX:
            raise forms.ValidationError(_("Name at most %(max)d groups.") % {"max": ABOUT_MAX})
        found, unknown = entries_by_reference(lines)
        if unknown:
            raise forms.ValidationError(
                _(
                    "We could not find these in the directory: %(names)s. Check the spelling, "
                    "or paste the address of the group's page."
                )
                % {"names": ", ".join(f"“{name[:80]}”" for name in unknown)}
            )
        return found

    @staticmethod
    def initial_for(story: Story) -> dict:
        return {
            "title": story.title,
            "summary": story.summary,
            "body": story.body,
            "source_name": story.source_name,
            "source_published_at": (
                story.source_published_at.date() if story.source_published_at else None
            ),
            "tags": story.tags,
            "place": story_place(story),
            "about": "\n".join(entry.name for entry in story.about.all()),
            "on_behalf_of": story.on_behalf_of_id,
            "image_alt": story.image_alt,
        }


def story_place(story: Story) -> PlaceValue | None:
    """The story's place as the place picker shows it: a point, or its whole area."""
    if story.local_authority is None:
        return None
    return PlaceValue(
        name=story.place_name,
        local_authority=story.local_authority,
        latitude=story.latitude,
        longitude=story.longitude,
        approximate=story.approximate_location,
    )


def story_place_values(place: PlaceValue | None) -> dict:
    """The place as the story services take it (they check it again)."""
    if place is None:
        return {"place_name": "", "latitude": None, "longitude": None, "local_authority": None}
    return {
        "place_name": place.name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "local_authority": place.local_authority,
        "approximate_location": place.approximate,
    }


class ShareLinkForm(forms.Form):
    url = forms.CharField(
        label=_("Web address of the story"),
        max_length=Story.URL_MAX,
        help_text=_("Paste the address of the article, blog post, video or post."),
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )


class StoryFilterForm(forms.Form):
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    area = forms.ChoiceField(label=_("Area"), required=False, widget=QuickSelect)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("", _("Newest first")), ("new_voices", _("New voices first"))],
    )

    def __init__(self, *args, **kwargs):
        from bigsocnorth.places.forms import area_choices
        from bigsocnorth.stories.models import StoryKind

        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()
        self.fields["kind"].choices = [("", _("All stories")), *StoryKind.choices]
