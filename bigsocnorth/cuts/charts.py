"""The cuts dashboards' charts, drawn on the server: bars, a map of the North, a share image.

Each chart is an SVG that scales to its box and reads without JavaScript,
with a title and a description for screen readers, and a table under it
(templates cuts/includes/bar_chart.html and choropleth.html) that holds the
same figures in full. Works on plain values, so the dashboards decide what
to count and this module only how to show it.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from bigsocnorth.places.svg import north_drawing

# ---- Colours: fallbacks in the SVG itself; charts.css sets the same through classes.
BRAND = "#0b5563"
BRAND_DARK = "#073b45"
BRAND_TINT = "#e3f0f1"
INK = "#1d2326"
INK_SOFT = "#4b5459"
PAPER = "#ffffff"
LINE = "#d6d0c6"
# Five steps of the brand teal, light to dark, each a clear step from the next;
# the lightest is still teal enough to tell from the grey of "none".
PALETTE = ("#c4e1e4", "#86bcc3", "#4a929c", "#166473", "#06343d")
NONE_FILL = "#e7e4df"


# ---- Text widths: measured in DejaVu Sans, wider than the system fonts browsers use
# for system-ui, so what fits here fits on the page; an estimate without it.
_NARROW = set("iljtfrI.,;:'!|() ")
_WIDE = set("mwMW@%—")
_SAFETY = 1.04


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """About how wide text is in a sans-serif at this size; generous, so text fits."""
    font = _font(100, bold=bold)
    if isinstance(font, ImageFont.FreeTypeFont):
        return font.getlength(text) * size / 100 * _SAFETY
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 0.36
        elif char in _WIDE:
            width += 1.0
        elif char.isupper() or char.isdigit() or char in "£$€":
            width += 0.74
        else:
            width += 0.64
    return width * size * (1.1 if bold else 1)


def _shorten(text: str, size: float, room: float) -> str:
    """The text, cut to fit the room with an ellipsis when it does not."""
    if _text_width(text, size) <= room:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest start that fits with its ellipsis
        middle = (low + high + 1) // 2
        if _text_width(text[:middle].rstrip() + "…", size) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _dom_id(key: str, part: str) -> str:
    return f"chart-{slugify(key) or 'chart'}-{part}"


# ---- Bar charts ----------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: int  # what the bar's length shows: a count, or pence
    display: str  # the value as people read it: "12", "£1.2m"
    url: str = ""  # where the label links to in the table, if anywhere


@dataclass(frozen=True)
class BarChart:
    key: str  # unique on the page, for ids: "by-state"
    title: str
    description: str  # one sentence: "Most cuts are proposed (40 of 120)."
    value_heading: str  # the table's heading for the values: "Cuts", "Money a year"
    bars: tuple[Bar, ...]
    csv_url: str = ""  # the CSV with the figures, linked under the table
    label_heading: str = ""  # the table's heading for the labels: "State", "Council"

    @property
    def svg(self) -> SafeString:
        return bar_chart_svg(self)

    @property
    def has_values(self) -> bool:
        return any(bar.value > 0 for bar in self.bars)


BAR_WIDTH = 400  # of the drawing, in SVG units; at 360 px a unit is about a pixel
FONT_SIZE = 14
LABEL_LINE = 18  # the label's line above its bar
BAR_HEIGHT = 14
ROW_GAP = 12
VALUE_GAP = 12  # between a label and the value at the end of its line


def bar_chart_svg(chart: BarChart) -> SafeString:
    """The chart as an <svg>, or "" when there is nothing to draw (no bars, or all zero).

    One row per bar: the label and the value on a line, the bar under it, so
    labels never overlap bars or each other at any width. The largest value
    fills the width; labels too long for the line end in an ellipsis (the
    table under the chart has them in full).
    """
    if not chart.has_values:
        return SafeString("")
    largest = max(bar.value for bar in chart.bars)
    row = LABEL_LINE + BAR_HEIGHT + ROW_GAP
    height = row * len(chart.bars) - ROW_GAP
    title_id = _dom_id(chart.key, "title")
    desc_id = _dom_id(chart.key, "desc")
    parts = [
        f'<svg class="chart chart-bars" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {BAR_WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="system-ui, sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>',
    ]
    for index, bar in enumerate(chart.bars):
        top = index * row
        value = max(bar.value, 0)
        width = BAR_WIDTH * value / largest
        if value and width < 1:
            width = 1  # a sliver, so a small value still shows as more than none
        room = BAR_WIDTH - _text_width(bar.display, FONT_SIZE, bold=True) - VALUE_GAP
        baseline = top + LABEL_LINE - 5
        bar_top = top + LABEL_LINE
        parts.append(
            '<g class="chart-row">'
            f'<text class="chart-label" x="0" y="{baseline}" fill="{INK}">'
            f"{escape(_shorten(bar.label, FONT_SIZE, room))}</text>"
            f'<text class="chart-value" x="{BAR_WIDTH}" y="{baseline}" text-anchor="end" '
            f'font-weight="700" fill="{INK}">{escape(bar.display)}</text>'
            f'<rect class="chart-track" x="0" y="{bar_top}" width="{BAR_WIDTH}" '
            f'height="{BAR_HEIGHT}" fill="{BRAND_TINT}"/>'
            f'<rect class="chart-bar" x="0" y="{bar_top}" width="{width:.1f}" '
            f'height="{BAR_HEIGHT}" fill="{BRAND}"/>'
            "</g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


# ---- The map of the North ---------------------------------------------------------


@dataclass(frozen=True)
class AreaValue:
    local_authority_id: int
    value: int
    display: str


@dataclass(frozen=True)
class Choropleth:
    key: str
    title: str
    description: str
    value_heading: str
    svg: SafeString
    legend: tuple[tuple[str, str], ...]  # (colour, "1 to 4") per class, darkest last, then none
    rows: tuple[tuple[str, str, str], ...]  # (area name, area url, display), largest first

    @property
    def has_values(self) -> bool:
        return bool(self.rows)


def _classes(values: list[AreaValue]) -> list[list[AreaValue]]:
    """Up to five groups by quantile, smallest first; equal values always share a group."""
    ordered = sorted(values, key=lambda item: item.value)
    count = len(ordered)
    groups: dict[int, list[AreaValue]] = {}
    below = 0
    for position, item in enumerate(ordered):
        if position and item.value != ordered[position - 1].value:
            below = position
        groups.setdefault(min(len(PALETTE) - 1, len(PALETTE) * below // count), []).append(item)
    return [groups[index] for index in sorted(groups)]


def _shades(count: int) -> list[int]:
    """Which of the palette's steps `count` groups use: spread from light to dark."""
    if count == 1:
        return [len(PALETTE) - 1]
    return [round(index * (len(PALETTE) - 1) / (count - 1)) for index in range(count)]


