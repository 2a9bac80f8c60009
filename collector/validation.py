"""Strict checks of the label and strokes a client sends with a drawing."""

from collector.constants import MAX_STROKE_POINTS, MAX_STROKE_VALUE
from collector.errors import InvalidLabel, InvalidStrokes, StrokesTooLarge
from collector.labels import LABELS, NOT_A_DIGIT_SLUG
from ml.constants import NOT_A_DIGIT

_STROKE_SHAPE = "Each stroke must be [[x...], [y...], [t...]]: three lists of numbers of equal length."


def parse_label(value) -> int:
    """The label as an int 0-10: a JSON integer 0-9, or 10 or "not-a-digit" for a drawing that
    is not a digit. Other strings (even "7"), floats, booleans and null are refused."""
    if value == NOT_A_DIGIT_SLUG:
        return NOT_A_DIGIT
    if type(value) is not int or value not in LABELS:
        raise InvalidLabel(
            f"\"label\" must be an integer from 0 to 9, or {NOT_A_DIGIT} or \"{NOT_A_DIGIT_SLUG}\" for a drawing that is not a digit, e.g. \"label\": 7."
        )
    return value


def parse_strokes(value) -> list | None:
    """Strokes in the Quick, Draw! format, or None when absent.

    The point count is checked before any value, so a huge payload is refused cheaply.
    """
    if value is None:
        return None
    if not isinstance(value, list):
        raise InvalidStrokes("\"strokes\" must be a list of strokes, each [[x...], [y...], [t...]].")
    _check_size(value)
    for stroke in value:
        _check_stroke(stroke)
    return value


def _check_size(strokes: list) -> None:
    total = 0
    for stroke in strokes:
        if not (isinstance(stroke, list) and len(stroke) == 3 and isinstance(stroke[0], list)):
            raise InvalidStrokes(_STROKE_SHAPE)
        total += len(stroke[0])
        if total > MAX_STROKE_POINTS:
            raise StrokesTooLarge(f"The strokes hold more than {MAX_STROKE_POINTS:,} points; send at most {MAX_STROKE_POINTS:,}.")


def _check_stroke(stroke: list) -> None:
    xs, ys, ts = stroke
    if not (isinstance(ys, list) and isinstance(ts, list)) or not xs or not len(xs) == len(ys) == len(ts):
        raise InvalidStrokes(_STROKE_SHAPE)
    if not all(_is_number(v) for v in (*xs, *ys, *ts)):
        raise InvalidStrokes(f"Stroke coordinates and times must be numbers from {-MAX_STROKE_VALUE:,.0f} to {MAX_STROKE_VALUE:,.0f}.")


def _is_number(value) -> bool:
    return type(value) in (int, float) and -MAX_STROKE_VALUE <= value <= MAX_STROKE_VALUE
