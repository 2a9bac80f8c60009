"""Hostile and unusual inputs, built once: broken files, bombs, odd encodings, oversized bodies."""

import functools
import io
import json
import struct
import zlib

from PIL import Image

from ml import constants
from tests.ml.drawings import canvas_drawing, draw_digit, encode

SEVEN = "7"


def digit_png() -> bytes:
    return encode(canvas_drawing(SEVEN))


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def huge_png(side: int) -> bytes:
    """A white `side`x`side` grayscale PNG written row by row: ~60 KB for 8000x8000."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * side
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def over_pixel_limit_png() -> bytes:
    return huge_png(int(constants.MAX_IMAGE_PIXELS**0.5) + 1)


def truncated_png() -> bytes:
    data = digit_png()
    return data[: len(data) // 2]


def png_without_iend() -> bytes:
    data = digit_png()
    assert data.endswith(_png_chunk(b"IEND", b""))
    return data[:-12]


def one_pixel_png() -> bytes:
    return encode(Image.new("L", (1, 1), 0))


def transparent_png() -> bytes:
    return encode(Image.new("RGBA", (280, 280), (0, 0, 0, 0)))


def white_png() -> bytes:
    return encode(Image.new("RGB", (280, 280), (255, 255, 255)))


def animated_gif() -> bytes:
    """A digit as the first of two frames (the second is blank); the first frame is used."""
    first = draw_digit(SEVEN).convert("P")
    second = Image.new("P", first.size, 255)
    return encode(first, "GIF", save_all=True, append_images=[second], duration=100, loop=0)


def cmyk_jpeg() -> bytes:
    return encode(draw_digit(SEVEN).convert("CMYK"), "JPEG", quality=90)


def sixteen_bit_png() -> bytes:
    return encode(draw_digit(SEVEN).convert("I").point(lambda v: v * 257).convert("I;16"))


def palette_with_transparency_png() -> bytes:
    """Black ink (index 1) on a transparent background (index 0), as a palette PNG."""
    mask = draw_digit(SEVEN, ink=1, background=0)
    image = mask.convert("P")
    image.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    return encode(image, transparency=0)


def svg_bytes() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28"><script>alert(1)</script><text x="4" y="20">7</text></svg>'


def text_bytes() -> bytes:
    return b"this is plain text, not an image"


def over_image_limit_bytes() -> bytes:
    """A valid PNG start padded past MAX_IMAGE_BYTES: refused on size, never decoded."""
    return digit_png() + b"\x00" * constants.MAX_IMAGE_BYTES


def many_stroke_points(points: int) -> list:
    """One stroke of `points` points: a client trying to make the server store megabytes."""
    return [[[0] * points, [0] * points, [0] * points]]


def compact_json(body) -> str:
    return json.dumps(body, separators=(",", ":"))


def image_file(data: bytes, name: str = "drawing.png") -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def digit_data_url() -> str:
    from tests.ml.drawings import data_url

    return data_url(digit_png())
