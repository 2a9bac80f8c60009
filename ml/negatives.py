"""Synthetic "not a digit" drawings: handwriting-like letters, Greek, math symbols, doodles, marks.

They teach the model's extra class what to reject. Most are pen strokes (Hershey stroke fonts,
hand-drawn symbols and doodles) drawn by `ml.strokes.render` with the same random hand, canvas
and pen as the drawn digits, so the class learns shapes, not a drawing style; handwriting
fonts and a few scribbles, hatchings and blobs add variety. Everything then goes through the
same `preprocess` as every other input. Polygons with 3-4 sides are not drawn: people write
zeros that way.
"""

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ml import glyphs
from ml.strokes import arc, render

CANVAS = 280


def _hershey_latin(rng):
    return glyphs.hershey_image(*_pick(rng, glyphs.available(glyphs.HERSHEY_LATIN, glyphs.LATIN)), rng)


def _hershey_greek(rng):
    return glyphs.hershey_image(*_pick(rng, glyphs.available(glyphs.HERSHEY_GREEK, glyphs.GREEK)), rng)


def _hershey_symbol(rng):
    font, char = _pick(rng, glyphs.symbol_glyphs())
    return glyphs.hershey_image(font, char, rng)


def _font_letter(rng):
    fonts = glyphs.handwriting_fonts()
    if not fonts:
        return _hershey_latin(rng)
    path = _pick(rng, fonts)
    letters = [c for c in glyphs.LATIN if glyphs.font_has(path, c)]
    return glyphs.font_image(path, _pick(rng, letters), rng)


def _math_symbol(rng):
    """Hand-drawn +, x, -, =, division signs, arrows, inequalities, ticks and brackets."""
    j = lambda: rng.uniform(-0.08, 0.08)  # noqa: E731  (a small hand tremor per end point)
    shapes = (
        [[(0.5 + j(), 0.0), (0.5 + j(), 1.0)], [(0.0, 0.5 + j()), (1.0, 0.5 + j())]],  # plus
        [[(0.0, 0.0), (1.0 + j(), 1.0 + j())], [(1.0 + j(), 0.0), (0.0, 1.0 + j())]],  # times
        [[(0.0, 0.5), (1.0, 0.5 + j())]],  # minus
        [[(0.0, 0.3), (1.0, 0.3 + j())], [(0.0, 0.7 + j()), (1.0, 0.7)]],  # equals
        [[(0.0, 0.5), (1.0, 0.5 + j())], [(0.5, 0.15), (0.5 + j() / 4, 0.17)], [(0.5, 0.85), (0.5 + j() / 4, 0.83)]],  # obelus
        [[(1.0, 0.0), (0.0, 0.5 + j()), (1.0, 1.0)]],  # less than
        [[(0.0, 0.0), (1.0, 0.5 + j()), (0.0, 1.0)]],  # greater than
        [[(0.0, 0.5), (1.0, 0.5)], [(0.7, 0.25 + j()), (1.0, 0.5), (0.7, 0.75 + j())]],  # arrow
        [[(0.0, 0.55), (0.35, 1.0), (1.0, 0.0 + j())]],  # tick
        [[(0.1, 0.6), (0.3, 0.4), (0.5, 0.6), (0.7, 0.4), (0.9, 0.6)]],  # tilde-like wave
        [[(0.0, 0.6), (0.2, 0.5), (0.4, 1.0), (0.7, 0.0), (1.0, 0.0)]],  # root
        [arc(0.5, 0.5, 0.5, 0.5, 0, 360), [(0.5, 0.1), (0.5, 0.9)], [(0.1, 0.5), (0.9, 0.5)]],  # circled plus
        [[(0.0, 0.0), (1.0, 0.0)], [(0.3, 0.0), (0.25, 1.0)], [(0.7, 0.0), (0.75, 1.0)]],  # pi
    )
    return render(shapes[int(rng.integers(len(shapes)))], rng)


def _doodle(rng):
    """Simple object sketches: a house, a sun, a face, a fish, a tree, a heart, a cloud, a flower."""
    t = np.linspace(0, 2 * math.pi, 40)
    heart = list(zip(0.5 + 0.5 * np.sin(t) ** 3, 0.45 - (13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)) / 32))
    doodles = (
        [[(0.1, 0.45), (0.5, 0.0), (0.9, 0.45)], [(0.2, 0.4), (0.2, 1.0), (0.8, 1.0), (0.8, 0.4)], [(0.42, 1.0), (0.42, 0.7), (0.58, 0.7), (0.58, 1.0)]],
        [arc(0.5, 0.5, 0.22, 0.22, 0, 360)] + [[(0.5 + 0.3 * math.cos(a), 0.5 + 0.3 * math.sin(a)), (0.5 + 0.48 * math.cos(a), 0.5 + 0.48 * math.sin(a))] for a in np.linspace(0, 2 * math.pi, 9)[:-1]],
        [arc(0.5, 0.5, 0.5, 0.5, 0, 360), [(0.33, 0.35), (0.34, 0.4)], [(0.66, 0.35), (0.67, 0.4)], arc(0.5, 0.55, 0.25, 0.2, 20, 160)],
        [arc(0.45, 0.5, 0.35, 0.22, 30, 330) + [(1.0, 0.3), (1.0, 0.7), (0.75, 0.39)], [(0.25, 0.45), (0.26, 0.47)]],
        [arc(0.5, 0.3, 0.35, 0.3, 0, 360), [(0.45, 0.6), (0.45, 1.0)], [(0.55, 0.6), (0.55, 1.0)]],
        [heart],
        [arc(0.25, 0.6, 0.2, 0.2, 90, 270) + arc(0.45, 0.4, 0.22, 0.22, 180, 340) + arc(0.72, 0.55, 0.22, 0.25, 250, 450) + [(0.25, 0.8)]],
        [arc(0.5, 0.3, 0.1, 0.1, 0, 360)] + [arc(0.5 + 0.2 * math.cos(a), 0.3 + 0.2 * math.sin(a), 0.1, 0.1, 0, 360) for a in np.linspace(0, 2 * math.pi, 6)[:-1]] + [[(0.5, 0.5), (0.5, 1.0)]],
        [[(0.0, 0.7), (0.1, 0.45), (0.9, 0.45), (1.0, 0.7), (0.0, 0.7)], arc(0.25, 0.75, 0.1, 0.1, 0, 360), arc(0.75, 0.75, 0.1, 0.1, 0, 360), [(0.25, 0.45), (0.35, 0.2), (0.65, 0.2), (0.75, 0.45)]],
    )
    return render(doodles[int(rng.integers(len(doodles)))], rng)


