"""The design tokens as data: colours read from site.css, and their contrast.

The colours live once, as CSS custom properties at the top of site.css. The
/design/ page shows them with their contrast ratios, and a test holds every
pair the site uses to WCAG 2.2 AA (4.5:1 for text, 3:1 for large text,
user interface components and focus indicators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

SITE_CSS = Path(settings.BASE_DIR) / "bigsocnorth" / "static" / "css" / "site.css"

_ROOT_BLOCK = re.compile(r":root\s*\{(?P<body>.*?)\}", re.DOTALL)
_PROPERTY = re.compile(r"--(?P<name>[a-z0-9-]+)\s*:\s*(?P<value>[^;]+);")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

TEXT = 4.5
NON_TEXT = 3.0


@dataclass(frozen=True)
class Pair:
    """A foreground on a background, where the site puts one on the other."""

    foreground: str
    background: str
    use: str
    minimum: float = TEXT


# Every pairing of colour tokens the stylesheet uses for text, controls and focus.
PAIRS: tuple[Pair, ...] = (
    Pair("ink", "paper", "Body text"),
    Pair("ink", "paper-tint", "Text on tinted panels"),
    Pair("ink-soft", "paper", "Secondary text (meta, help)"),
    Pair("ink-soft", "paper-tint", "Secondary text on tinted panels"),
    Pair("link", "paper", "Links"),
    Pair("link", "paper-tint", "Links on tinted panels"),
    Pair("link-hover", "paper", "Links, hovered"),
    Pair("heading", "paper", "Headings"),
    Pair("on-brand", "brand", "Primary button text"),
    Pair("on-brand", "brand-dark", "Primary button text, hovered; header text"),
    Pair("brand", "paper", "Secondary button text and border", TEXT),
    Pair("on-accent", "accent", "Badge text on the accent"),
    Pair("accent-text", "paper", "Accent text"),
    Pair("on-danger", "danger", "Danger button text"),
    Pair("danger", "paper", "Error text"),
    Pair("success-text", "success-bg", "Success notice text"),
    Pair("warning-text", "warning-bg", "Warning notice text"),
    Pair("danger", "danger-bg", "Error notice text"),
    Pair("info-text", "info-bg", "Information notice text"),
    Pair("control-border", "paper", "Form field borders", NON_TEXT),
    Pair("focus-ring", "paper", "Focus ring (inner) on the page", NON_TEXT),
    Pair("focus-halo", "brand-dark", "Focus ring (outer) on the header", NON_TEXT),
    Pair("focus-halo", "brand", "Focus ring (outer) on a primary button", NON_TEXT),
    Pair("ink", "focus-halo", "Skip link text"),
    Pair("ink", "highlight", "Marked search words"),
)


def parse_tokens(css: str) -> dict[str, str]:
    """The custom properties of the first `:root { }` block, by name without "--"."""
    match = _ROOT_BLOCK.search(css)
    if match is None:
        return {}
    return {m["name"]: m["value"].strip() for m in _PROPERTY.finditer(match["body"])}


def resolve(tokens: dict[str, str], name: str) -> str:
    """A token's literal value, following `var(--other)` references."""
    value = tokens[name]
    seen = {name}
    while value.startswith("var(--"):
        name = value[len("var(--") :].rstrip(")").strip()
        if name in seen:
            raise ValueError(f"The token --{name} refers to itself.")
        seen.add(name)
        value = tokens[name]
    return value


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    if not _HEX.match(hex_colour):
        raise ValueError(f"Not a #rgb or #rrggbb colour: {hex_colour!r}")
    digits = hex_colour[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class Swatch:
    name: str
    value: str


@dataclass(frozen=True)
class CheckedPair:
    pair: Pair
    foreground: str
    background: str
    ratio: float

    @property
    def passes(self) -> bool:
        return self.ratio >= self.pair.minimum


def check_pairs(tokens: dict[str, str]) -> list[CheckedPair]:
    checked = []
    for pair in PAIRS:
        foreground = resolve(tokens, pair.foreground)
        background = resolve(tokens, pair.background)
        checked.append(
            CheckedPair(pair, foreground, background, contrast_ratio(foreground, background))
        )
    return checked


@cache
def design_tokens() -> dict[str, str]:
    """site.css's tokens, read once per process (the file does not change while serving)."""
    return parse_tokens(SITE_CSS.read_text(encoding="utf-8"))


def colour_swatches(tokens: dict[str, str]) -> list[Swatch]:
    """Every token whose value is (or refers to) a #rrggbb colour, in the file's order."""
    swatches = []
    for name in tokens:
        value = resolve(tokens, name)
        if _HEX.match(value):
            swatches.append(Swatch(name, value))
    return swatches
