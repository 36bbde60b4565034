"""The search form. It tidies and renders; selectors.check_search_input decides what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.core.widgets import QuickSelect
from bigsocnorth.places.forms import area_choices
from bigsocnorth.search import selectors
from bigsocnorth.search.query import SEARCH_QUERY_MAX_LENGTH


class SearchForm(forms.Form):
    # Plain text fields with select widgets: an unknown value reaches
    # check_search_input, which says what is wrong in the same words as the API.
    q = forms.CharField(
        label=_("Search for"),
        help_text=_("Words from a name or description, for example food bank Halifax."),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "maxlength": SEARCH_QUERY_MAX_LENGTH,
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )
    type = forms.CharField(label=_("Type"), required=False, widget=forms.Select)
    category = forms.CharField(label=_("Category"), required=False, widget=forms.Select)
    area = forms.CharField(label=_("Area"), required=False, widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].widget.choices = [("", _("Any type")), *selectors.type_choices()]
        self.fields["category"].widget.choices = [
            ("", _("Any category")),
            *selectors.category_choices(),
        ]
        self.fields["area"].widget.choices = area_choices()
