"""Uploaded images made safe to publish: checked, re-encoded, resized, metadata removed.

An upload is trusted for nothing: its name, type and size are checked, and
Pillow reads only the header before anything is decoded. The header decides
whether the picture may be decoded at all: its sides (the caller's max_side)
and its pixels, so that one upload never costs a web worker more than about
150 MB however small the file is. A JPEG is decoded already reduced (libjpeg
can decode at 1/2, 1/4 or 1/8 of the size) when the output needs no more;
other formats are decoded whole, so they have lower pixel limits. Then the
orientation from EXIF is applied, and the pixels are copied into a brand-new
image, so no EXIF, GPS, comments or colour-profile tricks survive.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
_FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}

# The limits below keep one picture within about 150 MB while it is cleaned, on
# top of a web worker's own 200 MB or so (test_image_memory.py measures it).
#
# Pillow keeps a colour pixel in 4 bytes (RGB is padded to RGBA's size). A
# picture decoded whole is in memory up to three times at once while it is
# cleaned: as decoded, converted to RGB or RGBA (or, with transparency, the
# premultiplied copy Pillow resizes), and the resize's working copy.
# 150 MB / (3 copies x 4 bytes) is 13.1 million pixels; 12 million leaves room
# for the rest (the upload itself, the decoder's buffers): a 12-megapixel PNG
# with transparency was measured at 111 MB. That is 4000 by 3000, more than a
# phone's screenshot or a 12-megapixel camera. Progressive JPEGs have it too:
# libjpeg holds all their coefficients (2 to 8 bytes a pixel) while decoding.
FULL_DECODE_MAX_PIXELS = 12_000_000
# A baseline JPEG is decoded at 1/2, 1/4 or 1/8 of its sides, and only a few
# rows at a time, so it may be far bigger: up to 8000 by 8000 (the largest
# max_side in use), decoded reduced to FULL_DECODE_MAX_PIXELS at most.
REDUCED_DECODE_MAX_PIXELS = 8000 * 8000
# libwebp keeps two full canvases of its own while it decodes, and hands Pillow
# a third copy: about 20 bytes a pixel were measured for a WebP with
# transparency, so 6 million pixels (3000 by 3000 is 9) stay near 120 MB.
WEBP_MAX_PIXELS = 6_000_000
JPEG_SCALES = (1, 2, 4, 8)  # what libjpeg can divide a JPEG's sides by while decoding

# Pillow's own guard, for every use of Pillow in the process: Image.open raises
# DecompressionBombError for a picture of more than twice this many pixels, so
# nothing larger than the largest picture accepted here gets as far as being
# decoded anywhere. (Between the two it only warns; image_clean's checks below
# decide those from the header, before decoding, with a message a person can use.)
Image.MAX_IMAGE_PIXELS = REDUCED_DECODE_MAX_PIXELS // 2

# Start-of-frame markers: the first byte after 0xFF (0xC4, 0xC8 and 0xCC are
# not frames). Baseline (0xC0) and extended sequential (0xC1) Huffman JPEGs
# are the ones libjpeg decodes a few rows at a time.
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_JPEG_SEQUENTIAL = {0xC0, 0xC1}
_JPEG_START_OF_SCAN = 0xDA
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # markers without a length
# Modes Pillow resizes well without converting first (8 bits a channel, no palette).
RESIZED_AS_THEY_ARE = {"L", "LA", "RGB", "RGBA", "CMYK"}


@dataclass(frozen=True)
class ImageRules:
    max_bytes: int
    max_side: int  # refused above this many pixels on either side
    output_side: int  # resized to fit in a square of this size
    output_format: str = "PNG"


def image_clean(*, upload, rules: ImageRules) -> ContentFile:
    """A new image file from an upload, or ValidationError saying what is wrong.

    Keeps transparency for PNG output; JPEG output is flattened onto white.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > rules.max_bytes:
        raise ValidationError(
            _("The image is %(size)s MB; it can be at most %(max)s MB.")
            % {"size": f"{size / 1_048_576:.1f}", "max": f"{rules.max_bytes / 1_048_576:.0f}"}
        )
    upload.seek(0)
    try:
        with Image.open(upload) as opened:
            if opened.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."))
            _check_dimensions(opened, upload, rules)
            if opened.format == "JPEG":
                opened.draft("RGB", _jpeg_decode_size(opened.size, rules.output_side))
            opened.seek(0)  # the first frame of an animation
            opened.load()
            return _encode(opened, rules)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow's own guard (MAX_IMAGE_PIXELS), before the header could be looked at.
        raise ValidationError(
            _(
                "The image is too large: it has more than %(max)s megapixels. It can be at "
                "most %(side)s pixels on each side."
            )
            % {"max": _megapixels(REDUCED_DECODE_MAX_PIXELS), "side": f"{rules.max_side:,}"}
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF image.")
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ValidationError(
            _("This image file is damaged or incomplete. Try saving it again and re-uploading.")
        ) from None


def _check_dimensions(opened: Image.Image, upload, rules: ImageRules) -> None:
    """Refuse, from the header alone, a picture too big to decode within the budget."""
    width, height = opened.size
    numbers = {"width": f"{width:,}", "height": f"{height:,}"}
    if max(width, height) > rules.max_side:
        raise ValidationError(
            _(
                "The image is %(width)s by %(height)s pixels; it can be at most "
                "%(max)s pixels on each side."
            )
            % {**numbers, "max": f"{rules.max_side:,}"}
        )
    pixels = width * height
    numbers["megapixels"] = f"{pixels / 1_000_000:.1f}"
    if opened.format != "JPEG":
        limit = WEBP_MAX_PIXELS if opened.format == "WEBP" else FULL_DECODE_MAX_PIXELS
        if pixels > limit:
            raise ValidationError(
                _(
                    "The image is too large: %(width)s by %(height)s pixels, %(megapixels)s "
                    "megapixels. A %(format)s image can be at most %(max)s megapixels. "
                    "Make it smaller, or save it as a JPEG, and upload it again."
                )
                % {**numbers, "format": _FORMAT_NAMES[opened.format], "max": _megapixels(limit)}
            )
        return
    if pixels > REDUCED_DECODE_MAX_PIXELS:
        raise ValidationError(
            _(
                "The image is too large: %(width)s by %(height)s pixels, %(megapixels)s "
                "megapixels. A JPEG can be at most %(max)s megapixels. Make it smaller and "
                "upload it again."
            )
            % {**numbers, "max": _megapixels(REDUCED_DECODE_MAX_PIXELS)}
        )
    if pixels > FULL_DECODE_MAX_PIXELS and not _jpeg_decodes_a_few_rows_at_a_time(upload):
        raise ValidationError(
            _(
                "The image is too large: %(width)s by %(height)s pixels, %(megapixels)s "
                "megapixels. A progressive JPEG can be at most %(max)s megapixels. Make it "
                "smaller, or save it as a standard (baseline) JPEG, and upload it again."
            )
            % {**numbers, "max": _megapixels(FULL_DECODE_MAX_PIXELS)}
        )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}"


