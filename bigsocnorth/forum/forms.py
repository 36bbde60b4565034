"""Forms for the forum's pages; the services do the checking, the forms only collect."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.forum.models import Category, Level, Post, PostPicture, Topic
from bigsocnorth.forum.pictures import FIELD as PICTURES_FIELD
from bigsocnorth.forum.pictures import PICTURE_RULES, PICTURES_MAX, NewPicture
from bigsocnorth.places.models import LocalAuthority


def _body_field(label):
    return forms.CharField(
        label=label,
        max_length=Post.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Write @ and someone's web address name to mention them (@ann-whitaker). "
            "A link to a group, story or threat on this site shows as a card."
        ),
    )


class PictureFields(forms.Form):
    """Up to PICTURES_MAX pictures, each a file and its description, in pairs.

    Pairs rather than one "multiple" file input: without JavaScript, and with
    a screen reader, each description is plainly tied to its picture. The
    services check the files; the picture fields' problems come back under
    "pictures" (`picture_problems`, shown beside the fields).
    """

    ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
    picture_megabytes = PICTURE_RULES.max_bytes // 1_048_576

    def __init__(self, *args, picture_rows: int = PICTURES_MAX, **kwargs):
        super().__init__(*args, **kwargs)
        self.picture_problems: list[str] = []
        self.picture_numbers = range(1, max(0, min(picture_rows, PICTURES_MAX)) + 1)
        for number in self.picture_numbers:
            self.fields[f"picture_{number}"] = forms.FileField(
                label=_("Picture file"),
                required=False,
                widget=forms.FileInput(attrs={"accept": self.ACCEPT}),
            )
            alt = forms.CharField(
                label=_("Describe the picture for people who cannot see it"),
                required=False,
                # Generous: the services say the real limit in their own words.
                max_length=PostPicture.ALT_MAX * 4,
            )
            # Needed with a picture, so not marked "(optional)" (includes/field.html).
            alt.needed_to_publish = True
            self.fields[f"picture_alt_{number}"] = alt

    def picture_rows(self):
        """(file, description) bound fields, one pair per picture."""
        return [(self[f"picture_{n}"], self[f"picture_alt_{n}"]) for n in self.picture_numbers]

    def pictures_open(self) -> bool:
        """Whether "Add pictures" opens at once: something was written in it, or is wrong."""
        if self.picture_problems or any(
            first.errors or second.errors for first, second in self.picture_rows()
        ):
            return True
        return self.is_bound and any(
            str(self.data.get(f"picture_alt_{number}", "")).strip()
            for number in self.picture_numbers
        )

    def new_pictures(self) -> list[NewPicture]:
        data = self.cleaned_data
        return [
            NewPicture(
                upload=data.get(f"picture_{number}"),
                alt=data.get(f"picture_alt_{number}") or "",
                number=number,
            )
            for number in self.picture_numbers
        ]

    def fields_besides_pictures(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not name.startswith("picture_") and name != "remove_pictures"
        }

    def add_problems(self, error) -> None:
        """Keep the services' problems with the pictures to show beside their fields."""
        if hasattr(error, "error_dict"):
            self.picture_problems = error.message_dict.get(PICTURES_FIELD, [])


class TopicForm(PictureFields):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), empty_label=_("Choose one")
    )
    title = forms.CharField(label=_("Title"), max_length=Topic.TITLE_MAX * 2)
    body = _body_field(_("What would you like to say?"))
    local_authority = forms.ModelChoiceField(
        label=_("Area it is about"),
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        empty_label=_("Anywhere in the North"),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Up to 5 words, separated by commas."),
    )


class ReplyForm(PictureFields):
    body = _body_field(_("Your reply"))
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EditForm(PictureFields):
    body = _body_field(_("Text"))
    remove_pictures = forms.TypedMultipleChoiceField(
        label=_("Pictures to remove"), coerce=int, required=False
    )

    def __init__(self, *args, pictures=(), **kwargs):
        # Room for as many new pictures as the post has space for.
        self.current_pictures = list(pictures)
        super().__init__(*args, picture_rows=PICTURES_MAX - len(self.current_pictures), **kwargs)
        self.fields["remove_pictures"].choices = [
            (picture.pk, picture.alt) for picture in self.current_pictures
        ]

    def removing(self) -> set[int]:
        """The pictures ticked for removal (to keep the ticks when the form comes back)."""
        getlist = getattr(self.data, "getlist", None)
        chosen = getlist("remove_pictures") if self.is_bound and getlist else []
        return {int(value) for value in chosen if str(value).isdigit()}


class LevelForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("What you hear"), choices=Level.choices, coerce=int, widget=forms.RadioSelect
    )


class DiscussionForm(forms.Form):
    body = _body_field(_("Start the discussion"))
