"""Random canvas inputs of check_preprocess.py: drawings as the site's canvas posts them.

PNGs and data URLs of the 280x280 canvas and of other sizes, with drawings at the borders,
resampled, in unusual inks, with specks, or a few pixels long.
"""

import base64
import math

import numpy as np
from PIL import Image, ImageDraw

from preprocess_images import CANVAS, data_url, drawn, encode, random_size, rgba, sketch, transparent

WORK_SIDE = 160  # As ml/preprocess.py's: inputs longer than this are box-reduced by a whole factor.
# Besides 280x280: canvases of other devices and layouts; 1000x1000 gets a small drawing in a corner.
CANVAS_SIZES = (
    (337, 337), (674, 674), (300, 150), (150, 300), (281, 279), (28, 28), (56, 56),
    (161, 161), (163, 97), (479, 481), (1000, 1000), (1023, 767), (99, 101),
)
RESAMPLING = (Image.Resampling.LANCZOS, Image.Resampling.BICUBIC, Image.Resampling.BILINEAR, Image.Resampling.BOX, Image.Resampling.HAMMING)
INK_COLOURS = ((255, 0, 0), (0, 0, 255), (128, 128, 128), (0, 128, 0), (255, 255, 0))
INK_KINDS = ("translucent", "coloured", "light", "garbage-under-transparent", "alpha-127-128", "mid-grey", "gradient", "light-on-garbage")


def canvas_png(rng, count):
    """The site's canvas as the browser posts it: stroke widths 2-40, every zlib level."""
    return [(f"canvas-png/{i:04d}", encode(drawn(rng, int(rng.integers(2, 41))), compress_level=i % 10)) for i in range(count)]


def canvas_data_url(rng, count):
    """The same drawings as data URLs, bare base64, base64 with line breaks and padded with whitespace."""
    inputs = []
    for i in range(count):
        text = base64.b64encode(encode(drawn(rng, int(rng.integers(2, 41))))).decode()
        kind = ("data-url", "bare", "wrapped", "spaced")[i % 4]
        text = {
            "data-url": f"data:image/png;base64,{text}",
            "bare": text,
            "wrapped": "\n".join(text[k : k + 76] for k in range(0, len(text), 76)),
            "spaced": f"  \n data:image/png;base64,{text}\r\n",
        }[kind]
        inputs.append((f"canvas-dataurl/{i:04d}-{kind}", text))
    return inputs


def canvas_sizes(rng, count):
    """Other canvas sizes with a digit sketched anywhere in them, as PNG or data URL."""
    inputs = []
    for i in range(count):
        size = CANVAS_SIZES[i % len(CANVAS_SIZES)] if i % 3 else tuple(int(v) | 1 for v in rng.integers(15, 900, 2))
        width, height = size
        small = size == (1000, 1000)  # A small drawing in a corner of a big canvas.
        side = min(size) * (rng.uniform(0.06, 0.15) if small else rng.uniform(0.3, 0.95))
        x0 = rng.choice([0, width - side]) if small else rng.uniform(0, width - side * 0.8)
        y0 = rng.choice([0, height - side]) if small else rng.uniform(0, height - side)
        stroke = max(1, int(side * rng.uniform(0.02, 0.15)))
        png = encode(sketch(rng, transparent(size), (x0, y0, x0 + side * 0.8, y0 + side), stroke))
        inputs.append((f"canvas-sizes/{i:04d}-{width}x{height}", data_url(png) if i % 4 == 0 else png))
    return inputs


def canvas_border(rng, count):
    """Drawings touching or crossing each border and each corner of the canvas."""
    anchors = {
        "top": (0.5, 0), "bottom": (0.5, 1), "left": (0, 0.5), "right": (1, 0.5),
        "top-left": (0, 0), "top-right": (1, 0), "bottom-left": (0, 1), "bottom-right": (1, 1),
    }
    inputs = []
    for i in range(count):
        edge = list(anchors)[i % len(anchors)]
        size = (CANVAS, CANVAS) if i % 2 else CANVAS_SIZES[int(rng.integers(len(CANVAS_SIZES)))]
        side = min(size) * rng.uniform(0.4, 0.9)
        # The box's centre sits between a half box inside the edge (strokes just touch) and the edge itself.
        # (1 - 2 * f) moves it inwards: right from the left edge, left from the right, not at all from the middle.
        inward, (fx, fy) = rng.uniform(0, 0.5) * side, anchors[edge]
        cx, cy = fx * size[0] + inward * (1 - 2 * fx), fy * size[1] + inward * (1 - 2 * fy)
        box = (cx - side * 0.4, cy - side / 2, cx + side * 0.4, cy + side / 2)
        image = sketch(rng, transparent(size), box, max(1, int(side * rng.uniform(0.03, 0.12))))
        inputs.append((f"canvas-border/{i:04d}-{edge}-{size[0]}x{size[1]}", encode(image)))
    return inputs


def partial_block_size(rng, low: int, high: int) -> tuple:
    """A size whose box reduction (factor ceil(longest / 160)) leaves a partial block on some side."""
    while True:
        width, height = random_size(rng, low, high)
        factor = math.ceil(max(width, height) / WORK_SIDE)
        if factor > 1 and (width % factor or height % factor):
            return width, height


