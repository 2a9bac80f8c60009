"""Synthetic "not a digit" drawings: scribbles, shapes, hatching, letters and digit pairs.

They teach the model's extra class what to reject. Each is drawn on a white 280x280 canvas
like the site's own, then goes through the same `preprocess` as everything else.
"""

import math
import string

import numpy as np
from PIL import Image, ImageDraw, ImageFont

CANVAS = 280
# Letters that people would also accept as digits (O/0, l/1, S/5, Z/2, B/8, g/9, ...) are left out.
LETTERS = "".join(sorted(set(string.ascii_letters) - set("OoIilLSsZzBbgqGDTJjy")))
KINDS = ("scribble", "polygon", "hatching", "letter", "star", "spiral", "digit_pair", "blob")


def draw_negative(kind: str, rng: np.random.Generator) -> Image.Image:
    image = Image.new("L", (CANVAS, CANVAS), 255)
    draw = ImageDraw.Draw(image)
    width = int(rng.integers(6, 28))
    globals()[f"_draw_{kind}"](draw, rng, width)
    return image


def make_negatives(count: int, seed: int) -> list[Image.Image]:
    """`count` negative drawings, cycling through every kind, reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    return [draw_negative(KINDS[i % len(KINDS)], rng) for i in range(count)]


def _points(rng, n, margin=30):
    return [tuple(p) for p in rng.integers(margin, CANVAS - margin, size=(n, 2)).tolist()]


def _draw_scribble(draw, rng, width):
    draw.line(_points(rng, int(rng.integers(6, 25))), fill=0, width=width, joint="curve")


def _draw_polygon(draw, rng, width):
    sides = int(rng.integers(3, 5))  # Pentagons and up pass for zeros.
    centre, radius = rng.integers(110, 170, size=2), rng.integers(50, 120)
    start = rng.uniform(0, 2 * math.pi)
    corners = [(centre[0] + radius * math.cos(start + 2 * math.pi * k / sides), centre[1] + radius * math.sin(start + 2 * math.pi * k / sides)) for k in range(sides)]
    draw.line(corners + corners[:1], fill=0, width=width, joint="curve")


def _draw_hatching(draw, rng, width):
    lines, angle = int(rng.integers(3, 7)), rng.uniform(0, math.pi)
    dx, dy = math.cos(angle) * 110, math.sin(angle) * 110
    for offset in np.linspace(-90, 90, lines):
        cx, cy = 140 - math.sin(angle) * offset, 140 + math.cos(angle) * offset
        draw.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill=0, width=max(3, width // 2))


def _draw_letter(draw, rng, width):
    font = ImageFont.load_default(size=int(rng.integers(150, 230)))
    letter = LETTERS[int(rng.integers(len(LETTERS)))]
    draw.text((140, 140), letter, fill=0, font=font, anchor="mm", stroke_width=int(rng.integers(0, 6)))


def _draw_star(draw, rng, width):
    spikes, centre = int(rng.integers(5, 9)), rng.integers(120, 160, size=2)
    outer, inner = rng.integers(80, 125), rng.integers(20, 50)
    corners = [(centre[0] + (outer if k % 2 == 0 else inner) * math.cos(math.pi * k / spikes), centre[1] + (outer if k % 2 == 0 else inner) * math.sin(math.pi * k / spikes)) for k in range(2 * spikes)]
    draw.line(corners + corners[:1], fill=0, width=width, joint="curve")


def _draw_spiral(draw, rng, width):
    turns, growth = rng.uniform(2.0, 4.0), rng.uniform(0.8, 1.2)
    angles = np.linspace(0, turns * 2 * math.pi, 200)
    radii = 8 + growth * angles * 110 / angles[-1]
    draw.line(list(zip((140 + radii * np.cos(angles)).tolist(), (140 + radii * np.sin(angles)).tolist())), fill=0, width=max(4, width // 2))


def _draw_digit_pair(draw, rng, width):
    font = ImageFont.load_default(size=int(rng.integers(110, 150)))
    pair = "".join(str(d) for d in rng.integers(0, 10, size=2))
    draw.text((140, 140), pair, fill=0, font=font, anchor="mm", stroke_width=int(rng.integers(0, 4)))


def _draw_blob(draw, rng, width):
    box = sorted(rng.integers(30, 250, size=2).tolist())
    other = sorted(rng.integers(30, 250, size=2).tolist())
    draw.ellipse([box[0], other[0], box[1] + 20, other[1] + 20], fill=0)
    draw.line(_points(rng, 4), fill=0, width=width)