def _group_label(group: list[AreaValue]) -> str:
    low, high = group[0], group[-1]
    if low.value == high.value:
        return low.display
    return _("%(low)s to %(high)s") % {"low": low.display, "high": high.display}


def _bounds(paths) -> tuple[int, int, int, int]:
    xs: list[int] = []
    ys: list[int] = []
    for path in paths:
        for point in path.d.replace("M", " ").replace("L", " ").replace("Z", " ").split():
            x, y = point.split(",")
            xs.append(int(x))
            ys.append(int(y))
    return min(xs), min(ys), max(xs), max(ys)


def choropleth_build(
    *,
    key: str,
    title: str,
    description: str,
    value_heading: str,
    values: list[AreaValue],
    area_url: Callable[[str], str] | None = None,
    region_id: int | None = None,
    none_label: str = "",
) -> Choropleth | None:
    """The North's local authorities shaded by value, or None before the boundaries are loaded.

    values: one per local authority; areas without one (or with 0) show as
    none. area_url(slug) links each area to its page. region_id draws only
    that region's authorities, closer. none_label names the grey ("No cuts
    reported" unless given).
    """
    drawing = north_drawing()
    if drawing is None:
        return None
    none_label = none_label or _("No cuts reported")
    paths = [path for path in drawing.paths if region_id is None or path.region_id == region_id]
    if not paths:
        return None
    drawn = {path.local_authority_id for path in paths}
    by_area = {
        item.local_authority_id: item
        for item in values
        if item.value > 0 and item.local_authority_id in drawn
    }
    groups = _classes(list(by_area.values())) if by_area else []
    shade_of: dict[int, int] = {}
    legend: list[tuple[str, str]] = []
    for group, shade in zip(groups, _shades(len(groups)), strict=True):
        legend.append((PALETTE[shade], _group_label(group)))
        for item in group:
            shade_of[item.local_authority_id] = shade + 1
    legend.append((NONE_FILL, none_label))

    if region_id is None:
        viewbox = f"0 0 {drawing.width} {drawing.height}"
    else:
        west, north, east, south = _bounds(paths)
        margin = 4
        viewbox = (
            f"{west - margin} {north - margin} {east - west + 2 * margin} "
            f"{south - north + 2 * margin}"
        )
    title_id = _dom_id(key, "title")
    desc_id = _dom_id(key, "desc")
    # Links inside an image would be hidden from screen readers while still
    # taking focus, so a map of links is a group and a map without is an image.
    role = "group" if area_url else "img"
    parts = [
        f'<svg class="chart choropleth-map" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{viewbox}" width="100%" role="{role}" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for path in paths:
        shade = shade_of.get(path.local_authority_id, 0)
        item = by_area.get(path.local_authority_id)
        tip = escape(f"{path.name}: {item.display if item else none_label}")
        fill = PALETTE[shade - 1] if shade else NONE_FILL
        shape = (
            f'<path class="choropleth-area choropleth-fill-{shade}" d="{path.d}" '
            f'fill="{fill}" stroke="{PAPER}" stroke-width="0.8" stroke-linejoin="round"'
        )
        if area_url:
            parts.append(
                f'<a class="choropleth-link" href="{escape(area_url(path.slug))}">'
                f"<title>{tip}</title>{shape}/></a>"
            )
        else:
            parts.append(f"{shape}><title>{tip}</title></path>")
    parts.append("</svg>")

    names = {path.local_authority_id: path for path in paths}
    ordered = sorted(
        by_area.values(),
        key=lambda item: (-item.value, names[item.local_authority_id].name),
    )
    rows = tuple(
        (
            names[item.local_authority_id].name,
            area_url(names[item.local_authority_id].slug) if area_url else "",
            item.display,
        )
        for item in ordered
    )
    return Choropleth(
        key=key,
        title=title,
        description=description,
        value_heading=value_heading,
        svg=mark_safe("".join(parts)),  # noqa: S308 - names and texts escaped above
        legend=tuple(legend),
        rows=rows,
    )


# ---- The share image ------------------------------------------------------------------

SHARE_WIDTH = 1200
SHARE_HEIGHT = 630
_MARGIN = 60
_FONT_FOLDERS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)


