"""Render pen strokes the way people's drawings arrive: any canvas size, any pen, a shaky hand.

Strokes are lists of (x, y) points in a unit box (x right, y down). `render` places them on a
canvas with a random size, slant, rotation, pen width and wobble, antialiased, dark ink on a
light or transparent background, as canvases, tablets and paint programs save them. Both the
drawn digits (positives) and the stroke-font negatives go through it, so the model cannot
tell the two apart by how they were drawn, only by their shape.
"""

import math

import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 4  # Drawn this many times larger, then reduced: antialiased edges on small canvases.
# Canvas sides people's drawings come in: MNIST-like crops, small paint images, web canvases.
CANVAS_SIDES = (28, 32, 40, 50, 64, 100, 140, 200, 280, 400)
# Pen width as a share of the drawing's height: hairline mouse strokes to fat marker brushes.
PEN_SHARE = (0.02, 0.16)


def render(strokes: list, rng: np.random.Generator, *, side: int | None = None, pen: float | None = None) -> Image.Image:
    """One image of `strokes` drawn with a random hand, canvas and pen (an RGBA or L image)."""
    side = side or int(rng.choice(CANVAS_SIDES))
    big = side * SUPERSAMPLE
    size = big * rng.uniform(0.55, 0.85)
    pen_share = pen if pen is not None else _pen_share(rng)
    width = max(SUPERSAMPLE, int(round(pen_share * size)))
    points = [_transform(np.asarray(s, dtype=np.float64), rng) for s in strokes if len(s)]
    points = _fit(points, size, big, rng)
    transparent = rng.random() < 0.4  # Canvas PNGs: black ink on a transparent background.
    image = Image.new("RGBA" if transparent else "L", (big, big), (0, 0, 0, 0) if transparent else 255)
    ink = (0, 0, 0, 255) if transparent else int(rng.integers(0, 60))
    draw = ImageDraw.Draw(image)
    for stroke in points:
        xy = [tuple(p) for p in stroke.tolist()]
        if len(xy) > 1:
            draw.line(xy, fill=ink, width=width, joint="curve")
        for x, y in (xy[0], xy[-1]):  # Round pen ends, as a canvas's lineCap "round".
            draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill=ink)
    return image.resize((side, side), Image.Resampling.BOX)


def _pen_share(rng) -> float:
    # Log-uniform: thin pens are as common as thick ones in real drawings.
    low, high = PEN_SHARE
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def _transform(stroke: np.ndarray, rng) -> np.ndarray:
    """The stroke with a smooth wobble of its own (a shaky hand); `_fit` slants and rotates."""
    stroke = _densify(stroke)
    wobble = _smooth_noise(len(stroke), rng) * rng.uniform(0.0, 0.03)
    return stroke + wobble


def _densify(stroke: np.ndarray, step: float = 0.02) -> np.ndarray:
    """Points at most `step` apart, so wobble bends lines instead of moving their ends."""
    out = [stroke[0]]
    for a, b in zip(stroke[:-1], stroke[1:]):
        n = max(1, int(np.hypot(*(b - a)) / step))
        out.extend(a + (b - a) * t for t in np.linspace(0, 1, n + 1)[1:])
    return np.asarray(out)


def _smooth_noise(count: int, rng) -> np.ndarray:
    knots = max(2, count // 12 + 2)
    coarse = rng.normal(0, 1, size=(knots, 2))
    at = np.linspace(0, knots - 1, count)
    return np.stack([np.interp(at, np.arange(knots), coarse[:, k]) for k in range(2)], axis=1)


def _fit(strokes: list, size: float, side: int, rng) -> list:
    """Slant, rotate and stretch the whole drawing, then scale its height to `size`, placed
    with a random margin inside the canvas."""
    slant, angle = rng.uniform(-0.3, 0.3), math.radians(rng.uniform(-12, 12))
    aspect = rng.uniform(0.75, 1.25)
    cos, sin = math.cos(angle), math.sin(angle)
    matrix = np.array([[cos, -sin], [sin, cos]]) @ np.array([[aspect, -slant], [0.0, 1.0]])
    moved = [s @ matrix.T for s in strokes]
    every = np.concatenate(moved)
    low, high = every.min(axis=0), every.max(axis=0)
    scale = size / max(high[1] - low[1], high[0] - low[0], 1e-6)
    extent = (high - low) * scale
    origin = [rng.uniform(0, max(side - e, 0) + 1e-6) for e in extent]
    return [(s - low) * scale + origin for s in moved]


def arc(cx: float, cy: float, rx: float, ry: float, start_deg: float, end_deg: float, steps: int = 24) -> list:
    """Points along an ellipse arc; angles in degrees, 0 = right, 90 = down."""
    angles = np.radians(np.linspace(start_deg, end_deg, steps))
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles)))
