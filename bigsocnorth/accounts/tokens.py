"""Personal API token secrets: how they are made, hashed and recognised.

A secret looks like `bsn_<prefix>_<random>`. The prefix is stored in clear so
a token can be found (and recognised by its owner) without the secret; only
a SHA-256 hash of the whole secret is stored. Tokens carry 256 random bits,
so a plain hash (no salt, no slow KDF) is enough to make a leaked database
useless for calling the API.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

SCHEME = "bsn"
PREFIX_LENGTH = 8
_PREFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class ParsedSecret:
    prefix: str
    secret: str


def token_generate() -> tuple[str, str]:
    """A new (prefix, secret) pair. The secret is shown to its owner once."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    return prefix, f"{SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_parse(secret: str) -> ParsedSecret | None:
    """The prefix of a well-formed secret, or None for anything else."""
    if not isinstance(secret, str) or len(secret) > 200:
        return None
    parts = secret.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != SCHEME:
        return None
    prefix, random_part = parts[1], parts[2]
    if len(prefix) != PREFIX_LENGTH or not random_part:
        return None
    if any(char not in _PREFIX_ALPHABET for char in prefix):
        return None
    return ParsedSecret(prefix=prefix, secret=secret.strip())


def token_matches(*, secret: str, key_hash: str) -> bool:
    """Constant-time comparison of a presented secret with a stored hash."""
    return hmac.compare_digest(token_hash(secret), key_hash)
