"""Digits as people really draw them, as stroke shapes: several styles of each digit.

Each entry is one way of writing the digit, as strokes in a unit box (x right, y down), drawn
by `ml.strokes.render` with a random hand and pen. Beside MNIST's own styles these add what
the real drawings the site gets showed: polygonal and slashed zeros, boxy 6s, open and closed
4s, 7s with and without a crossbar, continental 1s with a long flag, one-stroke figure-eights,
9s with a straight or curved tail, flat-topped 3s, looped 2s.
"""

import numpy as np

from ml.strokes import arc


def _rounded_polygon(sides: int, start_deg: float, roundness: float) -> list:
    """A closed polygon blended with a circle: a zero drawn as a rounded triangle or square.

    `roundness` 0 is the polygon, 1 the circle.
    """
    theta = np.linspace(0, 2 * np.pi, 73)
    sector = 2 * np.pi / sides
    polygon = np.cos(np.pi / sides) / np.cos((theta - np.radians(start_deg)) % sector - np.pi / sides)
    radius = roundness + (1 - roundness) * polygon
    return [list(zip(0.5 + 0.45 * radius * np.cos(theta), 0.5 + 0.5 * radius * np.sin(theta)))]


def _figure_eight() -> list:
    t = np.linspace(0, 2 * np.pi, 60)
    return [list(zip(0.5 + 0.42 * np.sin(2 * t) / 1.0, 0.5 - 0.5 * np.cos(t)))]


SHAPES = {
    0: [
        [arc(0.5, 0.5, 0.35, 0.5, -90, 270)],
        [arc(0.5, 0.5, 0.42, 0.5, -100, 275)],
        [arc(0.5, 0.5, 0.3, 0.5, -80, 300)],  # Not quite closed.
        _rounded_polygon(3, -90, 0.45),
        _rounded_polygon(3, 90, 0.5),
        _rounded_polygon(4, 45, 0.45),
        _rounded_polygon(5, -90, 0.4),
        [arc(0.5, 0.5, 0.38, 0.5, -90, 270), [(0.78, 0.1), (0.22, 0.9)]],  # Slashed, as programmers write it.
        [arc(0.5, 0.5, 0.35, 0.5, -90, 270), [(0.5, 0.2), (0.5, 0.8)]],  # With a centre stroke.
    ],
    1: [
        [[(0.5, 0.0), (0.5, 1.0)]],
        [[(0.3, 0.2), (0.55, 0.0), (0.55, 1.0)]],
        [[(0.15, 0.35), (0.6, 0.0), (0.6, 1.0)]],  # Continental: a long flag.
        [[(0.25, 0.25), (0.55, 0.0), (0.55, 1.0)], [(0.3, 1.0), (0.8, 1.0)]],  # With a base.
        [[(0.6, 0.0), (0.4, 1.0)]],
    ],
    2: [
        [arc(0.5, 0.28, 0.35, 0.28, 190, 370) + [(0.1, 1.0), (0.95, 1.0)]],
        [arc(0.5, 0.3, 0.38, 0.3, 180, 380) + [(0.15, 0.9)] + arc(0.22, 0.88, 0.1, 0.1, 0, -300) + [(0.95, 0.95)]],  # Looped.
        [[(0.1, 0.1), (0.85, 0.1), (0.1, 1.0), (0.9, 1.0)]],
        [arc(0.5, 0.3, 0.38, 0.3, 200, 360) + [(0.2, 0.95), (0.85, 0.85)]],
    ],
    3: [
        [arc(0.45, 0.25, 0.35, 0.25, 200, 450) + arc(0.45, 0.75, 0.4, 0.25, -90, 160)],
        [[(0.1, 0.05), (0.85, 0.05), (0.4, 0.42)] + arc(0.45, 0.7, 0.4, 0.3, -90, 160)],  # Flat top.
        [arc(0.5, 0.25, 0.3, 0.25, 180, 450), arc(0.5, 0.75, 0.38, 0.25, -90, 180)],
    ],
    4: [
        [[(0.62, 0.0), (0.05, 0.68), (0.95, 0.68)], [(0.7, 0.3), (0.7, 1.0)]],
        [[(0.25, 0.0), (0.1, 0.6), (0.9, 0.6)], [(0.7, 0.1), (0.7, 1.0)]],  # Open.
        [[(0.2, 0.0), (0.15, 0.55), (0.75, 0.55)], [(0.72, 0.0), (0.72, 1.0)]],  # Open, upright.
        [[(0.7, 1.0), (0.7, 0.0), (0.05, 0.7), (0.95, 0.7)]],  # One stroke.
    ],
    5: [
        [[(0.85, 0.0), (0.25, 0.0), (0.18, 0.42)] + arc(0.47, 0.68, 0.38, 0.32, -130, 150)],
        [[(0.2, 0.0), (0.15, 0.45)] + arc(0.47, 0.68, 0.38, 0.32, -130, 150), [(0.2, 0.0), (0.85, 0.0)]],
        [[(0.25, 0.0), (0.2, 0.45), (0.6, 0.42), (0.85, 0.65), (0.6, 0.95), (0.1, 0.9)], [(0.25, 0.0), (0.9, 0.02)]],
    ],
    6: [
        [[(0.75, 0.0), (0.35, 0.3), (0.15, 0.65)] + arc(0.48, 0.72, 0.33, 0.28, 180, 540)],
        [arc(0.75, 0.55, 0.6, 0.55, 250, 175) + arc(0.48, 0.75, 0.33, 0.25, 180, 520)],
        [[(0.8, 0.0), (0.2, 0.0), (0.15, 1.0), (0.85, 1.0), (0.85, 0.5), (0.18, 0.5)]],  # Boxy, one stroke.
    ],
    7: [
        [[(0.05, 0.0), (0.95, 0.0), (0.35, 1.0)]],
        [[(0.05, 0.0), (0.95, 0.0), (0.35, 1.0)], [(0.3, 0.5), (0.85, 0.5)]],  # Crossbar.
        [[(0.05, 0.15), (0.1, 0.0), (0.95, 0.0), (0.5, 0.5), (0.45, 1.0)]],
        [[(0.05, 0.0), (0.95, 0.0), (0.45, 1.0)], [(0.2, 0.52), (0.8, 0.48)]],
    ],
    8: [
        [arc(0.5, 0.26, 0.3, 0.26, 90, 450) + arc(0.5, 0.74, 0.38, 0.26, -90, 270)],
        _figure_eight(),  # One stroke, wide.
        [arc(0.5, 0.25, 0.28, 0.25, 0, 360), arc(0.5, 0.74, 0.36, 0.26, 0, 360)],
    ],
    9: [
        [arc(0.5, 0.28, 0.35, 0.28, 0, 360) + [(0.85, 0.3), (0.8, 1.0)]],
        [arc(0.48, 0.28, 0.36, 0.28, 10, 370) + [(0.84, 0.35), (0.6, 1.0)]],
        [arc(0.5, 0.3, 0.36, 0.3, 0, 360) + [(0.86, 0.32), (0.86, 0.8)] + arc(0.6, 0.8, 0.26, 0.2, 0, 120)],
    ],
}


def make_shaped_digits(count: int, seed: int) -> tuple[list, np.ndarray]:
    """`count` digits cycling 0-9, each in a random one of its styles, drawn by a random hand."""
    from ml.strokes import render

    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    images = []
    for digit in labels:
        styles = SHAPES[int(digit)]
        images.append(render(styles[int(rng.integers(len(styles)))], rng))
    return images, labels