@functools.cache
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans where the system has it, else Pillow's own font: never an error."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_FOLDERS:
        try:
            return ImageFont.truetype(f"{folder}/{name}", size)
        except OSError:
            continue
    try:
        return ImageFont.truetype(name, size)  # Pillow also looks in the system's font folders
    except OSError:
        pass
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # a Pillow older than 10.1 has one size only
        return ImageFont.load_default()


def _fit(draw: ImageDraw.ImageDraw, text: str, font, room: float) -> str:
    """The text, cut with an ellipsis to fit `room` pixels."""
    if draw.textlength(text, font=font) <= room:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest start that fits with its ellipsis
        middle = (low + high + 1) // 2
        if draw.textlength(text[:middle].rstrip() + "…", font=font) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


def _largest_fitting(draw: ImageDraw.ImageDraw, text: str, size: int, room: float, *, bold: bool):
    """The font, from `size` down to two thirds of it, in which the text fits whole if any."""
    smallest = size * 2 // 3
    for step in range(size, smallest - 1, -4):
        font = _font(step, bold=bold)
        if draw.textlength(text, font=font) <= room:
            return font
    return _font(smallest, bold=bold)


def _drop(font, size: int) -> int:
    """How far down to draw text in a font shrunk from `size`, so it sits on the same line."""
    return round((size - getattr(font, "size", size)) * 0.8)


