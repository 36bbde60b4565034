"""The production settings, end to end: collectstatic, then the server `make run` starts.

docs/operations.md deploys with DEBUG=false; this runs that set-up (and the one
`make run` uses, production mode over plain HTTP on the local address) against
the test database, so a change that breaks a deploy fails here first.
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from bigsocnorth.core.tests.test_concurrent_writes import _child_env
from bigsocnorth.core.tests.test_serve import _free_port

pytestmark = pytest.mark.django_db(transaction=True)


def _get(url: str, **headers: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One GET, redirects not followed; the headers answered are case-insensitive."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _production_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    env = _child_env()
    for name in ("SECRET_KEY_FILE", "SERVE_MEDIA", "SERVE_DEMO_FEEDS", "SECURE_SSL_REDIRECT"):
        env.pop(name, None)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://bigsocnorth.example.org",
        VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """STATIC_ROOT filled by collectstatic with the production settings, once."""
    var_dir = tmp_path_factory.mktemp("production")
    env = _production_env(var_dir)
    env.pop("DATABASE_URL", None)  # collectstatic needs no database
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return var_dir


@contextmanager
def _serving(env: dict[str, str]):
    """`manage.py serve` (what `make run` runs) with `env`; yields its address."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = _get(f"{base}/healthz", **{"X-Forwarded-Proto": "https"})
                if status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None:
                pytest.fail(f"The server stopped: {process.communicate()[0]}")
            time.sleep(0.3)
        else:
            pytest.fail("The server did not answer /healthz within a minute.")
        yield base
    finally:
        process.terminate()
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def _stylesheet(html: str) -> str:
    match = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html)
    assert match, "the page links a hashed stylesheet"
    return match.group(1)


def test_behind_a_tls_proxy_as_docs_operations_deploys(collected):
    manifest = json.loads((collected / "static" / "staticfiles.json").read_text())
    assert "css/site.css" in manifest["paths"]

    with _serving(_production_env(collected)) as base:
        https = {"X-Forwarded-Proto": "https"}

        status, headers, _ = _get(f"{base}/")
        assert status == 301
        assert headers["Location"] == base.replace("http://", "https://") + "/"

        status, headers, body = _get(f"{base}/", **https)
        html = body.decode()
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "Content-Security-Policy" in headers
        assert "<h1" in html and "Traceback" not in html

        # Static files: hashed, compressed, cached for a year.
        status, headers, body = _get(
            f"{base}{_stylesheet(html)}", **https, **{"Accept-Encoding": "br, gzip"}
        )
        assert status == 200
        assert headers["Content-Encoding"] == "br"
        assert "immutable" in headers["Cache-Control"]
        assert "max-age=315360000" in headers["Cache-Control"]
        plain = (collected / "static" / "css" / "site.css").stat().st_size
        assert len(body) < plain / 3

        # Errors are the branded pages, never Django's debug pages.
        status, _, body = _get(f"{base}/no-such-page/", **https)
        html = body.decode()
        assert status == 404
        assert "Page not found" in html and '<header class="site-header">' in html
        assert "URLconf" not in html and "DEBUG = True" not in html

        # A host the site does not answer to is refused, not served.
        status, _, _ = _get(f"{base}/", **https, Host="evil.example.com")
        assert status == 400

        # Without SERVE_MEDIA and SERVE_DEMO_FEEDS, neither is served.
        assert _get(f"{base}/demo/feeds/calder-corner.xml", **https)[0] == 404


def test_make_run_serves_production_mode_over_plain_http(collected):
    media = collected / "media"
    (media / "stories").mkdir(parents=True)
    (media / "stories" / "photo.txt").write_text("an uploaded file")
    env = _production_env(
        collected,
        SITE_URL="http://127.0.0.1:8000",
        SERVE_MEDIA="true",
        SERVE_DEMO_FEEDS="true",
        MEDIA_ROOT=str(media),
    )
    with _serving(env) as base:
        status, headers, body = _get(f"{base}/")
        assert status == 200  # no redirect to HTTPS
        assert "Strict-Transport-Security" not in headers
        _stylesheet(body.decode())

        status, headers, _ = _get(f"{base}/accounts/login/")
        assert status == 200
        cookies = headers.get_all("Set-Cookie") or []
        assert any(cookie.startswith("csrftoken=") for cookie in cookies)
        assert not any("secure" in cookie.lower() for cookie in cookies)

        status, _, body = _get(f"{base}/media/stories/photo.txt")
        assert (status, body) == (200, b"an uploaded file")
        (collected / "outside.txt").write_text("not for the public")
        for escape in ("/media/../outside.txt", "/media/%2e%2e/outside.txt"):
            status, _, body = _get(f"{base}{escape}")
            assert status in {400, 404} and b"not for the public" not in body

        status, headers, _ = _get(f"{base}/demo/feeds/calder-corner.xml")
        assert status == 200 and "xml" in headers["Content-Type"]

        status, _, body = _get(f"{base}/no-such-page/")
        assert status == 404 and "Page not found" in body.decode()
