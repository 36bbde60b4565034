"""Uploaded images made safe to publish: checked, re-encoded, resized, metadata removed.

An upload is trusted for nothing: its name, type and size are checked,
Pillow reads only the header before deciding the dimensions are sane (so a
small file claiming 12,000 px cannot exhaust memory), the orientation from
EXIF is applied, and the pixels are copied into a brand-new image, so no
EXIF, GPS, comments or colour-profile tricks survive.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


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
            width, height = opened.size
            if max(width, height) > rules.max_side:
                raise ValidationError(
                    _(
                        "The image is %(width)s by %(height)s pixels; it can be at most "
                        "%(max)s pixels on each side."
                    )
                    % {"width": f"{width:,}", "height": f"{height:,}", "max": f"{rules.max_side:,}"}
                )
            opened.seek(0)  # the first frame of an animation
            opened.load()
            picture = ImageOps.exif_transpose(opened)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF image.")
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ValidationError(
            _("This image file is damaged or incomplete. Try saving it again and re-uploading.")
        ) from None
    return _encode(picture, rules)


def _encode(picture: Image.Image, rules: ImageRules) -> ContentFile:
    transparent = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    keep_alpha = rules.output_format == "PNG" and transparent
    if transparent and not keep_alpha:
        # Converting straight to RGB would turn transparent areas black.
        white = Image.new("RGBA", picture.size, "white")
        picture = Image.alpha_composite(white, picture.convert("RGBA"))
    picture = picture.convert("RGBA" if keep_alpha else "RGB")
    picture.thumbnail((rules.output_side, rules.output_side), Image.Resampling.LANCZOS)
    # A fresh image holds only pixels: nothing of the upload's metadata comes along.
    clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, format=rules.output_format, optimize=True)
    return ContentFile(buffer.getvalue())
