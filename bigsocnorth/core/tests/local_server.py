"""A real HTTP server on 127.0.0.2 for tests of outbound fetching (no internet, ever).

127.0.0.2 rather than 127.0.0.1: the fetcher must be told to allow it
(LOCAL_NETWORK), so a test that forgets proves the refusal instead.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCAL_HOST = "127.0.0.2"
LOCAL_NETWORK = ipaddress.ip_network(f"{LOCAL_HOST}/32")


@contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free port of 127.0.0.2 in a thread; yields the base URL."""
    httpd = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def record_connections(monkeypatch) -> list:
    """Every address a connection is opened to from now on (httpcore goes through this)."""
    opened: list = []
    real = socket.create_connection

    def recording(address, *args, **kwargs):
        opened.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    return opened
