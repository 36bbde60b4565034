"""Markdown from people renders to safe HTML."""

from __future__ import annotations

import pytest

from bigsocnorth.core.markdown import render_markdown


def test_markdown_renders_emphasis_links_and_lists():
    html = render_markdown("**Tea** and [cakes](https://example.org)\n\n- one\n- two")
    assert "<strong>Tea</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer ugc">cakes</a>' in html
    assert "<li>one</li>" in html


def test_script_tags_never_survive():
    html = render_markdown("<script>alert(1)</script> hello <img src=x onerror=alert(1)>")
    assert "<script" not in html
    assert "<img" not in html
    assert "hello" in html


def test_javascript_and_data_links_are_removed():
    html = render_markdown("[click](javascript:alert(1)) [data](data:text/html,hi)")
    # The parser refuses to make these links; at most they remain visible text.
    assert "<a" not in html
    assert "href" not in html
    assert "click" in html


def test_a_raw_html_link_with_a_javascript_url_is_not_a_link():
    html = render_markdown('<a href="javascript:alert(1)">x</a>')
    assert "<a" not in html


def test_empty_text_renders_empty():
    assert render_markdown("") == ""


# --- Images -------------------------------------------------------------------

IMAGES = "/media/stories/images/"


def test_images_are_dropped_unless_asked_for():
    assert "<img" not in render_markdown("![a cat](/media/stories/images/cat.png)")


def test_images_from_the_given_folder_are_kept_with_their_description():
    html = render_markdown("![a cat](/media/stories/images/cat.png)", images_from=IMAGES)
    assert '<img src="/media/stories/images/cat.png" alt="a cat">' in html


@pytest.mark.parametrize(
    "source",
    [
        "![x](https://tracker.example/pixel.png)",
        "![x](/media/stories/images/../../accounts/logout/)",
        "![x](/media/stories/images/cat.png?next=/elsewhere)",
        "![x](/static/other.png)",
        "![x](data:image/png;base64,AAAA)",
        '<img src="/media/stories/images/cat.png" onerror="alert(1)">',
    ],
)
def test_images_from_anywhere_else_are_removed(source):
    html = render_markdown(source, images_from=IMAGES)
    assert "<img" not in html


def test_a_text_rendered_again_is_the_same_safe_html_and_images_still_depend_on_the_folder():
    text = "Hi <script>alert(1)</script> ![us](/media/stories/images/a.jpg)"
    first, again = render_markdown(text), render_markdown(text)
    assert first == again and "<script>" not in again and "<img" not in again
    with_images = render_markdown(text, images_from="/media/stories/images/")
    assert '<img src="/media/stories/images/a.jpg"' in with_images
    assert "<img" not in render_markdown(text)