def _digit_pair(rng):
    """Two digits side by side: a number, not one digit."""
    font = _pick(rng, glyphs.HERSHEY_DIGITS)
    first, second = (glyphs.hershey_strokes(font, str(d)) for d in rng.integers(0, 10, size=2))
    gap = rng.uniform(0.5, 0.9)
    shifted = [list(s) for s in first] + [[(x + gap, y) for x, y in s] for s in second]
    return render(shifted, rng) if rng.random() < 0.7 else _typed_pair(rng)


def _typed_pair(rng):
    image, draw = _canvas()
    font = ImageFont.load_default(size=int(rng.integers(110, 150)))
    pair = "".join(str(d) for d in rng.integers(0, 10, size=2))
    draw.text((140, 140), pair, fill=0, font=font, anchor="mm", stroke_width=int(rng.integers(0, 4)))
    return image


def _scribble(rng):
    image, draw = _canvas()
    draw.line(_points(rng, int(rng.integers(6, 25))), fill=0, width=_width(rng), joint="curve")
    return image


def _hatching(rng):
    image, draw = _canvas()
    lines, angle = int(rng.integers(3, 7)), rng.uniform(0, math.pi)
    dx, dy = math.cos(angle) * 110, math.sin(angle) * 110
    for offset in np.linspace(-90, 90, lines):
        cx, cy = 140 - math.sin(angle) * offset, 140 + math.cos(angle) * offset
        draw.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill=0, width=max(3, _width(rng) // 2))
    return image


def _star(rng):
    spikes, outer, inner = int(rng.integers(5, 9)), 0.5, rng.uniform(0.12, 0.3)
    corners = [(0.5 + (outer if k % 2 == 0 else inner) * math.cos(math.pi * k / spikes), 0.5 + (outer if k % 2 == 0 else inner) * math.sin(math.pi * k / spikes)) for k in range(2 * spikes)]
    return render([corners + corners[:1]], rng)


def _spiral(rng):
    turns = rng.uniform(2.0, 4.0)
    angles = np.linspace(0, turns * 2 * math.pi, 200)
    radii = 0.03 + 0.47 * angles / angles[-1]
    return render([list(zip(0.5 + radii * np.cos(angles), 0.5 + radii * np.sin(angles)))], rng)


def _blob(rng):
    image, draw = _canvas()
    box = sorted(rng.integers(30, 250, size=2).tolist())
    other = sorted(rng.integers(30, 250, size=2).tolist())
    draw.ellipse([box[0], other[0], box[1] + 20, other[1] + 20], fill=0)
    draw.line(_points(rng, 4), fill=0, width=_width(rng))
    return image


def _typed_letter(rng):
    image, draw = _canvas()
    font = ImageFont.load_default(size=int(rng.integers(150, 230)))
    draw.text((140, 140), _pick(rng, glyphs.LATIN), fill=0, font=font, anchor="mm", stroke_width=int(rng.integers(0, 6)))
    return image


# Each kind with its share of the negatives: mostly handwriting-like strokes.
KINDS = {
    "hershey_latin": (_hershey_latin, 5),
    "hershey_greek": (_hershey_greek, 4),
    "hershey_symbol": (_hershey_symbol, 2),
    "font_letter": (_font_letter, 4),
    "math_symbol": (_math_symbol, 4),
    "doodle": (_doodle, 2),
    "digit_pair": (_digit_pair, 1),
    "scribble": (_scribble, 1),
    "hatching": (_hatching, 1),
    "star": (_star, 1),
    "spiral": (_spiral, 1),
    "blob": (_blob, 1),
    "typed_letter": (_typed_letter, 1),
}
_SCHEDULE = tuple(kind for kind, (_, share) in KINDS.items() for _ in range(share))


def draw_negative(kind: str, rng: np.random.Generator) -> Image.Image:
    return KINDS[kind][0](rng)


def make_negatives(count: int, seed: int) -> list[Image.Image]:
    """`count` negative drawings, cycling through every kind by its share, reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    return [draw_negative(_SCHEDULE[i % len(_SCHEDULE)], rng) for i in range(count)]


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _canvas():
    image = Image.new("L", (CANVAS, CANVAS), 255)
    return image, ImageDraw.Draw(image)


def _width(rng) -> int:
    return int(rng.integers(6, 28))


def _points(rng, n, margin=30):
    return [tuple(p) for p in rng.integers(margin, CANVAS - margin, size=(n, 2)).tolist()]
