"""Small builders for test images: digits drawn as strokes with Pillow, encoded as clients send them."""

import base64
import io

import numpy as np
from PIL import Image, ImageDraw

CANVAS = 280  # The site's drawing canvas.
STROKE = 18  # The site's pen width on that canvas.
BLACK, WHITE = 0, 255

# Strokes as polylines in a unit square; "0" is an ellipse.
STROKES = {
    "1": [[(0.45, 0.15), (0.55, 0.1), (0.55, 0.9)]],
    "7": [[(0.2, 0.15), (0.8, 0.15), (0.4, 0.9)]],
    "4": [[(0.6, 0.1), (0.2, 0.6), (0.8, 0.6)], [(0.6, 0.1), (0.6, 0.9)]],
}


def draw_digit(digit: str, *, side: int = CANVAS, width: int = STROKE, ink=BLACK, background=WHITE, mode: str = "L", region=(0.0, 0.0, 1.0)) -> Image.Image:
    """A digit drawn as strokes in `ink` on a `background` canvas of `mode`.

    `region` (left, top, size), as fractions of the canvas, is the square the digit fills.
    """
    image = Image.new(mode, (side, side), background)
    pen = ImageDraw.Draw(image)
    left, top, size = (v * side for v in region)

    def at(x, y):
        return left + x * size, top + y * size

    if digit == "0":
        pen.ellipse([*at(0.25, 0.12), *at(0.75, 0.88)], outline=ink, width=width)
    for line in STROKES.get(digit, []):
        pen.line([at(x, y) for x, y in line], fill=ink, width=width, joint="curve")
    return image


def canvas_drawing(digit: str, *, ink=(0, 0, 0, 255), **kwargs) -> Image.Image:
    """What the site's canvas sends: opaque ink on a fully transparent RGBA background."""
    return draw_digit(digit, ink=ink, background=(0, 0, 0, 0), mode="RGBA", **kwargs)


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def photo_of(image: Image.Image, *, seed: int = 0) -> Image.Image:
    """Dark-on-light `image` as a phone photo of paper: texture, a lighting gradient, specks."""
    rng = np.random.default_rng(seed)
    clean = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    height, width = clean.shape
    rows, cols = np.mgrid[0:height, 0:width]
    lighting = 0.95 - 0.35 * (cols / width) - 0.15 * (rows / height)
    paper = lighting + rng.normal(0.0, 0.03, clean.shape)
    ink = 0.15 + rng.normal(0.0, 0.03, clean.shape)
    photo = np.where(clean < 0.5, ink, paper)
    for y, x in rng.integers(5, min(height, width) - 5, size=(12, 2)):
        photo[y - 1 : y + 2, x - 1 : x + 2] = 0.2
    rgb = np.stack([photo, photo * 0.97, photo * 0.9], axis=-1)
    return Image.fromarray((np.clip(rgb, 0.0, 1.0) * 255).astype(np.uint8), mode="RGB")


def blank(mode: str = "L", value=WHITE, side: int = CANVAS) -> Image.Image:
    return Image.new(mode, (side, side), value)
