"""One upload's image costs a bounded amount of memory while it is decoded.

A JPEG of a megabyte or two can hold 8,000 by 8,000 pixels: decoded whole,
that is a quarter of a gigabyte in one web worker. These tests clean real
pictures in a fresh Python process and read how far its peak memory rose.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bigsocnorth.core.images import (
    FULL_DECODE_MAX_PIXELS,
    WEBP_MAX_PIXELS,
    ImageRules,
    _jpeg_decodes_a_few_rows_at_a_time,
    image_clean,
)

BUDGET_MB = 150
# The largest pictures any caller takes (max_side 8000), made into the largest
# output any caller asks for (evidence pictures of cuts, 2400 px).
LARGEST_RULES = ImageRules(
    max_bytes=20 * 1_048_576, max_side=8000, output_side=2400, output_format="JPEG"
)

# Run in a fresh interpreter: the baseline is its peak after Django and Pillow
# are loaded, so what is left is the cost of cleaning the one picture.
MEASURE = """
import json, resource, sys
import django
django.setup()
from django.core.files.base import ContentFile
from bigsocnorth.core.images import ImageRules, image_clean
from PIL import Image
import io

def peak_mb():
    # This process's own peak resident memory. (ru_maxrss would do, but Linux
    # carries the parent's peak over into it when the parent starts a program,
    # so under a large test runner it starts high and hides the growth.)
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kilobytes
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

baseline = peak_mb()
path, output_side, output_format = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "rb") as upload:
    data = upload.read()
rules = ImageRules(
    max_bytes=20 * 1_048_576, max_side=8000, output_side=output_side, output_format=output_format
)
cleaned = image_clean(upload=ContentFile(data), rules=rules).read()
growth = peak_mb() - baseline
with Image.open(io.BytesIO(cleaned)) as picture:
    picture.load()
    print(json.dumps({"growth": growth, "size": picture.size, "format": picture.format}))
"""


def _clean_in_fresh_process(path: Path, rules: ImageRules) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    finished = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(rules.output_side), rules.output_format],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout.strip().splitlines()[-1])


def _gradient(width: int, height: int, mode: str) -> Image.Image:
    """A smooth picture: small as a file, big once decoded."""
    across = Image.linear_gradient("L").resize((width, height), Image.Resampling.BILINEAR)
    around = Image.radial_gradient("L").resize((width, height), Image.Resampling.BILINEAR)
    bands = [across, around, across.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    if mode == "RGBA":
        bands.append(across.transpose(Image.Transpose.ROTATE_180))
    return Image.merge(mode, bands)


def test_a_huge_jpeg_is_decoded_reduced_within_the_memory_budget(tmp_path):
    path = tmp_path / "huge.jpg"
    _gradient(8000, 8000, "RGB").save(path, quality=75)
    assert path.stat().st_size < LARGEST_RULES.max_bytes  # a file people could really send

    result = _clean_in_fresh_process(path, LARGEST_RULES)

    assert result["growth"] < BUDGET_MB, f"peak memory grew by {result['growth']:.0f} MB"
    assert result["format"] == "JPEG"
    width, height = result["size"]
    assert width == height
    assert 1600 <= width <= LARGEST_RULES.output_side  # resized, and still a useful picture


@pytest.mark.parametrize(
    ("fmt", "limit", "save"),
    [("PNG", FULL_DECODE_MAX_PIXELS, {"compress_level": 1}), ("WEBP", WEBP_MAX_PIXELS, {})],
)
def test_a_picture_at_the_pixel_limit_is_decoded_within_the_memory_budget(
    tmp_path, fmt, limit, save
):
    # Formats decoded whole: a screenshot or a logo with transparency, at its limit.
    width = 4000 if fmt == "PNG" else 3000
    height = limit // width
    path = tmp_path / f"screenshot.{fmt.lower()}"
    _gradient(width, height, "RGBA").save(path, format=fmt, **save)
    rules = ImageRules(
        max_bytes=20 * 1_048_576, max_side=8000, output_side=1200, output_format="PNG"
    )

    result = _clean_in_fresh_process(path, rules)

    assert result["growth"] < BUDGET_MB, f"peak memory grew by {result['growth']:.0f} MB"
    assert result["format"] == "PNG"
    assert result["size"] == [1200, round(1200 * height / width)]


def _upload(image: Image.Image, fmt: str, name: str, **save) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    ("picture", "fmt", "limit", "numbers"),
    [
        (Image.new("1", (5000, 3000)), "PNG", FULL_DECODE_MAX_PIXELS, "5,000 by 3,000 pixels"),
        (Image.new("RGB", (3000, 2500)), "WEBP", WEBP_MAX_PIXELS, "3,000 by 2,500 pixels"),
    ],
)
def test_a_picture_with_more_pixels_than_its_limit_is_refused_clearly(picture, fmt, limit, numbers):
    upload = _upload(picture, fmt, f"poster.{fmt.lower()}")
    assert upload.size < 200_000  # a small file, millions of pixels

    with pytest.raises(ValidationError) as refused:
        image_clean(upload=upload, rules=LARGEST_RULES)

    message = " ".join(refused.value.messages)
    assert "too large" in message
    assert numbers in message
    assert f"at most {limit / 1_000_000:.0f} megapixels" in message


def test_a_progressive_jpeg_with_more_pixels_than_the_limit_is_refused_clearly():
    # libjpeg keeps every coefficient of a progressive JPEG in memory, whatever
    # size it is decoded to, so these cannot be decoded reduced.
    upload = _upload(Image.new("RGB", (5000, 3000), "teal"), "JPEG", "p.jpg", progressive=True)

    with pytest.raises(ValidationError) as refused:
        image_clean(upload=upload, rules=LARGEST_RULES)

    message = " ".join(refused.value.messages)
    assert "progressive JPEG" in message
    assert f"at most {FULL_DECODE_MAX_PIXELS / 1_000_000:.0f} megapixels" in message


def test_a_baseline_jpeg_sent_in_separate_scans_counts_as_decoded_whole():
    # Start of image, a frame of three components, then a scan of only one.
    frame = b"\xff\xc0\x00\x11\x08\x1f\x40\x1f\x40\x03" + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    one_component_scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    interleaved_scan = b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"
    few_rows = _jpeg_decodes_a_few_rows_at_a_time

    assert not few_rows(io.BytesIO(b"\xff\xd8" + frame + one_component_scan))
    assert few_rows(io.BytesIO(b"\xff\xd8" + frame + interleaved_scan))
