"""The SSRF-safe fetcher against a real local server on 127.0.0.2; no internet."""

import contextlib
import ipaddress
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bigsocnorth.core.fetch import FetchError, FetchFailed, FetchRefused, address_refusal, fetch
from bigsocnorth.core.tests.local_server import local_http_server, record_connections

SERVER_HOST = "127.0.0.2"
TEST_SERVER = (ipaddress.ip_network("127.0.0.2/32"),)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_hosts: list[str] = []

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self.seen_hosts.append(self.headers.get("Host", ""))
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        getattr(self, "page_" + (parts.path.strip("/") or "hello"))(query)

    def handle(self):
        # The fetcher hangs up when it has had enough; that is the point of some pages.
        with contextlib.suppress(ConnectionError):
            super().handle()

    def send_body(self, body, status=200):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def page_hello(self, query):
        self.send_body(b"hello, north")

    def page_go(self, query):
        self.redirect(query["to"][0])

    def page_chain(self, query):
        left = int(query["n"][0])
        self.redirect(f"/chain?n={left - 1}") if left else self.send_body(b"the end")

    def page_loop(self, query):
        self.redirect("/loop")

    def page_claims_huge(self, query):
        self.send_response(200)
        self.send_header("Content-Length", str(10**12))
        self.end_headers()
        self.wfile.write(b"x" * 1000)

    def page_endless(self, query):
        # No Content-Length: the body ends when the connection closes.
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        for _ in range(4000):  # 64 MB at most, if the fetcher never stopped
            self.wfile.write(b"x" * 16_384)

    def page_chunked(self, query):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for _ in range(4000):
            self.wfile.write(b"4000\r\n" + b"x" * 16_384 + b"\r\n")
            time.sleep(0.001)  # in pieces, as a slow server would send them
        self.wfile.write(b"0\r\n\r\n")

    def page_silent(self, query):
        time.sleep(5)

    def page_trickle(self, query):
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.2)


@pytest.fixture(scope="module")
def server():
    with local_http_server(Handler) as url:
        yield url


@pytest.fixture
def connections(monkeypatch):
    return record_connections(monkeypatch)


def fake_dns(answers):
    calls = []

    def resolve(host, port):
        calls.append(host)
        return [ipaddress.ip_address(address) for address in answers[host]]

    resolve.calls = calls
    return resolve


def test_a_normal_fetch_returns_the_body_and_final_url(server):
    result = fetch(f"{server}/hello#fragment", allowed_networks=TEST_SERVER)
    assert result.status == 200
    assert result.content == b"hello, north"
    assert result.url == f"{server}/hello#fragment"
    assert result.final_url == f"{server}/hello"
    assert result.headers["content-length"] == "12"
    assert result.redirects == ()


def test_redirects_are_followed_and_recorded(server):
    result = fetch(f"{server}/chain?n=2", allowed_networks=TEST_SERVER)
    assert result.content == b"the end"
    assert result.final_url == f"{server}/chain?n=0"
    assert result.redirects == (f"{server}/chain?n=2", f"{server}/chain?n=1")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "this server itself"),
        ("http://localhost/", "this server itself"),
        ("http://[::1]/", "this server itself"),
        ("http://10.0.0.1/", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[::ffff:127.0.0.1]/", "this server itself"),
        ("http://0.0.0.0/", "“this computer”"),
        ("http://224.0.0.1/", "group of machines"),
        ("http://100.64.0.1/", "internet provider"),
        ("http://192.168.1.1:8080/admin", "private network"),
        ("http://[fd00::1]/", "private network"),
        ("http://[64:ff9b::10.0.0.1]/", "private network"),
        ("http://[2002:a00:1::]/", "private network"),
        ("http://198.18.0.1/", "network testing"),
        ("https://192.0.2.1/", "documentation"),
    ],
)
def test_non_public_addresses_are_refused_without_connecting(url, reason, connections):
    with pytest.raises(FetchRefused, match=reason):
        fetch(url)
    assert connections == []