def canvas_downscaled(rng, count):
    """Canvases resampled by Pillow to sizes that box reduction cannot divide evenly."""
    inputs = []
    for i in range(count):
        size = partial_block_size(rng, 161, 279) if i % 3 else partial_block_size(rng, 281, 1100)
        gap = None if i % 2 else float(rng.choice([1.5, 2.0, 3.0]))
        image = drawn(rng, int(rng.integers(2, 41))).resize(size, RESAMPLING[i % len(RESAMPLING)], reducing_gap=gap)
        inputs.append((f"canvas-downscaled/{i:04d}-{size[0]}x{size[1]}", encode(image)))
    return inputs


def recolour(kind: str, rng, alpha: np.ndarray) -> tuple:
    """(RGB, alpha) of a canvas drawing with unusual ink. `alpha` is the drawing's own alpha."""
    rgb = np.zeros((*alpha.shape, 3), dtype=np.uint8)
    if kind == "translucent":
        alpha = (alpha.astype(np.uint16) * int(rng.integers(60, 201)) // 255).astype(np.uint8)
    elif kind == "coloured":
        rgb[:] = INK_COLOURS[int(rng.integers(len(INK_COLOURS)))]
    elif kind in ("light", "light-on-garbage"):
        rgb[:] = int(rng.integers(180, 256))
    elif kind == "alpha-127-128":  # Around VISIBLE_ALPHA, with ink on either side of mid-grey.
        level = 127 + int(rng.integers(2))
        alpha = np.where(alpha > 0, level, 0) if rng.random() < 0.5 else alpha.astype(np.uint16) * level // 255
        rgb[:] = int(rng.integers(0, 256))
    elif kind == "mid-grey":  # Around the 127.5 split between dark and light ink.
        rgb[:] = int(rng.integers(118, 138))
    elif kind == "gradient":  # Dark ink on one side of the canvas, light on the other.
        rgb[:] = np.linspace(0, 255, alpha.shape[1]).astype(np.uint8)[np.newaxis, :, np.newaxis]
    if kind in ("garbage-under-transparent", "light-on-garbage"):
        garbage = rng.integers(0, 256, rgb.shape, dtype=np.uint8)
        rgb = np.where((alpha == 0)[..., np.newaxis], garbage, rgb)
    return rgb, alpha.astype(np.uint8)


def canvas_ink(rng, count):
    """Semi-transparent, coloured, light and mid-grey inks, and garbage RGB under transparent pixels."""
    inputs = []
    for i in range(count):
        kind = INK_KINDS[i % len(INK_KINDS)]
        alpha = np.asarray(drawn(rng, int(rng.integers(2, 41))).getchannel("A"))
        inputs.append((f"canvas-ink/{i:04d}-{kind}", encode(rgba(*recolour(kind, rng, alpha)))))
    return inputs


def two_blobs(rng) -> Image.Image:
    """Two separate blobs of similar size: two half-size digits, or two filled ellipses."""
    image = transparent((CANVAS, CANVAS))
    if rng.random() < 0.5:
        for left in (0, CANVAS // 2):
            image.alpha_composite(drawn(rng).resize((CANVAS // 2, CANVAS // 2)), (left, int(rng.integers(0, CANVAS // 2))))
        return image
    draw = ImageDraw.Draw(image)
    for left in (20, 160):
        radius = rng.uniform(25, 45)
        draw.ellipse([left + 50 - radius, 140 - radius * 1.3, left + 50 + radius, 140 + radius * 1.3], fill=(0, 0, 0, 255))
    return image


def canvas_specks(rng, count):
    """A digit with specks of sizes either side of SPECK_FRACTION, or two similar blobs with specks."""
    inputs = []
    for i in range(count):
        image = two_blobs(rng) if i % 3 == 2 else drawn(rng, int(rng.integers(2, 41)))
        draw = ImageDraw.Draw(image)
        for _ in range(int(rng.integers(1, 8))):
            radius, (x, y) = rng.uniform(0.5, 12), rng.uniform(0, CANVAS, 2)
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(0, 0, 0, 255))
        inputs.append((f"canvas-specks/{i:04d}-{'two-blobs' if i % 3 == 2 else 'digit'}", encode(image)))
    return inputs


def canvas_tiny(rng, count):
    """Dots and short strokes a few pixels long, on either side of MIN_INK_EXTENT and MIN_INK_PIXELS."""
    inputs = []
    for i in range(count):
        size = (CANVAS, CANVAS) if i % 2 else CANVAS_SIZES[i % len(CANVAS_SIZES)]
        image = transparent(size)
        x, y = rng.uniform(0, size[0] - 1), rng.uniform(0, size[1] - 1)
        dx, dy = rng.uniform(-8, 8, 2)
        ImageDraw.Draw(image).line([(x, y), (x + dx, y + dy)], fill=(0, 0, 0, 255), width=int(rng.integers(1, 5)))
        inputs.append((f"canvas-tiny/{i:04d}-{size[0]}x{size[1]}", encode(image)))
    return inputs
