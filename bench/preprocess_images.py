"""Building blocks of check_preprocess.py's inputs: drawn and photographed digits, and encoders.

Digits are drawn with the working tree's `ml.drawn_digits`; images are encoded with Pillow, as
data URLs, or as PNGs written by hand (any bit depth, interlaced, IDAT split at random).
"""

import base64
import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
CANVAS = 280  # The site's canvas, as ml/drawn_digits.py draws it.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))  # x0, y0, dx, dy


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def drawn(rng: np.random.Generator, width: int | None = None) -> Image.Image:
    """A 280x280 RGBA canvas drawing of a random digit: black ink, anti-aliased, on transparent."""
    from ml.drawn_digits import draw_digit

    return draw_digit(int(rng.integers(10)), rng, width)


def coverage(rng: np.random.Generator, size=None, width: int | None = None) -> np.ndarray:
    """A drawn digit's ink coverage (floats 0-1, H x W), resized to `size` (width, height) if given."""
    alpha = drawn(rng, width).getchannel("A")
    if size and tuple(size) != alpha.size:
        alpha = alpha.resize(tuple(size), Image.Resampling.LANCZOS)
    return np.asarray(alpha, dtype=np.float32) / 255


def to_uint8(gray: np.ndarray) -> np.ndarray:
    return np.round(np.clip(gray, 0, 1) * 255).astype(np.uint8)


def random_size(rng: np.random.Generator, low: int, high: int) -> tuple:
    width = int(rng.integers(low, high + 1))
    height = width if rng.random() < 0.4 else int(rng.integers(low, high + 1))
    return width, height


def sketch(rng: np.random.Generator, image: Image.Image, box, width: int, fill=(0, 0, 0, 255)) -> Image.Image:
    """Draw a random digit's strokes scaled into `box` (x0, y0, x1, y1). The box may leave the image."""
    from ml.drawn_digits import TEMPLATES

    x0, y0, x1, y1 = box
    draw = ImageDraw.Draw(image)
    for stroke in TEMPLATES[int(rng.integers(10))]:
        points = np.asarray(stroke) + rng.normal(0, 0.015, size=(len(stroke), 2))
        xy = np.column_stack([x0 + points[:, 0] * (x1 - x0), y0 + points[:, 1] * (y1 - y0)])
        draw.line([tuple(p) for p in xy.tolist()], fill=fill, width=width, joint="curve")
    return image


def transparent(size) -> Image.Image:
    return Image.new("RGBA", tuple(size), (0, 0, 0, 0))


def rgba(rgb: np.ndarray, alpha: np.ndarray) -> Image.Image:
    return Image.fromarray(np.dstack([rgb, alpha]).astype(np.uint8), "RGBA")


def photo(rng: np.random.Generator, size) -> np.ndarray:
    """A photo of a digit on paper: a lighting gradient, sensor noise, dark ink and dust (floats 0-1)."""
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (xs * np.cos(angle) + ys * np.sin(angle)) / max(width, height)
    paper = rng.uniform(0.5, 0.8) + rng.uniform(0.05, 0.3) * ramp
    ink = coverage(rng, size)
    gray = paper * (1 - ink) + rng.uniform(0.03, 0.35) * ink
    gray += rng.normal(0, rng.uniform(0.003, 0.04), gray.shape).astype(np.float32)
    for _ in range(int(rng.integers(0, 12))):
        x, y, side = int(rng.integers(width)), int(rng.integers(height)), int(rng.integers(1, 4))
        gray[y : y + side, x : x + side] = rng.uniform(0, 1)
    return np.clip(gray, 0, 1)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def packed_rows(samples: np.ndarray, depth: int) -> np.ndarray:
    """(H, W, C) integer samples as PNG row bytes (big-endian 16-bit, or packed bits below 8)."""
    height = samples.shape[0]
    if depth == 16:
        return samples.astype(">u2").view(np.uint8).reshape(height, -1)
    if depth == 8:
        return samples.astype(np.uint8).reshape(height, -1)
    bits = (samples[..., 0, np.newaxis] >> np.arange(depth - 1, -1, -1)) & 1
    return np.packbits(bits.reshape(height, -1).astype(np.uint8), axis=1)


def scanlines(samples: np.ndarray, depth: int, rng) -> bytes:
    """Filtered rows. Each row's filter is None, Sub or Up, picked at random (browsers use Up)."""
    rows = packed_rows(samples, depth)
    step = max(1, samples.shape[2] * depth // 8)
    previous, lines = np.zeros_like(rows[0]), []
    for row in rows:
        kind = int(rng.integers(3))
        before = (np.zeros_like(row), np.concatenate([np.zeros(step, np.uint8), row[:-step]]), previous)[kind]
        lines.append(bytes([kind]) + (row - before).tobytes())
        previous = row
    return b"".join(lines)


def png_file(samples: np.ndarray, depth: int, colour: int, rng, interlace: bool, extra: bytes = b"") -> bytes:
    """A PNG written by hand: any bit depth, Adam7 interlacing, IDAT split into several chunks."""
    height, width = samples.shape[:2]
    passes = [samples[y::dy, x::dx] for x, y, dx, dy in ADAM7] if interlace else [samples]
    data = zlib.compress(b"".join(scanlines(p, depth, rng) for p in passes if p.size), int(rng.integers(0, 10)))
    cuts = sorted({int(c) for c in rng.integers(1, len(data), int(rng.integers(0, 4)))})
    idats = b"".join(png_chunk(b"IDAT", data[a:b]) for a, b in zip([0, *cuts], [*cuts, len(data)]))
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, int(interlace))
    return PNG_SIGNATURE + png_chunk(b"IHDR", header) + extra + idats + png_chunk(b"IEND", b"")
