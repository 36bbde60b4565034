"""What makes a post wait for a moderator, however trusted its author: safeguarding.

Two things are looked for in a post's words. Risky situations (children,
medication, money, keys, a visit to someone's home) are not refused: they are
often exactly where help is needed, but a moderator reads them first and the
poster sees the guidance. Personal details (a phone number, an email address,
a postcode or a house address) should never be public: the poster is warned,
and the post waits so a moderator can ask for them to be taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_RISKS = {
    "children": r"\b(child|children|kids?|toddlers?|bab(y|ies)|school ?run|under[- ]?(16|18)s?)\b",
    "medication": r"\b(medication|medicines?|prescriptions?|pills|insulin)\b",
    "money": r"\b(money|cash|bank (details|account|card)|pin number|card details)\b|£\s?\d",
    "keys": r"\b(keys|key ?safe|(house|door|front door) key)\b",
    "a home visit": (
        r"\b(home visits?|come (round|over) to my|visit (me|us) at home|my house|my flat)\b"
    ),
}
_RISK_PATTERNS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in _RISKS.items()}

_DETAILS = {
    "a phone number": re.compile(r"(?<!\d)(\+44\s?|0)(\d[\s-]?){9,10}(?!\d)"),
    "an email address": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "a postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    "an address": re.compile(
        r"\b\d{1,4}[a-z]?,?\s+[A-Z][a-z]+(\s[A-Z][a-z]+)?\s"
        r"(Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Crescent|Drive|Terrace|Grove|Way|Court)\b"
    ),
}


@dataclass(frozen=True)
class Concerns:
    risks: tuple[str, ...]
    details: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.risks or self.details)

    def reason(self) -> str:
        """For the moderator and the poster: why the post waits (empty when it need not)."""
        parts = []
        if self.risks:
            parts.append(_("mentions %(things)s") % {"things": ", ".join(self.risks)})
        if self.details:
            parts.append(_("seems to include %(things)s") % {"things": ", ".join(self.details)})
        return "; ".join(parts)


def concerns_find(*texts: str) -> Concerns:
    text = "\n".join(texts)
    return Concerns(
        risks=tuple(name for name, pattern in _RISK_PATTERNS.items() if pattern.search(text)),
        details=tuple(name for name, pattern in _DETAILS.items() if pattern.search(text)),
    )
