import pytest

from bigsocnorth.stories.canonical import canonical_key


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/news/a",
        "http://example.org/news/a",
        "https://www.example.org/news/a",
        "https://EXAMPLE.org/news/a/",
        "https://example.org:443/news/a",
        "https://example.org/news/a#comments",
        "https://example.org/news/a?utm_source=twitter&utm_medium=social",
        "https://example.org/news/a?fbclid=abc123",
        "  https://example.org./news/a  ",
    ],
)
def test_spellings_of_one_address_share_a_key(url):
    assert canonical_key(url) == "https://example.org/news/a"


def test_what_picks_the_page_is_kept():
    assert canonical_key("https://example.org/story?id=5&utm_source=x") == (
        "https://example.org/story?id=5"
    )
    assert canonical_key("https://example.org/story?id=5") != canonical_key(
        "https://example.org/story?id=6"
    )
    assert canonical_key("https://example.org:8080/a") == "https://example.org:8080/a"
    # Paths are case-sensitive on most servers.
    assert canonical_key("https://example.org/A") != canonical_key("https://example.org/a")


@pytest.mark.parametrize(
    "url",
    ["", "not a url", "javascript:alert(1)", "ftp://example.org/a", "https://", "http://[::1"],
)
def test_what_is_not_a_web_address_has_no_key(url):
    assert canonical_key(url) == ""
