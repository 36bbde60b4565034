"""The one way this site fetches a web address someone else typed: link previews, feeds.

A URL from a user can point anywhere, including at this server, the office
network behind it or a cloud provider's metadata service (server-side request
forgery). So every hop of a fetch is checked before any connection is made:

- only http and https, no user:password, a host, a sane length;
- the host name is resolved exactly once, and the fetch is refused if any of
  its addresses is not a public unicast address (a name that answers with one
  public and one private address is refused, not half-trusted);
- the connection goes to the address that was checked, never to the name, so
  a second DNS answer cannot swap in a private address (DNS rebinding). The
  real name still travels in the Host header and in TLS (SNI and certificate
  checks), so virtual hosts and HTTPS work as usual;
- redirects are followed by hand, each one checked the same way;
- a few exact addresses may be let through although their host is not
  public (FETCH_ALLOWED_URLS, and the demo's own news feeds when this site
  serves them): the scheme, host, port and start of the path must all match,
  on every hop, so nothing else on that host (another port, another path,
  a redirect elsewhere) is reached through them;
- time and size are capped: an overall deadline across all hops and the body,
  and the body is streamed and abandoned as soon as it is too big.

Error messages are for people: they say what was wrong with the address or
the site in plain words, so they can be shown next to the form field.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import httpx
from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Sequence[IPAddress]]

MAX_URL_LENGTH = 2_000
DEFAULT_MAX_BYTES = 2 * 1_048_576  # a web page or a feed; not a download
DEFAULT_TIMEOUT = 10.0  # seconds for the whole fetch, redirects and body included
CONNECT_TIMEOUT = 5.0  # seconds for one connection (TCP and TLS)
READ_TIMEOUT = 5.0  # seconds of silence allowed between two pieces of the answer
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "BigSocNorth-fetcher/1.0 (link previews and feeds)"
# Headers that must not follow a redirect to another site.
PRIVATE_HEADERS = {"authorization", "cookie", "proxy-authorization"}
_REDIRECTED_ELSEWHERE = "The site redirected to an address we cannot use."
# Where this site serves the demo's news feeds (stories.demo_feed_views) when
# SERVE_DEMO_FEEDS is on; the fetcher may then reach exactly SITE_URL + this.
DEMO_FEEDS_PATH = "/demo/feeds/"
# What may follow an allowed address's path: plain names, no "." or ".."
# segments and no percent-escapes, which a server could turn into either.
_ALLOWED_PATH_REST = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/?)*")

# Ranges Python's ipaddress flags as global (or not precisely enough), named so
# the refusal can say which one it was.
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
BENCHMARKING = (ipaddress.ip_network("198.18.0.0/15"), ipaddress.ip_network("2001:2::/48"))
DOCUMENTATION = (
    ipaddress.ip_network("192.0.2.0/24"),
    ipaddress.ip_network("198.51.100.0/24"),
    ipaddress.ip_network("203.0.113.0/24"),
    ipaddress.ip_network("233.252.0.0/24"),
    ipaddress.ip_network("2001:db8::/32"),
    ipaddress.ip_network("3fff::/20"),
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # IPv6 that stands for an IPv4 address
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d
BROADCAST = ipaddress.ip_address("255.255.255.255")


class FetchError(Exception):
    """A fetch did not give an answer; str(error) is a sentence to show a person."""


class FetchRefused(FetchError):
    """We would not try: the address, or where it leads, is not allowed."""


class FetchFailed(FetchError):
    """We tried and the site did not give a usable answer in time and size."""


class FetchTooBig(FetchFailed):
    """The answer was bigger than the caller allowed; reading stopped there."""


@dataclass(frozen=True)
class FetchResult:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    headers: httpx.Headers  # case-insensitive, as the site sent them
    content: bytes  # the body as sent (we ask for it uncompressed)
    redirects: tuple[str, ...] = ()  # every URL visited before final_url, in order


def fetch(
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    max_redirects: int = 5,
    headers: Mapping[str, str] | None = None,
    resolve: Resolver | None = None,
    allowed_networks: Iterable[IPNetwork] | None = None,
    allowed_urls: Iterable[str] | None = None,
) -> FetchResult:
    """GET a public web address, following up to max_redirects redirects.

    Raises FetchRefused when the address (or a redirect) is not allowed and
    FetchFailed when the site cannot be reached or answers too slowly or too
    much. Any final status is returned, 404 and 500 included: callers such as
    feed polling treat 304 or 410 differently from an error.

    resolve is for tests only: a stand-in for DNS. allowed_networks are
    networks that are let through although they are not public (such as a
    local test server's 127.0.0.2/32); by default the FETCH_ALLOWED_NETWORKS
    setting, which is empty in production. allowed_urls are exact addresses
    (scheme, host, port and start of the path) let through although their host
    is not public; by default `allowed_url_prefixes()`. Production code passes
    none of these.
    """
    resolve = resolve or resolve_host
    if allowed_networks is None:
        allowed_networks = getattr(settings, "FETCH_ALLOWED_NETWORKS", ())
    allowed = _Allowed(
        networks=tuple(allowed_networks),
        urls=_parsed_prefixes(allowed_url_prefixes() if allowed_urls is None else allowed_urls),
    )
    deadline = time.monotonic() + timeout
    request_headers = {"User-Agent": USER_AGENT}
    for name, value in (headers or {}).items():
        if name.lower() not in ("host", "accept-encoding", "user-agent"):
            request_headers[name] = value
        elif name.lower() == "user-agent":
            request_headers["User-Agent"] = value
    # Compressed bodies could expand far beyond max_bytes once decoded.
    request_headers["Accept-Encoding"] = "identity"

    current = _parse(url)
    visited: list[str] = []
    while True:
        try:
            address = _check_and_resolve(current, resolve=resolve, allowed=allowed)
        except FetchRefused as refused:
            if not visited:
                raise
            raise FetchRefused(f"{_REDIRECTED_ELSEWHERE} {refused}") from None
        response = _get(current, address, request_headers, deadline=deadline, max_bytes=max_bytes)
        if isinstance(response, FetchResult):
            return FetchResult(
                url=url,
                final_url=str(current),
                status=response.status,
                headers=response.headers,
                content=response.content,
                redirects=tuple(visited),
            )
        visited.append(str(current))
        if len(visited) > max_redirects:
            raise FetchFailed(
                f"The site redirected more than {max_redirects} times, so we stopped following it."
            )
        try:
            following = _parse(str(current.join(response)))  # Location may be relative
        except httpx.InvalidURL:
            raise FetchRefused(f"{_REDIRECTED_ELSEWHERE} It is not a web address.") from None
        except FetchRefused as refused:
            raise FetchRefused(f"{_REDIRECTED_ELSEWHERE} {refused}") from None
        if str(following) in visited:
            raise FetchFailed("The site redirects in a loop, so it never gives a page.")
        if following.scheme != current.scheme or following.netloc != current.netloc:
            request_headers = {
                name: value
                for name, value in request_headers.items()
                if name.lower() not in PRIVATE_HEADERS
            }
        current = following


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address DNS gives for host (the real resolver; tests pass their own)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchFailed(
            f"We could not find the site {host}. Check the address is spelt correctly."
        ) from None
    # sockaddr[0] may carry an IPv6 zone ("fe80::1%eth0"); ipaddress keeps it.
    return [ipaddress.ip_address(sockaddr[0]) for *_, sockaddr in answers]


def address_refusal(address: IPAddress) -> str | None:
    """Why address may not be fetched from, in plain words, or None if it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        # IPv6 forms that stand for an IPv4 address are judged by that address.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
        if embedded is not None:
            return address_refusal(embedded)
        if address.teredo is not None:
            return "That address is a Teredo tunnel, which can lead anywhere."
        if address in LOCAL_NAT64 or (
            address in IPV4_COMPATIBLE and not (address.is_loopback or address.is_unspecified)
        ):
            return "That address is an old or local IPv6 translation of another address."
        if address.is_site_local:
            return "That address is on a private network."
    if address.is_unspecified:
        return "That address means “this computer”, not a website."
    if address.is_loopback:
        return "That address is this server itself."
    if address.is_link_local:
        return "That address is link-local: only reachable inside one network, like cloud metadata."
    if address.is_multicast or address == BROADCAST:
        return "That address sends to a group of machines, not to one website."
    if address in SHARED_ADDRESS_SPACE:
        return "That address is inside an internet provider's own network."
    if any(address in network for network in BENCHMARKING):
        return "That address is reserved for network testing."
    if any(address in network for network in DOCUMENTATION):
        return "That address is reserved for examples in documentation."
    if address.is_private:
        return "That address is on a private network."
    if address.is_reserved:
        return "That address is reserved and not used on the internet."
    if not address.is_global:
        return "That address is not a public internet address."
    return None


def _parse(url: str) -> httpx.URL:
    if len(url) > MAX_URL_LENGTH:
        raise FetchRefused(
            f"That web address is {len(url):,} characters long; it can be at most "
            f"{MAX_URL_LENGTH:,}."
        )
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchRefused("That is not a web address we can read.") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchRefused("Only web addresses starting with http:// or https:// can be fetched.")
    if parsed.userinfo:
        raise FetchRefused(
            "Web addresses with a user name or password in them cannot be fetched. "
            "Remove the part before the @."
        )
    if not parsed.host:
        raise FetchRefused("That web address has no site name in it.")
    return parsed.copy_with(fragment=None)  # never sent to a server anyway


# Names that always mean this machine or its network, whatever DNS says.
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


def url_refusal(
    url: str,
    *,
    allowed_networks: Iterable[IPNetwork] | None = None,
    allowed_urls: Iterable[str] | None = None,
) -> str | None:
    """Why a web address a person gives may not be kept as a public link, or None.

    Checked without DNS when the address is given (a form, the API): not a
    web address, a password in it, a private or local address written out,
    or a name that only means a local network. What a public name resolves
    to is checked again by `fetch`, every time anything is fetched.
    `allowed_networks` and `allowed_urls` are let through as in `fetch`
    (FETCH_ALLOWED_NETWORKS and `allowed_url_prefixes()` by default).
    """
    if allowed_networks is None:
        allowed_networks = getattr(settings, "FETCH_ALLOWED_NETWORKS", ())
    try:
        parsed = _parse(url)
    except FetchRefused as refused:
        return str(refused)
    prefixes = allowed_url_prefixes() if allowed_urls is None else allowed_urls
    if _is_allowed_url(parsed, _parsed_prefixes(prefixes)):
        return None
    host = parsed.host.lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if "." not in host or host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES):
            return "That address is on a local network, not a public website."
        return None
    if any(address in network for network in allowed_networks):
        return None
    return address_refusal(address)