def _jpeg_decode_size(size: tuple[int, int], output_side: int) -> tuple[int, int]:
    """The size to ask libjpeg for: as small as the output allows, and within the budget.

    libjpeg decodes at 1/1, 1/2, 1/4 or 1/8 of each side. The largest scale that
    still gives at least output_side on the longer side keeps the resize sharp;
    a larger scale is taken when that would hold more than FULL_DECODE_MAX_PIXELS
    (an 8000 by 8000 picture for a 2400 px output then becomes 2000 px, not 2400).
    """
    width, height = size
    sharp = max((s for s in JPEG_SCALES if max(width, height) // s >= output_side), default=1)
    within_budget = next(
        (s for s in JPEG_SCALES if -(-width // s) * -(-height // s) <= FULL_DECODE_MAX_PIXELS),
        JPEG_SCALES[-1],
    )
    scale = max(sharp, within_budget)
    # Pillow's draft takes the largest scale whose result is at least this size.
    return (max(width // scale, 1), max(height // scale, 1))


def _jpeg_decodes_a_few_rows_at_a_time(stream) -> bool:
    """Whether libjpeg can decode this JPEG without holding all of it in memory.

    A baseline or extended sequential JPEG whose first scan carries every colour
    component is decoded a few rows at a time, at the reduced size asked for.
    Anything else (progressive, lossless, arithmetic-coded, or components sent in
    separate scans) makes libjpeg keep every coefficient of the whole picture,
    2 bytes each, whatever size it is decoded to. Read from the markers before
    the first scan; a file that does not read cleanly counts as the costly kind.
    """
    position = stream.tell()  # Pillow reads the same file afterwards
    try:
        stream.seek(0)
        return _jpeg_first_scan_has_every_component(stream)
    finally:
        stream.seek(position)


def _jpeg_first_scan_has_every_component(stream) -> bool:
    if stream.read(2) != b"\xff\xd8":
        return False
    frame = None
    components = None
    while True:
        if stream.read(1) != b"\xff":
            return False
        marker = stream.read(1)
        while marker == b"\xff":  # fill bytes before a marker
            marker = stream.read(1)
        if not marker:
            return False
        code = marker[0]
        if code in _JPEG_STANDALONE:
            continue
        length_bytes = stream.read(2)
        if len(length_bytes) < 2 or int.from_bytes(length_bytes, "big") < 2:
            return False
        length = int.from_bytes(length_bytes, "big") - 2
        if code == _JPEG_START_OF_SCAN:
            in_scan = stream.read(1)
            return frame in _JPEG_SEQUENTIAL and in_scan != b"" and in_scan[0] == components
        if code in _JPEG_FRAMES:
            if frame is not None:
                return False
            header = stream.read(length)
            if len(header) < 6:
                return False
            frame, components = code, header[5]
        else:
            stream.seek(length, io.SEEK_CUR)


def _encode(picture: Image.Image, rules: ImageRules) -> ContentFile:
    """The cleaned file: shrunk first, so every copy made after that is small."""
    transparent = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    keep_alpha = rules.output_format == "PNG" and transparent
    working_mode = "RGBA" if transparent else "RGB"
    colour_key = transparent and picture.mode not in ("LA", "RGBA")  # such as a GIF's
    if picture.mode not in RESIZED_AS_THEY_ARE or colour_key:
        # Resizing blends colours, not palette numbers, and a transparent colour
        # must become transparency before it is blended with its neighbours.
        picture = picture.convert(working_mode)
    # In place: the full-size pixels are let go as soon as the small ones exist.
    picture.thumbnail((rules.output_side, rules.output_side), Image.Resampling.LANCZOS)
    if picture.mode != working_mode:
        picture = picture.convert(working_mode)
    # The box is square, so turning the picture upright after shrinking fits it
    # just the same. (The EXIF it reads comes along with the conversion.)
    picture = ImageOps.exif_transpose(picture)
    if transparent and not keep_alpha:
        # Converting straight to RGB would turn transparent areas black.
        white = Image.new("RGBA", picture.size, "white")
        picture = Image.alpha_composite(white, picture).convert("RGB")
    # A fresh image holds only pixels: nothing of the upload's metadata comes along.
    clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, format=rules.output_format, optimize=True)
    return ContentFile(buffer.getvalue())
