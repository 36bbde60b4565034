"""Lighthouse and page weight: the home, map, entry and story pages, as production serves them.

A server of its own (granian, DEBUG off, compressed static files through
whitenoise) over a fresh database with the demo data. For each page:

- Lighthouse (from npm, bench/lighthouse, installed on first use with
  `npm ci`) drives Debian's Chromium with its default mobile settings
  (simulated slow 4G and a mid-range phone) and reports the performance and
  accessibility scores; the budget is 95 for each;
- the page weight: the HTML, and the CSS and the site's own JavaScript it
  loads (Leaflet and d3 aside), each as sent compressed; the budget for CSS
  and own JavaScript is 60 KB.

Map tiles come from the internet, which a benchmark never reaches: the tile
address points at this server, which answers 404 at once.

    .venv/bin/python -m bench bench_lighthouse
"""

# Runs our own server, npm and node with fixed arguments; nothing comes from outside.
# ruff: noqa: S603, S607

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)
SCORE_BUDGET = 95
ASSET_BUDGET_BYTES = 60 * 1024
# Third-party libraries, counted apart from the budget for the site's own assets.
THIRD_PARTY = ("/vendor/", "/ninja/")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, *, compressed: bool = False) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept-Encoding": "br, gzip"} if compressed else {}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    return response.status, body, {key.lower(): value for key, value in response.getheaders()}


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if _get(port, "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("The server did not start within 90 s.")


def _first_link(port: int, list_path: str, prefix: str) -> str:
    html = _get(port, list_path)[1].decode()
    for href in re.findall(rf'href="({re.escape(prefix)}[a-z0-9-]+/)"', html):
        if not href.endswith(("/new/", "/share/", "/networks/", "/feeds/")):
            return href
    raise RuntimeError(f"No page linked from {list_path} under {prefix}.")


def _weight(port: int, path: str) -> dict:
    status, html, headers = _get(port, path, compressed=True)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}.")
    text = _get(port, path)[1].decode()
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
    assets += re.findall(r'<script src="([^"]+)"', text)
    own = third_party = 0
    for asset in dict.fromkeys(assets):
        asset_status, body, _headers = _get(port, asset, compressed=True)
        if asset_status != 200:
            raise RuntimeError(f"{asset} (from {path}) answered {asset_status}.")
        if any(part in asset for part in THIRD_PARTY):
            third_party += len(body)
        else:
            own += len(body)
    return {
        "html": len(html),
        "html_encoding": headers.get("content-encoding", "none"),
        "own": own,
        "third_party": third_party,
    }


def _lighthouse(url: str, report: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    subprocess.run(
        [
            "node", str(LIGHTHOUSE), url, "--quiet", "--output=json",
            f"--output-path={report}", "--only-categories=performance,accessibility",
            f"--chrome-flags={CHROMIUM_FLAGS}",
        ],
        check=True, env=env, timeout=300,
    )  # fmt: skip
    result = json.loads(report.read_text())
    scores = {key: round(100 * value["score"]) for key, value in result["categories"].items()}
    failed = [
        audit["id"]
        for audit in result["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") == "binary"
    ]
    return {"scores": scores, "failed": failed}


def _install_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=LIGHTHOUSE_DIR,
            check=True,
        )


def run() -> None:
    if not Path(CHROMIUM).exists() or shutil.which("node") is None:
        raise RuntimeError(f"This benchmark needs node and Chromium at {CHROMIUM}.")
    _install_lighthouse()
    port = _free_port()
    with tempfile.TemporaryDirectory() as var_dir:
        env = dict(
            os.environ,
            VAR_DIR=var_dir,
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(60),
            ALLOWED_HOSTS="127.0.0.1",
            # Plain HTTP on loopback, as make run: no redirect to https, no HSTS.
            SITE_URL=f"http://127.0.0.1:{port}",
            SERVE_MEDIA="true",
            MAP_TILE_URL=f"http://127.0.0.1:{port}/no-tiles/{{z}}/{{x}}/{{y}}.png",
        )
        env.pop("DATABASE_URL", None)
        python = sys.executable
        for command in (["prepare", "--demo-data"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run(
                [python, "manage.py", *command],
                cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        server = subprocess.Popen(
            [
                python, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
                "--port", str(port), "--workers", "2", "--no-ws", "--log-level", "warning",
                "config.wsgi:application",
            ],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            _wait_until_up(port)
            pages = {
                "home": "/",
                "map": "/map/",
                "entry": _first_link(port, "/directory/", "/directory/"),
                "story": _first_link(port, "/stories/", "/stories/"),
            }
            print("page | path | performance | accessibility | HTML (compressed) | CSS + own JS")
            print("| third-party JS and CSS | budgets")
            for name, path in pages.items():
                weight = _weight(port, path)
                with tempfile.NamedTemporaryFile(suffix=".json") as report:
                    audit = _lighthouse(f"http://127.0.0.1:{port}{path}", Path(report.name))
                performance = audit["scores"]["performance"]
                accessibility = audit["scores"]["accessibility"]
                met = (
                    performance >= SCORE_BUDGET
                    and accessibility >= SCORE_BUDGET
                    and weight["own"] <= ASSET_BUDGET_BYTES
                )
                print(
                    f"{name} | {path} | {performance} | {accessibility} | "
                    f"{weight['html'] / 1024:.1f} KB ({weight['html_encoding']}) | "
                    f"{weight['own'] / 1024:.1f} KB | {weight['third_party'] / 1024:.1f} KB | "
                    f"{'met' if met else 'MISSED'}"
                    + (
                        f" (audits below 0.9: {', '.join(audit['failed'])})"
                        if audit["failed"]
                        else ""
                    )
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
