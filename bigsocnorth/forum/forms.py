"""Forms for the forum's pages; the services do the checking, the forms only collect."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.forum.models import Category, Level, Post, Topic
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


class TopicForm(forms.Form):
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


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EditForm(forms.Form):
    body = _body_field(_("Text"))


class LevelForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("What you hear"), choices=Level.choices, coerce=int, widget=forms.RadioSelect
    )


class DiscussionForm(forms.Form):
    body = _body_field(_("Start the discussion"))
