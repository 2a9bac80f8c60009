"""Builders for command tests: stored drawings and small model versions."""

from collector.models import Drawing
from collector.services import drawing_create
from tests.ml.drawings import draw_digit, encode

DRAWN = ("0", "1", "4", "7")  # The digits tests.ml.drawings knows how to draw.


def stored_drawing(digit: str = "7", *, label: int | None = None, status: str = Drawing.Status.VERIFIED, source: str = Drawing.Source.COLLECT, strokes=None, side: int = 280, width: int = 18) -> Drawing:
    """A drawing of `digit` stored through the collector's own service."""
    image = encode(draw_digit(digit, side=side, width=width))
    return drawing_create(image=image, label=int(digit) if label is None else label, source=source, status=status, strokes=strokes)


def stroke_list(points: int = 3) -> list:
    return [[list(range(points)), list(range(points)), [10 * i for i in range(points)]]]


def copied_version(tag: str = "copy-1"):
    """A second registered (inactive) version: the bundled model under another tag."""
    from django.conf import settings

    from recognizer.services import version_register

    return version_register(folder=settings.BUNDLED_MODEL_DIR, tag=tag)
