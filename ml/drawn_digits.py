"""Digits drawn the way the site's canvas draws them: strokes on a transparent 280x280 canvas.

A stand-in for "our own drawn digits" where no person can draw: each digit is a stroke
template in a unit box, jittered (slant, scale, wobble, stroke width) and rendered like the
browser does, black ink on transparent. Used to measure acceptance on canvas-style digits.
"""

import numpy as np
from PIL import Image, ImageDraw

CANVAS = 280


def _arc(cx, cy, rx, ry, start_deg, end_deg, steps=24):
    angles = np.radians(np.linspace(start_deg, end_deg, steps))
    return list(zip(cx + rx * np.cos(angles), cy + ry * np.sin(angles)))


# Strokes per digit in a unit box (x right, y down); angles in degrees, 0 = right, 90 = down.
TEMPLATES = {
    0: [_arc(0.5, 0.5, 0.3, 0.45, -90, 270)],
    1: [[(0.38, 0.18), (0.55, 0.03), (0.55, 0.97)]],
    2: [_arc(0.5, 0.3, 0.3, 0.25, 190, 380) + [(0.18, 0.95), (0.85, 0.95)]],
    3: [_arc(0.48, 0.27, 0.28, 0.22, 200, 450) + _arc(0.48, 0.72, 0.32, 0.25, -90, 160)],
    4: [[(0.6, 0.03), (0.12, 0.65), (0.88, 0.65)], [(0.65, 0.35), (0.65, 0.97)]],
    5: [[(0.82, 0.04), (0.3, 0.04), (0.24, 0.44)] + _arc(0.48, 0.68, 0.32, 0.27, -120, 150)],
    6: [[(0.72, 0.04), (0.4, 0.3), (0.22, 0.65)] + _arc(0.5, 0.7, 0.28, 0.25, 180, 540)],
    7: [[(0.12, 0.05), (0.88, 0.05), (0.38, 0.97)]],
    8: [_arc(0.5, 0.27, 0.24, 0.22, 90, 450) + _arc(0.5, 0.72, 0.29, 0.25, -90, 270)],
    9: [_arc(0.5, 0.3, 0.27, 0.25, 0, 360) + [(0.77, 0.32), (0.72, 0.97)]],
}


def draw_digit(digit: int, rng: np.random.Generator, width: int | None = None) -> Image.Image:
    """An RGBA canvas image of `digit`, black ink on transparent, randomly varied."""
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    size = rng.uniform(150, 230)
    slant = rng.uniform(-0.25, 0.25)
    origin = rng.uniform(25, CANVAS - 25 - size * 0.8, size=2)
    stroke = width or int(rng.integers(10, 26))
    for template in TEMPLATES[digit]:
        points = np.asarray(template) + rng.normal(0, 0.012, size=(len(template), 2))
        xs = origin[0] + (points[:, 0] * 0.75 + slant * (1 - points[:, 1])) * size
        ys = origin[1] + points[:, 1] * size
        draw.line(list(zip(xs.tolist(), ys.tolist())), fill=(0, 0, 0, 255), width=stroke, joint="curve")
        for x, y in ((xs[0], ys[0]), (xs[-1], ys[-1])):
            draw.ellipse([x - stroke / 2, y - stroke / 2, x + stroke / 2, y + stroke / 2], fill=(0, 0, 0, 255))
    return image


def make_drawn_digits(count: int, seed: int, width: int | None = None) -> tuple[list[Image.Image], np.ndarray]:
    """`count` drawn digits cycling 0-9, with their labels; reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    return [draw_digit(int(d), rng, width) for d in labels], labels

