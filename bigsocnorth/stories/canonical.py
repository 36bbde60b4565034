"""One spelling per story address, so the same story is never linked twice.

Two people sharing one article rarely paste the same text: one has
"https://www.example.org/news/a?utm_source=twitter#comments", the other
"http://example.org/news/a". `canonical_key` reduces both to the same key.
It is only ever compared, never fetched or shown.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that say how someone arrived, not which page it is.
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "ref_src", "ref_url",
    "_ga", "yclid", "twclid", "si", "s_cid", "cmpid",
}  # fmt: skip
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")


def canonical_key(url: str) -> str:
    """The address folded for comparing: scheme, "www.", case of the host, default
    ports, fragments, tracking parameters and a trailing slash make no difference.

    Returns "" for something that is not an http(s) address with a host.
    """
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in TRACKING_PARAMETERS
        and not name.lower().startswith(TRACKING_PREFIXES)
    ]
    # Both schemes give one key: sites serve the same story on http and https.
    return urlunsplit(("https", host, path, urlencode(query), ""))
