"""schema.org JSON-LD in pages: each type builds its dict, this writes it safely."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script_content(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> element, safe like json_script."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308
