"""Web addresses people give as links: refused at once when they name a local or private place."""

from __future__ import annotations

import ipaddress

import pytest

from bigsocnorth.core.fetch import url_refusal


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/admin",
        "http://LOCALHOST./",
        "http://printer.local/",
        "http://intranet/",
        "http://127.0.0.1:8000/",
        "http://10.1.2.3/minutes.pdf",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",
        "ftp://council.example/minutes",
        "javascript:alert(1)",
        "https://user:secret@council.example/",
        "not a web address",
        "https://" + "a" * 3000 + ".example/",
    ],
)
def test_local_private_and_odd_addresses_are_refused_with_a_reason(url):
    reason = url_refusal(url)
    assert reason and reason[0].isupper()


@pytest.mark.parametrize(
    "url", ["https://democracy.leeds.gov.uk/ieListDocuments.aspx?CId=102", "http://8.8.8.8/"]
)
def test_public_addresses_pass(url):
    assert url_refusal(url) is None


def test_networks_allowed_by_settings_pass(settings):
    settings.FETCH_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.2/32"),)
    assert url_refusal("http://127.0.0.2:8123/page") is None
    assert url_refusal("http://127.0.0.1:8123/page") is not None