def _site_line() -> str:
    host = urlsplit(getattr(settings, "SITE_URL", "")).netloc
    name = getattr(settings, "SITE_NAME", "") or "Big Society in the North"
    return f"{name} · {host}" if host else name


def share_image_png(
    *,
    title: str,
    subtitle: str,
    figures: list[tuple[str, str]],
    chart: BarChart | None,
) -> bytes:
    """A 1200 by 630 PNG for link previews: the title on the brand colour, up to four
    headline figures (value, label), the chart's five largest bars and the site's name.
    """
    image = Image.new("RGB", (SHARE_WIDTH, SHARE_HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    room = SHARE_WIDTH - 2 * _MARGIN

    band = 170 if subtitle else 130
    draw.rectangle((0, 0, SHARE_WIDTH, band), fill=BRAND)
    title_font = _largest_fitting(draw, title, 56, room, bold=True)
    draw.text(
        (_MARGIN, 36 + _drop(title_font, 56)),
        _fit(draw, title, title_font, room),
        font=title_font,
        fill=PAPER,
    )
    if subtitle:
        font = _font(30)
        draw.text((_MARGIN, 112), _fit(draw, subtitle, font, room), font=font, fill=BRAND_TINT)

    footer = SHARE_HEIGHT - 64
    bars = sorted(
        (bar for bar in (chart.bars if chart else ()) if bar.value > 0),
        key=lambda bar: -bar.value,
    )[:5]
    shown = figures[:4]
    top = band + 30
    if shown:
        figures_height = 130 if bars else footer - top - 30
        column = room / len(shown)
        label_font = _font(26 if bars else 30)
        value_top = top + (0 if bars else max(0, (figures_height - 150) // 2))
        for index, (value, label) in enumerate(shown):
            left = _MARGIN + index * column
            size = 64 if bars else 88
            value_font = _largest_fitting(draw, value, size, column - 24, bold=True)
            draw.text(
                (left, value_top + _drop(value_font, size)),
                _fit(draw, value, value_font, column - 24),
                font=value_font,
                fill=BRAND_DARK,
            )
            draw.text(
                (left, value_top + (78 if bars else 104)),
                _fit(draw, label, label_font, column - 24),
                font=label_font,
                fill=INK_SOFT,
            )
        top += figures_height

    if bars and chart is not None:
        heading_font = _font(24, bold=True)
        draw.text(
            (_MARGIN, top), _fit(draw, chart.title, heading_font, room), font=heading_font, fill=INK
        )
        top += 38
        row = max(24, min(40, (footer - 16 - top) // len(bars)))
        label_font = _font(min(22, row - 8))
        label_room = 360
        value_room = 150
        bar_left = _MARGIN + label_room + 20
        bar_room = SHARE_WIDTH - _MARGIN - value_room - bar_left
        largest = bars[0].value
        for index, bar in enumerate(bars):
            y = top + index * row
            draw.text(
                (_MARGIN, y),
                _fit(draw, bar.label, label_font, label_room),
                font=label_font,
                fill=INK,
            )
            length = max(2, math.floor(bar_room * bar.value / largest))
            draw.rectangle((bar_left, y + 4, bar_left + length, y + row - 10), fill=BRAND)
            draw.text(
                (bar_left + length + 10, y),
                _fit(draw, bar.display, label_font, value_room - 10),
                font=label_font,
                fill=INK,
            )

    draw.line((_MARGIN, footer, SHARE_WIDTH - _MARGIN, footer), fill=LINE, width=2)
    footer_font = _font(24)
    draw.text(
        (_MARGIN, footer + 16),
        _fit(draw, _site_line(), footer_font, room),
        font=footer_font,
        fill=INK_SOFT,
    )
    draw.rectangle((0, SHARE_HEIGHT - 8, SHARE_WIDTH, SHARE_HEIGHT), fill=BRAND)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
