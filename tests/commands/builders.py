"""Builders for command tests: stored drawings and small model versions."""

from PIL import Image, ImageDraw

from collector.models import Drawing
from collector.services import drawing_create
from ml.constants import NOT_A_DIGIT
from tests.ml.drawings import draw_digit, encode

DRAWN = ("0", "1", "4", "7")  # The digits tests.ml.drawings knows how to draw.


def stored_drawing(digit: str = "7", *, label: int | None = None, status: str = Drawing.Status.VERIFIED, source: str = Drawing.Source.COLLECT, strokes=None, side: int = 280, width: int = 18) -> Drawing:
    """A drawing of `digit` stored through the collector's own service."""
    image = encode(draw_digit(digit, side=side, width=width))
    return drawing_create(image=image, label=int(digit) if label is None else label, source=source, status=status, strokes=strokes)


def not_a_digit_image(*, side: int = 280, width: int = 18) -> Image.Image:
    """Something that is not a digit, as a contributor draws it: a plus sign in a box."""
    image = Image.new("L", (side, side), 255)
    pen = ImageDraw.Draw(image)
    low, mid, high = side * 0.2, side * 0.5, side * 0.8
    pen.rectangle((low, low, high, high), outline=0, width=width)
    pen.line((mid, low, mid, high), fill=0, width=width)
    pen.line((low, mid, high, mid), fill=0, width=width)
    return image


def stored_not_a_digit(*, status: str = Drawing.Status.VERIFIED, source: str = Drawing.Source.COLLECT, strokes=None, width: int = 18) -> Drawing:
    """A drawing labeled "not a digit" (10), stored through the collector's own service."""
    return drawing_create(image=encode(not_a_digit_image(width=width)), label=NOT_A_DIGIT, source=source, status=status, strokes=strokes)


def stroke_list(points: int = 3) -> list:
    return [[list(range(points)), list(range(points)), [10 * i for i in range(points)]]]


def copied_version(tag: str = "copy-1"):
    """A second registered (inactive) version: the bundled model under another tag."""
    from django.conf import settings

    from recognizer.services import version_register

    return version_register(folder=settings.BUNDLED_MODEL_DIR, tag=tag)