def test_a_redirect_to_loopback_is_refused(server, connections):
    port = server.rsplit(":", 1)[1]
    with pytest.raises(FetchRefused, match=r"redirected.*this server itself"):
        fetch(f"{server}/go?to=http://127.0.0.1:{port}/hello", allowed_networks=TEST_SERVER)
    assert [host for host, _ in connections] == [SERVER_HOST]


def test_a_redirect_to_nonsense_is_refused(server):
    with pytest.raises(FetchRefused, match="redirected to an address we cannot use"):
        fetch(f"{server}/go?to=http://[::1/", allowed_networks=TEST_SERVER)


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://example.org/file"])
def test_a_redirect_to_another_scheme_is_refused(server, target):
    with pytest.raises(FetchRefused, match=r"redirected.*http:// or https://"):
        fetch(f"{server}/go?to={target}", allowed_networks=TEST_SERVER)


def test_a_name_that_resolves_to_a_private_address_is_refused(connections):
    resolve = fake_dns({"intranet.example": ["10.1.2.3"]})
    with pytest.raises(FetchRefused) as refused:
        fetch("http://intranet.example/", resolve=resolve)
    assert str(refused.value) == (
        "intranet.example leads to 10.1.2.3. That address is on a private network."
    )
    assert connections == []


def test_a_name_with_one_public_and_one_private_address_is_refused(connections):
    resolve = fake_dns({"mixed.example": ["93.184.215.14", "192.168.0.10"]})
    with pytest.raises(FetchRefused, match=re.escape("192.168.0.10")):
        fetch("https://mixed.example/", resolve=resolve)
    assert connections == []


def test_the_connection_goes_to_the_checked_address_with_the_real_host(server, connections):
    port = int(server.rsplit(":", 1)[1])
    resolve = fake_dns({"feeds.example": [SERVER_HOST], "news.example": [SERVER_HOST]})
    Handler.seen_hosts.clear()
    result = fetch(
        f"http://feeds.example:{port}/go?to=http://news.example:{port}/hello",
        resolve=resolve,
        allowed_networks=TEST_SERVER,
    )
    assert result.content == b"hello, north"
    assert result.final_url == f"http://news.example:{port}/hello"
    assert resolve.calls == ["feeds.example", "news.example"]  # once per hop
    assert connections == [(SERVER_HOST, port), (SERVER_HOST, port)]
    assert Handler.seen_hosts == [f"feeds.example:{port}", f"news.example:{port}"]


def test_https_asks_for_the_checked_address_under_the_real_name(monkeypatch):
    sent = []

    def capture(self, request):
        sent.append(request)
        raise httpx.ConnectError("stop here")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", capture)
    resolve = fake_dns({"secure.example": ["93.184.215.14"]})
    with pytest.raises(FetchFailed, match=re.escape("could not connect to secure.example")):
        fetch("https://secure.example/feed.xml?x=1", resolve=resolve)
    (request,) = sent
    assert str(request.url) == "https://93.184.215.14/feed.xml?x=1"
    assert request.headers["Host"] == "secure.example"
    assert request.extensions["sni_hostname"] == "secure.example"


def test_too_many_redirects_fail(server):
    with pytest.raises(FetchFailed, match="redirected more than 2 times"):
        fetch(f"{server}/chain?n=3", max_redirects=2, allowed_networks=TEST_SERVER)


def test_a_redirect_loop_fails(server):
    with pytest.raises(FetchFailed, match="redirects in a loop"):
        fetch(f"{server}/loop", allowed_networks=TEST_SERVER)


def test_a_body_announced_as_too_big_is_not_read(server):
    with pytest.raises(FetchFailed, match="larger than 10,000 bytes"):
        fetch(f"{server}/claims_huge", max_bytes=10_000, allowed_networks=TEST_SERVER)


@pytest.mark.parametrize("page", ["endless", "chunked"])
def test_a_body_without_a_length_stops_as_soon_as_it_is_too_big(server, page):
    tracemalloc.start()
    try:
        started = time.monotonic()
        with pytest.raises(FetchFailed, match="larger than 100,000 bytes"):
            fetch(f"{server}/{page}", max_bytes=100_000, allowed_networks=TEST_SERVER)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 2 * 1_048_576  # the server offered 64 MB