def allowed_url_prefixes() -> list[str]:
    """The exact addresses the fetcher may reach although their host is not public.

    FETCH_ALLOWED_URLS, and this site's own demo news feeds (SITE_URL followed
    by /demo/feeds/) while it serves them (SERVE_DEMO_FEEDS): `make run` polls
    those from itself, and nothing else on its address.
    """
    prefixes = list(getattr(settings, "FETCH_ALLOWED_URLS", ()))
    if getattr(settings, "SERVE_DEMO_FEEDS", False):
        prefixes.append(settings.SITE_URL.rstrip("/") + DEMO_FEEDS_PATH)
    return prefixes


@dataclass(frozen=True)
class _AllowedURL:
    scheme: str
    host: str
    port: int
    path: str  # as given: the address itself, or the folder when it ends with "/"


@dataclass(frozen=True)
class _Allowed:
    networks: tuple[IPNetwork, ...]
    urls: tuple[_AllowedURL, ...]


def _parsed_prefixes(prefixes: Iterable[str]) -> tuple[_AllowedURL, ...]:
    parsed = []
    for prefix in prefixes:
        url = httpx.URL(prefix)
        path = url.raw_path.decode("ascii").split("?", 1)[0]
        parsed.append(
            _AllowedURL(
                scheme=url.scheme,
                host=url.raw_host.decode("ascii").lower(),
                port=_port(url),
                path=path,
            )
        )
    return tuple(parsed)


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _is_allowed_url(url: httpx.URL, allowed_urls: tuple[_AllowedURL, ...]) -> bool:
    """Whether url is one of the allowed addresses or under it: the same scheme,
    host and port, and its path, or that path followed by "/" and plain names."""
    host = url.raw_host.decode("ascii").lower()
    path = url.raw_path.decode("ascii").split("?", 1)[0]
    for allowed in allowed_urls:
        if (url.scheme, host, _port(url)) != (allowed.scheme, allowed.host, allowed.port):
            continue
        folder = allowed.path if allowed.path.endswith("/") else f"{allowed.path}/"
        if path == allowed.path or (
            path.startswith(folder) and _ALLOWED_PATH_REST.fullmatch(path[len(folder) :])
        ):
            return True
    return False


