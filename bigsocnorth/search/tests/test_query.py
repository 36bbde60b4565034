"""What people type becomes plain words or a clear message, never query syntax."""

import pytest

from bigsocnorth.search.query import (
    SEARCH_QUERY_MAX_LENGTH,
    STOP_WORDS,
    SearchQueryError,
    facet_token,
    fold,
    search_terms_parse,
    text_clean,
)


def test_words_are_lower_case_letters_and_digits_once_each():
    terms = search_terms_parse("  Food BANK, food-bank; M62 2024! ")
    assert terms.words == ("food", "bank", "m62", "2024")
    assert terms.text == "Food BANK, food-bank; M62 2024!"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ('"food bank"', ("food", "bank")),
        ("food*", ("food",)),
        ("NEAR(food bank, 2)", ("near", "food", "bank", "2")),
        ("-food +bank", ("food", "bank")),
        ("title:food {title body}: bank ^x", ("title", "food", "body", "bank", "x")),
        ("food\x00bank", ("food", "bank")),
        ("'; DROP TABLE search_searchdocument; --", ("drop", "table", "search", "searchdocument")),
        ("café 🙂 Ünïcödé", ("café", "ünïcödé")),
        ("食物银行", ("食物银行",)),
    ],
)
def test_query_syntax_is_never_passed_on(raw, words):
    assert search_terms_parse(raw).words == words


def test_very_common_words_are_left_out():
    assert search_terms_parse("The Friends of the Earth").words == ("friends", "earth")


def test_only_common_words_says_so():
    with pytest.raises(SearchQueryError, match="very common words"):
        search_terms_parse("the and of")


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x01"])
def test_nothing_typed_asks_for_something(raw):
    with pytest.raises(SearchQueryError, match="Type what you are looking for"):
        search_terms_parse(raw)


@pytest.mark.parametrize("raw", ["!!!", "🙂🙂", "* - ( )", "\u0301"])
def test_only_symbols_says_so(raw):
    with pytest.raises(SearchQueryError, match="only punctuation or symbols"):
        search_terms_parse(raw)


def test_too_long_says_how_long():
    with pytest.raises(SearchQueryError, match=r"at most 200 characters .*10,000"):
        search_terms_parse("x" * 10_000)
    assert search_terms_parse("x" * SEARCH_QUERY_MAX_LENGTH).words == ("x" * 200,)


def test_too_many_words_says_how_many():
    with pytest.raises(SearchQueryError, match=r"at most 12 words .* 13"):
        search_terms_parse(" ".join(f"word{n}" for n in range(13)))


def test_stop_words_are_postgresql_english_list():
    # Both databases must ignore the same words (see query.STOP_WORDS).
    assert len(STOP_WORDS) == 127
    assert {"the", "and", "of", "s", "t", "don"} <= STOP_WORDS


def test_fold_removes_accents_and_case():
    assert fold("Café Ünïcödé") == "cafe unicode"


def test_indexed_text_has_no_control_characters_and_is_capped():
    assert text_clean("a\x00b\n\nc\t d", max_length=100) == "a b c d"
    assert text_clean("abcdef", max_length=3) == "abc"


def test_facet_tokens_are_digits_and_distinct():
    tokens = {facet_token("category", "food-banks"), facet_token("category", "foodbanks")}
    tokens.add(facet_token("area", 12))
    tokens.add(facet_token("type", "entry"))
    assert len(tokens) == 4
    assert all(token.isdigit() and len(token) == 20 for token in tokens)
