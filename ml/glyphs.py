"""Handwriting-like characters from fonts that ship as packages: letters, Greek, symbols, digits.

Two kinds of font:
- Hershey stroke fonts (the `hershey-fonts` package on PyPI, public domain): each glyph is a
  list of pen strokes, drawn by `ml.strokes.render` with the same random hand and pen as the
  drawn digits.
- Handwriting outline fonts from Debian (`fonts-dkg-handwriting`, `fonts-breip`, `fonts-bwht`,
  `fonts-femkeklaver`, `fonts-rufscript`, `fonts-comic-neue`, `fonts-humor-sans`), rendered
  by Pillow. Those found on the machine are used; `HANDWRITING_FONTS` names them, and a
  version's metadata records which were there.

Characters that are the same shape as a digit (O, o, I, i, l, omicron, iota, ...) or that
people write as one (S/5, Z/2, g/9, q/9, b/6) are never used as "not a digit".
"""

import functools
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ml.strokes import CANVAS_SIDES, render

DIGIT_LIKE_LATIN = set("OoIilSsZzgqbJj")
LATIN = "".join(sorted(set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") - DIGIT_LIKE_LATIN))
# In Hershey's Greek fonts ASCII letters stand for Greek ones: o/O omicron, i/I iota, Z zeta,
# B beta (a Latin B), j/q theta-like, are left out.
GREEK = "".join(sorted(set("abcdefghklmnprstuvwxyzADEFGHKLMNPQRTUVWXY") - set("oOiIZBjq")))
SYMBOLS = "+-*=<>#%&@~?$^"
HERSHEY_LATIN = ("futural", "futuram", "rowmans", "rowmand", "timesr", "timesi", "cursive", "scripts", "scriptc")
HERSHEY_GREEK = ("greek", "greekc", "greeks")
HERSHEY_SYMBOL_FONTS = ("mathlow", "mathupp", "symbolic")
HERSHEY_DIGITS = ("futural", "rowmans", "timesr", "timesi", "cursive", "scripts", "scriptc", "greek")
FONT_ROOTS = ("/usr/share/fonts/truetype", "/usr/share/fonts/opentype")
HANDWRITING_FONTS = (
    "fifthhorseman/dkg.ttf",
    "fifthhorseman/dkgIt.ttf",
    "breip/Breip.ttf",
    "bwht/BecauseWeLearn-Regular.otf",
    "bwht/BecauseWeBuild-Regular.otf",
    "bwht/BecauseWeConnect-Regular.otf",
    "bwht/BecauseWeCreate-Regular.otf",
    "femkeklaver/femkeklaver.ttf",
    "rufscript/Rufscript010.ttf",
    "comic-neue/ComicNeue-Regular.otf",
    "comic-neue/ComicNeue-Light.otf",
    "humor-sans/Humor-Sans.ttf",
)


@functools.cache
def hershey_strokes(font: str, char: str) -> tuple:
    """The pen strokes of one Hershey glyph, y pointing down; () when the font lacks it."""
    face = _hershey_font(font)
    strokes = [[(x, -y) for x, y in stroke] for stroke in face.strokes_for_text(char)]
    return tuple(tuple(s) for s in strokes if len(s) > 1)


@functools.cache
def _hershey_font(name: str):
    from HersheyFonts import HersheyFonts  # Only training draws glyphs: serving never imports the fonts.

    face = HersheyFonts()
    face.load_default_font(name)
    face.normalize_rendering(1.0)
    return face


def is_line(strokes) -> bool:
    """A glyph that is one straight line (|, /, a lone bar) reads as a 1: not a negative."""
    points = np.concatenate([np.asarray(s, dtype=np.float64) for s in strokes])
    spread = np.linalg.svd(points - points.mean(axis=0), compute_uv=False)
    return len(strokes) == 1 and spread[-1] < 0.1 * spread[0]


@functools.cache
def available(fonts: tuple, chars: str) -> tuple:
    """(font, char) of every glyph the fonts draw, one straight line excepted."""
    chosen = [(f, c) for f in fonts for c in chars]
    return tuple((f, c) for f, c in chosen if hershey_strokes(f, c) and not is_line(hershey_strokes(f, c)))


def symbol_glyphs() -> tuple:
    """ASCII symbols, and every glyph of the math and symbol fonts."""
    return available(("futural",), SYMBOLS) + available(HERSHEY_SYMBOL_FONTS, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + SYMBOLS)


def hershey_image(font: str, char: str, rng: np.random.Generator) -> Image.Image:
    return render([list(s) for s in hershey_strokes(font, char)], rng)


@functools.cache
def handwriting_fonts() -> tuple:
    """Paths of the Debian handwriting fonts installed here, in `HANDWRITING_FONTS` order."""
    found = []
    for name in HANDWRITING_FONTS:
        for root in FONT_ROOTS:
            if (Path(root) / name).is_file():
                found.append(str(Path(root) / name))
                break
    return tuple(found)


def font_image(path: str, char: str, rng: np.random.Generator) -> Image.Image:
    """`char` in an outline font, thickened or not, tilted and sheared, on a random canvas."""
    big = 256
    font = ImageFont.truetype(path, size=int(rng.integers(150, 210)))
    image = Image.new("L", (big, big), 255)
    ImageDraw.Draw(image).text((big / 2, big / 2), char, fill=0, font=font, anchor="mm", stroke_width=int(rng.integers(0, 7)), stroke_fill=0)
    angle, shear = math.radians(rng.uniform(-12, 12)), rng.uniform(-0.25, 0.25)
    cos, sin = math.cos(angle), math.sin(angle)
    a, b, d, e = cos, -sin + shear, sin, cos
    c, f = big / 2 - a * big / 2 - b * big / 2, big / 2 - d * big / 2 - e * big / 2
    image = image.transform((big, big), Image.Transform.AFFINE, (a, b, c, d, e, f), resample=Image.Resampling.BILINEAR, fillcolor=255)
    side = int(rng.choice(CANVAS_SIDES))
    return image.resize((side, side), Image.Resampling.BOX)


def font_has(path: str, char: str) -> bool:
    """Whether the font draws `char` with ink (some fonts lack digits or letters)."""
    return _glyph_ink(path, char) > 20


@functools.cache
def _glyph_ink(path: str, char: str) -> int:
    font = ImageFont.truetype(path, size=64)
    image = Image.new("L", (96, 96), 0)
    ImageDraw.Draw(image).text((48, 48), char, fill=255, font=font, anchor="mm")
    notdef = Image.new("L", (96, 96), 0)
    ImageDraw.Draw(notdef).text((48, 48), "\uffff", fill=255, font=font, anchor="mm")
    if np.array_equal(np.asarray(image), np.asarray(notdef)):
        return 0
    return int((np.asarray(image) > 128).sum())


def make_font_digits(count: int, seed: int) -> tuple[list, np.ndarray]:
    """`count` digits cycling 0-9 from the stroke fonts and the handwriting fonts, half each
    (all stroke fonts when no handwriting font is installed)."""
    rng = np.random.default_rng(seed)
    fonts = handwriting_fonts()
    labels = np.arange(count) % 10
    images = []
    for i, digit in enumerate(labels):
        outline = [p for p in fonts if font_has(p, str(digit))]
        if outline and i % 2:
            images.append(font_image(outline[int(rng.integers(len(outline)))], str(digit), rng))
        else:
            images.append(hershey_image(HERSHEY_DIGITS[int(rng.integers(len(HERSHEY_DIGITS)))], str(digit), rng))
    return images, labels
