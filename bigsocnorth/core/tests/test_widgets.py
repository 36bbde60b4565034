"""QuickSelect writes the same select as Django's, without a template per option."""

from __future__ import annotations

import re

from django import forms

from bigsocnorth.core.widgets import QuickSelect

CHOICES = [
    ("", "Anywhere in the North"),
    ("North East", [("north-east", "All of North East"), ("gateshead", "Gateshead")]),
    ("Yorkshire & the <Humber>", [("leeds", "Leeds"), ("hull", 'Kingston "Hull"')]),
]


def _structure(html: str) -> list[tuple[str, ...]]:
    """Optgroups and options in order, with what is selected, whatever the spacing."""
    return re.findall(
        r'<optgroup label="([^"]*)">|<option value="([^"]*)"( selected)?>([^<]*)</option>', html
    )


def _render(widget_class, value):
    widget = widget_class(choices=CHOICES, attrs={"class": "filter"})
    return widget.render("area", value, attrs={"id": "id_area", "aria-describedby": "area-help"})


def test_the_same_options_groups_and_choice_as_django_select():
    for value in ("", "leeds", "north-east", None, "nowhere"):
        quick, django = _render(QuickSelect, value), _render(forms.Select, value)
        assert _structure(quick) == _structure(django)
        opening = quick[: quick.index(">") + 1]
        assert opening.startswith('<select name="area" ')
        for attribute in ('class="filter"', 'id="id_area"', 'aria-describedby="area-help"'):
            assert attribute in opening


def test_labels_and_values_are_escaped():
    html = _render(QuickSelect, '"><script>alert(1)</script>')
    assert "<script>" not in html
    assert 'label="Yorkshire &amp; the &lt;Humber&gt;"' in html
    assert "Kingston &quot;Hull&quot;" in html


def test_a_form_field_renders_it_with_its_errors_attributes():
    class Form(forms.Form):
        area = forms.ChoiceField(choices=CHOICES, widget=QuickSelect)

    form = Form(data={"area": "atlantis"})
    assert not form.is_valid()
    html = str(form["area"])
    assert 'aria-invalid="true"' in html and 'name="area"' in html
