"""The place picker field: what each way of giving a place cleans to, and what comes back."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.exceptions import ValidationError

from bigsocnorth.places.fields import PlaceField, PlaceInput
from bigsocnorth.places.services import PlaceValue, local_authority_get, place_get

pytestmark = pytest.mark.django_db

TODMORDEN = "town:calderdale:todmorden"
HEBDEN_BRIDGE = "town:calderdale:hebden bridge"


class PlaceForm(forms.Form):
    title = forms.CharField(required=False)
    place = PlaceField(label="Name of the place", required=False, help_text="A town or village")


class RequiredPlaceForm(forms.Form):
    place = PlaceField(label="Where")


def _form(**data) -> PlaceForm:
    return PlaceForm({"title": "Soup and songs", **data})


def _error(form) -> ValidationError:
    assert not form.is_valid()
    return form.errors.as_data()["place"][0]


def _radios(html: str) -> dict[str, str]:
    """value -> label text of the "did you mean" radio buttons."""
    found = {}
    for value, label in re.findall(
        r'name="place_pick" value="([^"]*)" id="[^"]*"[^>]*> <label[^>]*>(.*?)</label>', html
    ):
        found[value] = re.sub(r"<[^>]+>", "", label)
    return found


# --- Without JavaScript: a name, then a choice ----------------------------------------------


def test_a_name_alone_comes_back_with_the_places_it_may_mean():
    form = _form(place="Todmorden")
    error = _error(form)
    assert error.code == "choose"
    html = str(form["place"])
    radios = _radios(html)
    assert radios[TODMORDEN] == "Todmorden in Calderdale, Yorkshire and The Humber"
    assert "Did you mean:" in html
    assert 'value="Todmorden"' in html  # the name stays in its box
    assert form["title"].value() == "Soup and songs"  # and everything else as typed


def test_choosing_one_of_them_gives_the_point_and_its_area():
    form = _form(place="todmord", place_pick=TODMORDEN)
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    town = place_get(key=TODMORDEN)
    assert (place.latitude, place.longitude) == (town.latitude, town.longitude)
    assert place.local_authority.name == "Calderdale"
    assert place.name == "Todmorden"  # a part of the name becomes the whole name
    assert not place.approximate and not place.whole_area


def test_a_name_that_says_more_than_the_town_is_kept():
    form = _form(place="Hebden Bridge Town Hall")
    assert _error(form).code == "unknown"
    assert list(_radios(str(form["place"]))) == [HEBDEN_BRIDGE]
    form = _form(place="Hebden Bridge Town Hall", place_pick=HEBDEN_BRIDGE)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"].name == "Hebden Bridge Town Hall"


def test_choosing_a_local_authority_is_the_whole_area():
    form = _form(place="Leeds")
    assert "area:leeds" in _radios(str(form["place"]))
    form = _form(place="Leeds", place_pick="area:leeds")
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert place.whole_area and place.local_authority.name == "Leeds"
    assert place.public_point is None


def test_an_unknown_name_says_so_and_offers_near_names():
    form = _form(place="Hebdon Brige")
    error = _error(form)
    assert error.code == "unknown"
    assert "There is no place called “Hebdon Brige” in the North; try a nearby town." in (
        error.message
    )
    assert any("Hebden Bridge" in label for label in _radios(str(form["place"])).values())
    html = str(form["place"])
    assert "Places with a similar name:" in html


def test_a_name_like_nothing_says_so_without_choices():
    form = _form(place="Xyzzyplugh")
    assert "no place called “Xyzzyplugh”" in _error(form).message
    assert _radios(str(form["place"])) == {}


def test_a_forged_choice_is_refused():
    form = _form(place="Todmorden", place_pick="town:calderdale:atlantis")
    assert _error(form).code == "invalid_choice"
    assert TODMORDEN in _radios(str(form["place"]))  # the real choices again


# --- With JavaScript: the hidden inputs ---------------------------------------------------------


def test_a_chosen_suggestion_is_used_as_it_is():
    form = _form(
        place="Todmorden", place_latitude="53.71", place_longitude="-2.1",
        place_area="calderdale", place_chosen="Todmorden",
    )  # fmt: skip
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert (place.name, place.latitude, place.longitude) == ("Todmorden", 53.71, -2.1)
    assert place.local_authority.name == "Calderdale"


def test_a_local_authority_chosen_whole():
    form = _form(place="Leeds", place_area="leeds", place_chosen="Leeds", place_whole_area="on")
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert place.whole_area and place.local_authority.name == "Leeds"


def test_a_pin_from_the_map_without_a_name():
    form = _form(place_latitude="53.7997", place_longitude="-1.5492")
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert (place.name, place.local_authority.name) == ("", "Leeds")


def test_no_exact_place_keeps_only_the_area():
    form = _form(
        place="Todmorden", place_latitude="53.71", place_longitude="-2.1",
        place_chosen="Todmorden", place_whole_area="on", place_roughly="on",
    )  # fmt: skip
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert place.whole_area and place.local_authority.name == "Calderdale"
    assert not place.approximate  # nothing to round


def test_only_roughly_where():
    form = _form(
        place="Our kitchen", place_latitude="53.74213", place_longitude="-2.01437",
        place_chosen="Our kitchen", place_roughly="on",
    )  # fmt: skip
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert place.approximate
    assert (place.latitude, place.longitude) == (53.74213, -2.01437)
    assert place.public_point == (53.74, -2.01)


def test_a_changed_name_asks_again_and_can_keep_the_place():
    chosen = {"place_latitude": "53.71", "place_longitude": "-2.1", "place_chosen": "Todmorden"}
    form = _form(place="Leeds", **chosen)
    error = _error(form)
    assert error.code == "changed"
    radios = _radios(str(form["place"]))
    assert radios["keep"] == "Keep the place chosen before: Todmorden in Calderdale"
    assert "area:leeds" in radios
    form = _form(place="The old mill", place_pick="keep", **chosen)
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert (place.name, place.latitude, place.local_authority.name) == (
        "The old mill", 53.71, "Calderdale",
    )  # fmt: skip


# --- Advanced: coordinates ------------------------------------------------------------------


def test_typed_coordinates_win_over_everything_else():
    form = _form(
        place="Hebden Bridge Town Hall", place_typed_latitude="53.742",
        place_typed_longitude="-2.014", place_latitude="53.8", place_longitude="-1.55",
        place_chosen="Leeds",
    )  # fmt: skip
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert (place.name, place.latitude, place.longitude) == ("Hebden Bridge Town Hall", 53.742,
                                                              -2.014)  # fmt: skip
    assert place.local_authority.name == "Calderdale"


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        ({"place_typed_latitude": "53.7"}, "half_pair", "Give both the latitude and the longitude"),
        ({"place_typed_longitude": "-2"}, "half_pair", "Give both the latitude and the longitude"),
        ({"place_typed_latitude": "95", "place_typed_longitude": "1"}, "out_of_range", "-90"),
        ({"place_typed_latitude": "53", "place_typed_longitude": "200"}, "out_of_range", "-180"),
        ({"place_typed_latitude": "abc", "place_typed_longitude": "1"}, "not_a_number", "numbers"),
        ({"place_typed_latitude": "NaN", "place_typed_longitude": "1"}, "not_a_number", "numbers"),
        (
            {"place_typed_latitude": "51.5072", "place_typed_longitude": "-0.1276"},
            "outside_north",
            "outside the North of England",
        ),
        # The hidden inputs are checked the same way: nobody can slip a point past them.
        ({"place_latitude": "51.5", "place_longitude": "-0.12"}, "outside_north", "outside"),
        ({"place_latitude": "53.7"}, "half_pair", "Give both"),
        ({"place_area": "atlantis", "place": "x", "place_chosen": "x"}, "invalid_area", "area"),
    ],
)
def test_bad_coordinates_are_refused_plainly(data, code, words):
    form = _form(place="Somewhere", **data) if "place" not in data else _form(**data)
    error = _error(form)
    assert error.code == code
    assert words in error.message
    assert form["title"].value() == "Soup and songs"
    html = str(form["place"])
    assert 'aria-invalid="true"' in html
    if "place_typed_latitude" in data:
        assert '<details class="place-advanced" open>' in html  # what to correct is in sight


# --- Hostile, huge and odd input ------------------------------------------------------------


def test_hostile_text_is_only_text():
    hostile = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    form = _form(place=hostile)
    error = _error(form)
    assert error.code == "unknown"
    html = str(form["place"]) + str(form.errors)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_ten_thousand_characters_are_refused_without_a_search():
    form = _form(place="Leeds " * 2000)
    error = _error(form)
    assert error.code == "max_length"
    assert "at most 120 characters" in error.message and "12,000" not in error.message
    assert _radios(str(form["place"])) == {}


@pytest.mark.parametrize(
    "value",
    [
        42,
        3.5,
        ["Leeds"],
        ("x",),
        object(),
        {"text": 5, "latitude": ["53"], "longitude": {"a": 1}},
        {"typed_latitude": True, "typed_longitude": False},
    ],
)
def test_wrong_types_never_crash(value):
    field = PlaceField(required=False)
    try:
        result = field.clean(value)
    except ValidationError as error:
        assert error.messages
    else:
        assert result is None or isinstance(result, PlaceValue)


def test_numbers_in_a_mapping_are_read_as_text():
    field = PlaceField(required=False)
    place = field.clean({"typed_latitude": 53.742, "typed_longitude": -2.014})
    assert place.local_authority.name == "Calderdale"


def test_nothing_given_is_no_place_and_a_required_place_says_what_to_do():
    for form in (_form(), _form(place="  ", place_roughly="on")):
        assert form.is_valid()
        assert form.cleaned_data["place"] is None
    form = RequiredPlaceForm({"place": ""})
    assert not form.is_valid()
    assert "type the name of a town, village or area" in form.errors["place"][0]


# --- Showing a saved place again ------------------------------------------------------------


def test_a_saved_place_shows_again_and_comes_back_unchanged():
    calderdale = local_authority_get(slug="calderdale")
    saved = PlaceValue(name="Town Hall", local_authority=calderdale, latitude=53.742,
                       longitude=-2.014, approximate=True)  # fmt: skip
    form = PlaceForm(initial={"place": saved})
    html = str(form["place"])
    assert 'name="place_latitude" value="53.742"' in html
    assert 'name="place_chosen" value="Town Hall"' in html
    assert "The pin is in Calderdale." in html
    assert "the whole of Calderdale" in html
    assert re.search(r'name="place_roughly"[^>]* checked', html)
    raw = PlaceInput.from_value(saved)
    data = {
        "place": raw.text, "place_latitude": raw.latitude, "place_longitude": raw.longitude,
        "place_area": raw.area, "place_chosen": raw.chosen, "place_roughly": "on",
    }  # fmt: skip
    form = PlaceForm(data, initial={"place": saved})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == saved
    assert form.changed_data == []


def test_a_saved_whole_area_shows_again():
    leeds = local_authority_get(slug="leeds")
    form = PlaceForm(initial={"place": PlaceValue(name="", local_authority=leeds)})
    html = str(form["place"])
    assert 'name="place_area" value="leeds"' in html
    assert re.search(r'name="place_whole_area"[^>]* checked', html)
    assert "The place is the whole of Leeds." in html


def test_in_a_formset_each_picker_has_its_own_names():
    formset_class = forms.formset_factory(PlaceForm, extra=0)
    data = {
        "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0",
        "form-0-place": "Leeds", "form-0-place_pick": "area:leeds",
        "form-1-place": "Todmorden", "form-1-place_pick": TODMORDEN,
    }  # fmt: skip
    formset = formset_class(data)
    assert formset.is_valid(), formset.errors
    assert [f.cleaned_data["place"].local_authority.name for f in formset] == [
        "Leeds",
        "Calderdale",
    ]
    html = str(formset.forms[0]["place"])
    assert 'id="id_form-0-place"' in html and 'name="form-0-place_typed_latitude"' in html


def test_cleaning_and_drawing_make_no_query(django_assert_num_queries):
    _form(place="warm up").is_valid()
    with django_assert_num_queries(0):
        for data in (
            {"place": "Todmorden"},
            {"place": "Leeds", "place_pick": "area:leeds"},
            {"place": "x", "place_area": "leeds", "place_chosen": "x"},
            {"place_typed_latitude": "53.742", "place_typed_longitude": "-2.014"},
        ):
            form = _form(**data)
            form.is_valid()
            str(form["place"])


class PointForm(forms.Form):
    place = PlaceField(required=False, whole_area=False, roughly=False)


def test_a_field_that_needs_a_point_offers_towns_only_and_no_choices():
    form = PointForm({"place": "Leeds"})
    assert not form.is_valid()
    html = str(form["place"])
    radios = _radios(html)
    assert "area:leeds" not in radios and "town:leeds:leeds" in radios
    assert "place_whole_area" not in html and "place_roughly" not in html
    assert '"pointsOnly": true' in html.replace("&quot;", '"')
    form = PointForm({"place": "Leeds", "place_pick": "area:leeds"})
    assert form.errors.as_data()["place"][0].code == "area_not_point"
    form = PointForm(
        {"place": "Leeds", "place_area": "leeds", "place_chosen": "Leeds", "place_whole_area": "on"}
    )
    assert form.errors.as_data()["place"][0].code == "area_not_point"
    # The two choices are ignored when sent anyway: a point stays a point, exact.
    form = PointForm(
        {"place_latitude": "53.74213", "place_longitude": "-2.01437", "place_whole_area": "on",
         "place_roughly": "on"}
    )  # fmt: skip
    assert form.is_valid(), form.errors
    place = form.cleaned_data["place"]
    assert (place.latitude, place.approximate) == (53.74213, False)
