"""Tidying text people type, before it is validated or stored."""

from __future__ import annotations

import unicodedata


def without_control_characters(value: str, *, keep_newlines: bool) -> str:
    """Drop NUL and other control characters (PostgreSQL rejects NUL in text)."""
    allowed = {"\n", "\t"} if keep_newlines else set()
    return "".join(
        char for char in value if char in allowed or unicodedata.category(char) not in ("Cc", "Cs")
    )