def test_a_server_that_never_answers_fails_within_the_deadline(server):
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="took too long"):
        fetch(f"{server}/silent", timeout=1, allowed_networks=TEST_SERVER)
    assert time.monotonic() - started < 1.5


def test_a_server_that_trickles_fails_within_the_deadline(server):
    # A byte every 0.2 s never trips the read timeout; only the overall deadline stops it.
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="took too long"):
        fetch(f"{server}/trickle", timeout=1, allowed_networks=TEST_SERVER)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "http:// or https://"),
        ("gopher://example.org/", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http://user@example.org/", "user name or password"),
        ("http:///path", "no site name"),
        ("http://example.org/" + "a" * 2000, "at most 2,000"),
    ],
)
def test_addresses_we_never_try(url, reason, connections):
    with pytest.raises(FetchRefused, match=reason):
        fetch(url, resolve=fake_dns({}))
    assert connections == []


def test_a_name_that_does_not_resolve_says_so(monkeypatch):
    def nowhere(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", nowhere)
    with pytest.raises(FetchFailed) as failed:
        fetch("http://nowhere.invalid/")
    assert str(failed.value) == (
        "We could not find the site nowhere.invalid. Check the address is spelt correctly."
    )
    with pytest.raises(FetchFailed, match=re.escape("could not find the site empty.example")):
        fetch("http://empty.example/", resolve=lambda host, port: [])


@pytest.mark.parametrize(
    "address",
    [
        "::ffff:10.0.0.1",
        "fec0::1",
        "ff0e::1",
        "2001::1",
        "3fff::1",
        "255.255.255.255",
        "::10.0.0.1",
    ],
)
def test_addresses_python_might_call_global_are_still_refused(address):
    assert address_refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2a00:1450:4009::200e", "64:ff9b::808:808"])
def test_public_addresses_are_allowed(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_every_message_is_a_plain_sentence(server):
    cases = [
        lambda: fetch("http://127.0.0.1/"),
        lambda: fetch("ftp://example.org/"),
        lambda: fetch(f"{server}/loop", allowed_networks=TEST_SERVER),
        lambda: fetch(f"{server}/claims_huge", max_bytes=10, allowed_networks=TEST_SERVER),
    ]
    for case in cases:
        with pytest.raises(FetchError) as error:
            case()
        message = str(error.value)
        assert message[0].isupper() and message.endswith(".")
        assert "Error" not in message and "errno" not in message.lower()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """An https server on 127.0.0.2 whose certificate names only secure.example."""
    if shutil.which("openssl") is None:
        pytest.fail("The TLS test makes its certificate with openssl: apt-get install openssl.")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=secure.example"),
            *("-addext", "subjectAltName=DNS:secure.example"),
        ],
        check=True,
        capture_output=True,
    )
    names = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    httpd = ThreadingHTTPServer((SERVER_HOST, 0), Handler)
    httpd.daemon_threads = True
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port, cert, names
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def trusting(monkeypatch, tls_server):
    """httpx verifies certificates against the test certificate instead of the public CAs."""
    _, cert, _ = tls_server
    real = httpx.HTTPTransport
    trust = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(httpx, "HTTPTransport", lambda **kw: real(**{**kw, "verify": trust}))


def test_https_uses_the_real_name_for_sni_and_the_certificate(tls_server, trusting, connections):
    port, _, names = tls_server
    resolve = fake_dns({"secure.example": [SERVER_HOST], "other.example": [SERVER_HOST]})
    names.clear()
    result = fetch(
        f"https://secure.example:{port}/hello", resolve=resolve, allowed_networks=TEST_SERVER
    )
    assert result.content == b"hello, north"
    assert names == ["secure.example"]
    assert connections == [(SERVER_HOST, port)]
    # The same server, reached under a name its certificate does not cover, is not trusted.
    with pytest.raises(FetchFailed, match="certificate is not valid for that name"):
        fetch(f"https://other.example:{port}/hello", resolve=resolve, allowed_networks=TEST_SERVER)
