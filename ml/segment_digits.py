"""Seven-segment digits drawn on the site's canvas: a style of writing MNIST does not contain.

Used to prove the learning loop: a model trained on MNIST reads many of these wrongly, and
verified drawings of this style should teach it. Each digit is drawn as separate straight
segments (like a calculator display), jittered in size, slant, position, segment gaps and
stroke width, black ink on a transparent 280x280 canvas as the browser sends it.
"""

import numpy as np
from PIL import Image, ImageDraw

CANVAS = 280

# Segment ends in a unit box (x right, y down): a top, b top right, c bottom right, d bottom,
# e bottom left, f top left, g middle.
SEGMENTS = {
    "a": ((0, 0), (1, 0)),
    "b": ((1, 0), (1, 0.5)),
    "c": ((1, 0.5), (1, 1)),
    "d": ((0, 1), (1, 1)),
    "e": ((0, 0.5), (0, 1)),
    "f": ((0, 0), (0, 0.5)),
    "g": ((0, 0.5), (1, 0.5)),
}
LIT = {0: "abcdef", 1: "bc", 2: "abged", 3: "abgcd", 4: "fgbc", 5: "afgcd", 6: "afgedc", 7: "abc", 8: "abcdefg", 9: "abcdfg"}


def draw_segment_digit(digit: int, rng: np.random.Generator) -> Image.Image:
    """An RGBA canvas image of `digit` in seven-segment style, randomly varied."""
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    height = rng.uniform(140, 220)
    width = height * rng.uniform(0.45, 0.65)
    slant = rng.uniform(0.0, 0.25)  # Displays lean right, if at all.
    gap = rng.uniform(0.0, 0.12)  # Space between neighbouring segments, as a share of a segment.
    stroke = int(rng.integers(8, 24))
    left = rng.uniform(20, CANVAS - 20 - width - slant * height)
    top = rng.uniform(20, CANVAS - 20 - height)
    for name in LIT[digit]:
        (x0, y0), (x1, y1) = SEGMENTS[name]
        ends = [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for t in (gap, 1 - gap)]
        points = [(left + (x + slant * (1 - y)) * width, top + y * height) for x, y in ends]
        pen.line(points, fill=(0, 0, 0, 255), width=stroke)
    return image


def make_segment_digits(count: int, seed: int) -> tuple[list[Image.Image], np.ndarray]:
    """`count` seven-segment digits cycling 0-9, with their labels; reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    return [draw_segment_digit(int(d), rng) for d in labels], labels
