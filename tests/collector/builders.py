"""Small builders for the collector's tests: canvas images, strokes, drawings, predictors."""

from PIL import Image

from collector.models import Drawing
from collector.services import SubmittedPrediction, drawing_create
from tests.ml.drawings import canvas_drawing, data_url, encode

SEVEN_PREDICTION = SubmittedPrediction(digit=7, confidence=0.9, model_version="test-v1")


def digit_url(digit: str = "7") -> str:
    """A data URL of a digit as the site's canvas sends it (black ink on transparent)."""
    return data_url(encode(canvas_drawing(digit)))


def blank_url() -> str:
    return data_url(encode(Image.new("RGBA", (280, 280), (0, 0, 0, 0))))


def strokes(*, count: int = 1, points: int = 3) -> list:
    return [[[10.0 + i for i in range(points)], [20.0 + i for i in range(points)], [16 * i for i in range(points)]] for _ in range(count)]


def drawing(*, digit: str = "7", label: int = 7, prediction: SubmittedPrediction | None = None, **fields) -> Drawing:
    """A stored drawing; `prediction=(digit, confidence)` shorthand is accepted too."""
    if isinstance(prediction, tuple):
        prediction = SubmittedPrediction(digit=prediction[0], confidence=prediction[1], model_version="test-v1")
    return drawing_create(image=digit_url(digit), label=label, source=fields.pop("source", Drawing.Source.COLLECT), prediction=prediction, **fields)


def predict_seven(model_input) -> SubmittedPrediction:
    """A stand-in for settings.DRAWING_PREDICTOR that always sees a confident 7."""
    return SEVEN_PREDICTION


def predict_not_a_digit(model_input) -> SubmittedPrediction:
    """A stand-in predictor for which "not a digit" beats every digit."""
    return SubmittedPrediction.of(digit=3, confidence=0.02, not_a_digit=0.97, model_version="test-v1")


def predict_nothing(model_input) -> None:
    return None


def predict_crash(model_input):
    raise RuntimeError("the recognizer broke")


def local_objects(media_root) -> list[str]:
    """Names of the drawing images in a local media folder."""
    folder = media_root / "drawings"
    return sorted(str(path.relative_to(media_root)) for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def rows(count: int = 1, **fields) -> list[Drawing]:
    """Drawing rows without stored images, for tests about queries only."""
    defaults = {"image": "drawings/none.png", "label": 7, "source": Drawing.Source.COLLECT, "width": 28, "height": 28}
    return Drawing.objects.bulk_create([Drawing(**{"sha256": f"{i:064x}", **defaults, **fields}) for i in range(count)])
