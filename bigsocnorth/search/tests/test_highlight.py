"""Marked matches are the only HTML in titles and snippets; everything else is escaped."""

from bigsocnorth.search.highlight import highlight_all, highlight_snippet, stem


def test_matching_words_are_marked_in_the_title():
    html = highlight_all("Leeds Food Bank and foodbank", ["food", "bank"])
    assert html == "Leeds <mark>Food</mark> <mark>Bank</mark> and foodbank"


def test_forms_of_a_word_are_marked():
    html = highlight_all(
        "Volunteers volunteering, volunteered; communities", ["volunteer", "community"]
    )
    assert html.count("<mark>") == 4


def test_stems_of_common_forms_agree():
    assert stem("volunteers") == stem("volunteering") == stem("volunteer")
    assert stem("communities") == stem("community")
    assert stem("housing") == stem("house")
    assert stem("running") == stem("runs")


def test_accents_do_not_stop_a_mark():
    assert highlight_all("Hebden Café", ["cafe"]) == "Hebden <mark>Café</mark>"


def test_content_is_escaped_and_only_marks_are_html():
    html = highlight_all('<script>alert("x")</script> & <b>food</b>', ["food", "script"])
    assert "<script>" not in html and "<b>" not in html
    assert html == (
        "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; "
        "&amp; &lt;b&gt;<mark>food</mark>&lt;/b&gt;"
    )


def test_markers_cannot_be_smuggled_in():
    html = highlight_all("<mark>fake</mark> real", ["real"])
    assert html == "&lt;mark&gt;fake&lt;/mark&gt; <mark>real</mark>"


def test_snippet_is_the_part_with_the_matches():
    text = " ".join(f"word{n}" for n in range(100)) + " the food bank is here " + "tail " * 50
    html = highlight_snippet(text, ["food", "bank"], size=12)
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>food</mark> <mark>bank</mark>" in html
    assert len(html.split()) < 20


def test_snippet_without_a_match_starts_at_the_beginning():
    html = highlight_snippet("We meet on Tuesdays. " * 20, ["nothing"], size=6)
    assert html.startswith("We meet on Tuesdays.")
    assert "<mark>" not in html and html.endswith(" …")


def test_short_text_is_shown_whole():
    assert highlight_snippet("A small food group.", ["food"]) == "A small <mark>food</mark> group."
    assert highlight_snippet("", ["food"]) == ""


def test_a_very_long_text_is_cut_short_around_the_start():
    text = "food " * 6_000  # 30,000 characters
    html = highlight_snippet(text, ["food"], size=5)
    assert html == " ".join(["<mark>food</mark>"] * 5) + " …"


def test_the_snippet_is_the_sentence_that_matched():
    text = (
        "We run a repair café for older people in Hebden Bridge.\n"
        "Every Tuesday we meet at the old chapel. Bring a kettle, a lamp or a bike!\n"
        "Founded in 1999 by Jean Hughes."
    )
    assert highlight_snippet(text, ["kettle"]) == (
        "… Bring a <mark>kettle</mark>, a lamp or a bike! …"
    )
    assert (
        highlight_snippet(text, ["chapel"])
        == "… Every Tuesday we meet at the old <mark>chapel</mark>. …"
    )
    # The sentence with most of the words wins over one with a word twice.
    html = highlight_snippet("Food, food, food. Food bank on Fridays. Tea.", ["food", "bank"])
    assert html == "… <mark>Food</mark> <mark>bank</mark> on Fridays. …"


def test_without_a_match_the_snippet_is_the_first_whole_sentences():
    text = "We meet on Tuesdays. Everyone is welcome. " + "More words here. " * 20
    assert (
        highlight_snippet(text, ["calderdale"], size=8)
        == "We meet on Tuesdays. Everyone is welcome. …"
    )


def test_a_line_ends_a_sentence_even_without_a_full_stop():
    text = "Opening times\nMondays from 10am to noon\nFood parcels and advice"
    assert highlight_snippet(text, ["parcels"]) == "… Food <mark>parcels</mark> and advice"