def _check_and_resolve(url: httpx.URL, *, resolve: Resolver, allowed: _Allowed) -> IPAddress:
    """The one address to connect to, after every address of the host was checked.

    An allowed address (FETCH_ALLOWED_URLS, the demo feeds) is let through
    whatever its host resolves to: the connection goes to that host, on that
    port, for that path, and a redirect from it is checked again from scratch.
    """
    host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS and TLS see it
    port = _port(url)
    try:
        addresses = [ipaddress.ip_address(host)]  # a literal address needs no DNS
        literal = True
    except ValueError:
        addresses = list(resolve(host, port))
        literal = False
        if not addresses:
            raise FetchFailed(
                f"We could not find the site {host}. Check the address is spelt correctly."
            ) from None
    if _is_allowed_url(url, allowed.urls):
        return addresses[0]
    for address in addresses:
        if any(address in network for network in allowed.networks):
            continue
        reason = address_refusal(address)
        if reason is not None:
            if literal:
                raise FetchRefused(reason)
            raise FetchRefused(f"{host} leads to {address}. {reason}")
    return addresses[0]


def _get(
    url: httpx.URL,
    address: IPAddress,
    headers: dict[str, str],
    *,
    deadline: float,
    max_bytes: int,
) -> FetchResult | str:
    """One request to the checked address: a result, or the Location to go to next."""
    host = url.raw_host.decode("ascii")
    host_header = f"[{host}]" if ":" in host else host
    if url.port is not None:  # httpx drops the scheme's default port
        host_header = f"{host_header}:{url.port}"
    extensions = {"sni_hostname": host} if url.scheme == "https" else {}
    remaining = _remaining(deadline)
    limits = httpx.Timeout(
        connect=min(CONNECT_TIMEOUT, remaining),
        read=min(READ_TIMEOUT, remaining),
        write=min(READ_TIMEOUT, remaining),
        pool=min(CONNECT_TIMEOUT, remaining),
    )
    # A fresh client per hop: no connection pool, so a TLS connection checked
    # for one name is never reused for another name on the same address; no
    # proxies or .netrc from the environment either.
    transport = httpx.HTTPTransport(verify=True, trust_env=False, retries=0)
    try:
        with (
            httpx.Client(transport=transport, trust_env=False, follow_redirects=False) as client,
            client.stream(
                "GET",
                url.copy_with(host=str(address)),
                headers={**headers, "Host": host_header},
                extensions=extensions,
                timeout=limits,
            ) as response,
        ):
            location = response.headers.get("Location")
            if response.status_code in REDIRECT_STATUSES and location:
                return location
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise _too_big(max_bytes)
            body = bytearray()
            for chunk in response.iter_raw():
                body += chunk
                if len(body) > max_bytes:
                    raise _too_big(max_bytes)
                _remaining(deadline)
            return FetchResult(
                url=str(url),
                final_url=str(url),
                status=response.status_code,
                headers=response.headers,
                content=bytes(body),
            )
    except httpx.TimeoutException:
        raise _too_slow() from None
    except httpx.ConnectError as error:
        if _caused_by(error, ssl.SSLError):
            raise FetchFailed(
                f"The secure connection to {host} could not be checked: its certificate "
                "is not valid for that name or has expired."
            ) from None
        raise FetchFailed(f"We could not connect to {host}. The site may be down.") from None
    except httpx.RemoteProtocolError as error:
        # httpx parses Location even with follow_redirects=False, and says so this way.
        if "location header" in str(error).lower():
            raise FetchRefused(f"{_REDIRECTED_ELSEWHERE} It is not a web address.") from None
        raise FetchFailed(f"The connection to {host} broke before the page arrived.") from None
    except (httpx.TransportError, httpx.DecodingError):
        raise FetchFailed(f"The connection to {host} broke before the page arrived.") from None


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _too_slow()
    return left


def _too_slow() -> FetchFailed:
    return FetchFailed("The site took too long to answer, so we gave up.")


def _too_big(max_bytes: int) -> FetchTooBig:
    return FetchTooBig(f"The page is larger than {max_bytes:,} bytes, so we stopped reading it.")


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
