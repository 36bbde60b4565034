"""Uploaded images: checked before decoding, re-encoded, metadata gone."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bigsocnorth.core.images import ImageRules, image_clean

RULES = ImageRules(max_bytes=1_048_576, max_side=4000, output_side=256)


def _upload(
    image: Image.Image, fmt: str = "JPEG", name: str = "photo.jpg", **save
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _exif_with_gps_and_rotation() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera maker"
    gps = exif.get_ifd(0x8825)
    gps[2] = (53.0, 22.0, 51.0)  # latitude
    gps[4] = (1.0, 28.0, 12.0)  # longitude
    return exif


def test_gps_and_other_metadata_are_removed_and_orientation_applied():
    upload = _upload(Image.new("RGB", (400, 200), "red"), exif=_exif_with_gps_and_rotation())
    with Image.open(upload) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload really carries GPS
    upload.seek(0)
    cleaned = Image.open(io.BytesIO(image_clean(upload=upload, rules=RULES).read()))
    assert cleaned.format == "PNG"
    assert not cleaned.getexif()
    assert "exif" not in cleaned.info
    assert cleaned.size == (128, 256)  # turned upright, then fitted into 256 px


def test_transparency_is_kept_in_png():
    upload = _upload(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), "PNG", "logo.png")
    cleaned = Image.open(io.BytesIO(image_clean(upload=upload, rules=RULES).read()))
    assert cleaned.mode == "RGBA"
    assert cleaned.getpixel((0, 0))[3] == 0


def test_transparency_becomes_white_in_jpeg():
    upload = _upload(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), "PNG", "logo.png")
    rules = ImageRules(max_bytes=1_048_576, max_side=4000, output_side=256, output_format="JPEG")
    cleaned = Image.open(io.BytesIO(image_clean(upload=upload, rules=rules).read()))
    assert cleaned.mode == "RGB"
    assert cleaned.getpixel((0, 0)) == (255, 255, 255)


def test_a_pdf_pretending_to_be_an_image_is_refused():
    upload = SimpleUploadedFile("logo.png", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "image/png")
    with pytest.raises(ValidationError, match="not an image we can read"):
        image_clean(upload=upload, rules=RULES)


def test_an_image_too_wide_is_refused_before_it_is_decoded():
    upload = _upload(Image.new("1", (12_000, 10)), "PNG", "wide.png")
    assert upload.size < 10_000  # small file, huge picture
    with pytest.raises(ValidationError, match="12,000 by 10 pixels"):
        image_clean(upload=upload, rules=RULES)


def test_a_file_too_big_is_refused():
    upload = SimpleUploadedFile("big.jpg", b"\xff" * (RULES.max_bytes + 1), "image/jpeg")
    with pytest.raises(ValidationError, match="at most 1 MB"):
        image_clean(upload=upload, rules=RULES)


def test_a_truncated_image_is_refused_clearly():
    data = _upload(Image.new("RGB", (300, 300), "blue")).read()
    upload = SimpleUploadedFile("cut.jpg", data[: len(data) // 3], "image/jpeg")
    with pytest.raises(ValidationError, match=r"damaged or incomplete|not an image"):
        image_clean(upload=upload, rules=RULES)


def test_an_unsupported_format_is_refused():
    upload = _upload(Image.new("RGB", (20, 20)), "BMP", "old.bmp")
    with pytest.raises(ValidationError, match="JPEG, PNG, WebP or GIF"):
        image_clean(upload=upload, rules=RULES)
