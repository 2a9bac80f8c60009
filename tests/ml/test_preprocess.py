"""ml.preprocess golden tests: every input case of issue 3 gives the MNIST-like model input."""

import base64
import functools

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from ml import constants, errors, mnist
from ml.preprocess import preprocess, preprocess_many
from tests.ml import golden as stored_outputs
from tests.ml.drawings import BLACK, WHITE, blank, canvas_drawing, data_url, draw_digit, encode, photo_of
from tests.ml.samples import MNIST_SAMPLE

DIGITS = ("1", "7", "0", "4")
SAME = 0.005  # Mean absolute difference for "the same output" (8-bit rounding only).
JPEG_SAME = 0.03
PHOTO_CLOSE = 0.08


@functools.cache
def mnist_sample() -> tuple[np.ndarray, np.ndarray]:
    return mnist.load_split("test", MNIST_SAMPLE)


@functools.cache
def mnist_stroke_widths() -> tuple[float, float]:
    """The 1st and 99th percentiles of stroke width over the MNIST sample."""
    low, high = np.percentile([mean_stroke_width(image / 255.0) for image in mnist_sample()[0]], [1, 99])
    return low, high


@functools.cache
def golden(digit: str) -> np.ndarray:
    """The reference output: black strokes on a white 280x280 grayscale canvas."""
    return preprocess(draw_digit(digit))


def ink_bbox_side(model_input: np.ndarray) -> int:
    rows, cols = np.nonzero(model_input[..., 0] > 0)
    return max(np.ptp(rows), np.ptp(cols)) + 1


def mean_stroke_width(image: np.ndarray) -> float:
    """Twice the ink area over its outline length (pixel edges): 1.0 for a one-pixel line."""
    ink = np.pad(image.squeeze() > 0.5, 1).astype(np.int8)
    edges = np.count_nonzero(np.diff(ink, axis=0)) + np.count_nonzero(np.diff(ink, axis=1))
    return 2 * ink.sum() / max(edges, 1)


@functools.cache
def sources(digit: str) -> dict:
    """Every accepted input form and image mode, all showing the same drawing."""
    drawing = draw_digit(digit)
    transparent_palette = draw_digit(digit, mode="P", ink=1, background=0)
    transparent_palette.putpalette([0, 0, 0] * 2)
    return {
        "png": encode(drawing),
        "webp": encode(drawing, "WEBP", lossless=True),
        "gif": encode(drawing, "GIF"),
        "data-url": data_url(encode(drawing)),
        "bare-base64": base64.b64encode(encode(drawing)).decode(),
        "pillow": drawing,
        "numpy": np.asarray(drawing),
        "rgba-canvas": encode(canvas_drawing(digit)),
        "rgba-light-ink": encode(canvas_drawing(digit, ink=(255, 255, 255, 255))),
        "la": draw_digit(digit, mode="LA", ink=(BLACK, 255), background=(BLACK, 0)),
        "p-transparent": encode(transparent_palette, "PNG", transparency=0),
        "i16": Image.fromarray(np.asarray(drawing, dtype=np.uint16) * 257),
        "1-bit": draw_digit(digit, mode="1", ink=0, background=1),
        "rgb": draw_digit(digit, mode="RGB", ink=(0, 0, 0), background=(255, 255, 255)),
        "cmyk": draw_digit(digit, mode="CMYK", ink=(0, 0, 0, 255), background=(0, 0, 0, 0)),
        "light-on-dark": draw_digit(digit, ink=WHITE, background=BLACK),
    }


@pytest.mark.parametrize("digit", DIGITS)
@pytest.mark.parametrize("form", list(sources("1")))
def test_every_input_form_and_mode_gives_the_golden_output(digit, form):
    assert np.abs(preprocess(sources(digit)[form]) - golden(digit)).mean() <= SAME


@pytest.mark.parametrize("name", list(stored_outputs.CASES))
def test_output_matches_the_stored_golden_image(name):
    # A failure means the model input changed: see tests/ml/golden.py before updating.
    output = preprocess(stored_outputs.CASES[name]())[..., 0]
    assert np.abs(output - stored_outputs.stored(name)).max() <= 2 / 255


@pytest.mark.parametrize("digit", DIGITS)
@pytest.mark.parametrize("fmt", ["JPEG", "CMYK-JPEG"])
def test_jpeg_gives_nearly_the_golden_output(digit, fmt):
    image = draw_digit(digit, mode="CMYK", ink=(0, 0, 0, 255), background=(0, 0, 0, 0)) if fmt == "CMYK-JPEG" else draw_digit(digit)
    assert np.abs(preprocess(encode(image, "JPEG", quality=85)) - golden(digit)).mean() <= JPEG_SAME


def test_pixel_list_gives_the_same_output_as_the_array():
    image = mnist_sample()[0][0]
    assert np.array_equal(preprocess(image.ravel().tolist()), preprocess(image))


@pytest.mark.parametrize("digit", DIGITS)
def test_both_polarities_give_the_same_output(digit):
    light_on_dark = draw_digit(digit, ink=230, background=25)
    dark_on_light = draw_digit(digit, ink=25, background=230)
    assert np.abs(preprocess(light_on_dark) - preprocess(dark_on_light)).mean() <= SAME


@pytest.mark.parametrize("digit", DIGITS)
def test_photo_of_paper_gives_nearly_the_clean_output(digit):
    photo = photo_of(draw_digit(digit, width=14), seed=int(digit))
    assert np.abs(preprocess(photo) - preprocess(draw_digit(digit, width=14))).mean() <= PHOTO_CLOSE


def test_large_jpeg_photo_gives_nearly_the_clean_output():
    photo = encode(photo_of(draw_digit("4", side=1600, width=80), seed=3), "JPEG", quality=85)
    assert np.abs(preprocess(photo) - preprocess(draw_digit("4", width=14))).mean() <= PHOTO_CLOSE


def test_specks_in_a_photo_are_dropped():
    output = preprocess(photo_of(draw_digit("1", width=14), seed=5))
    _, blobs = ndimage.label(output[..., 0] > 0, structure=np.ones((3, 3)))
    assert blobs == 1


def with_band(image: Image.Image, edge: str, *, depth: float = 0.08, shade: int = 60) -> Image.Image:
    """`image` with a dark band along one edge, as a sheet's edge or a shadow in a photo."""
    banded = image.copy()
    side = banded.size[0]
    band = int(side * depth)
    box = {"top": (0, 0, side, band), "bottom": (0, side - band, side, side), "left": (0, 0, band, side), "right": (side - band, 0, side, side)}[edge]
    banded.paste(shade, box)
    return banded


@pytest.mark.parametrize("edge", ["top", "bottom", "left", "right"])
def test_a_band_along_an_edge_of_a_photo_is_not_ink(edge):
    photo = photo_of(with_band(draw_digit("7", width=14), edge), seed=2)
    assert np.abs(preprocess(photo) - preprocess(draw_digit("7", width=14))).mean() <= PHOTO_CLOSE


def test_strokes_that_touch_an_edge_are_kept():
    # A 1 from the top edge to the bottom edge: it touches two edges and is no band.
    touching = draw_digit("1", region=(0.0, -0.1, 1.2))
    assert ink_bbox_side(preprocess(touching)) == constants.DIGIT_BOX
    # A short stroke at an edge spans too little of it to be a band.
    short = draw_digit("0", region=(0.3, 0.3, 0.4))
    short.paste(0, (0, 0, 40, 12))
    assert np.abs(preprocess(short) - preprocess(draw_digit("0", region=(0.3, 0.3, 0.4)))).mean() > SAME


def test_a_band_alone_is_blank():
    with pytest.raises(errors.BlankImage):
        preprocess(with_band(blank(), "left", depth=0.2))


@pytest.mark.parametrize("pen", [2, 3, 50])
@pytest.mark.parametrize("digit", DIGITS)
def test_thin_and_thick_strokes_are_normalized_to_mnist_width(digit, pen):
    # Fitted into 20 px as drawn, pen 2 would be a broken hairline and pen 50 about 4 px wide.
    low, high = mnist_stroke_widths()
    assert low <= mean_stroke_width(preprocess(draw_digit(digit, width=pen))) <= high


INVARIANT_CASES = [
    {"digit": d, "region": region, "width": width}
    for d in DIGITS
    for region, width in (((0.0, 0.0, 1.0), 18), ((0.0, 0.0, 1.0), 60), ((0.05, 0.55, 0.4), 6), ((0.6, 0.1, 0.3), 4), ((0.2, 0.3, 0.6), 30))
]


@pytest.mark.parametrize("case", INVARIANT_CASES, ids=lambda c: f"{c['digit']}-{c['region']}-{c['width']}")
def test_output_is_mnist_like_wherever_and_however_big_the_digit_is(case):
    output = preprocess(draw_digit(case["digit"], region=case["region"], width=case["width"]))
    assert output.shape == constants.INPUT_SHAPE and output.dtype == np.float32
    assert output.min() == 0.0 and output.max() == pytest.approx(1.0)
    centre_y, centre_x = ndimage.center_of_mass(output[..., 0])
    assert abs(centre_y - 14.0) <= 1.0 and abs(centre_x - 14.0) <= 1.0
    assert abs(ink_bbox_side(output) - constants.DIGIT_BOX) <= 1


def test_preprocessing_twice_changes_nothing_material():
    once = preprocess(draw_digit("7"))
    assert np.abs(preprocess(once) - once).mean() <= 0.02


@pytest.mark.parametrize(
    "source",
    [
        blank(),
        blank(value=BLACK),
        blank(value=128),
        blank("RGBA", (0, 0, 0, 0)),
        blank("RGBA", (255, 255, 255, 0)),
        encode(blank(), "JPEG", quality=30),
        [0] * 784,
        [255] * 784,
        np.zeros((28, 28), np.float32),
    ],
    ids=["white", "black", "grey", "transparent-black", "transparent-white", "jpeg-white", "zero-pixels", "full-pixels", "zero-array"],
)
def test_blank_input_raises_blank_image(source):
    with pytest.raises(errors.BlankImage) as caught:
        preprocess(source)
    assert caught.value.code == "blank" and caught.value.status == 422


def faint_smudge() -> Image.Image:
    return draw_digit("7", ink=240, background=WHITE)


def two_pixel_speck() -> Image.Image:
    image = blank()
    image.putpixel((100, 100), BLACK)
    image.putpixel((101, 100), BLACK)
    return image


def scattered_specks() -> Image.Image:
    image = blank()
    for x, y in ((50, 60), (200, 100), (120, 220)):
        image.paste(BLACK, (x, y, x + 5, y + 5))
    return image


def paper_noise() -> Image.Image:
    noise = np.random.default_rng(0).normal(235, 4, (280, 280))
    return Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8))


def test_a_single_dot_is_ink_for_the_model_to_judge():
    image = blank()
    image.paste(BLACK, (130, 130, 148, 148))
    assert preprocess(image).max() == pytest.approx(1.0)


@pytest.mark.parametrize("build", [faint_smudge, two_pixel_speck, scattered_specks, paper_noise])
def test_near_blank_input_raises_blank_image(build):
    with pytest.raises(errors.BlankImage):
        preprocess(build())


def test_preprocess_many_stacks_a_batch():
    batch = preprocess_many([draw_digit("1"), encode(draw_digit("7"))])
    assert batch.shape == (2, *constants.INPUT_SHAPE) and batch.dtype == np.float32
    assert np.array_equal(batch[0], golden("1"))


def test_preprocess_many_of_nothing_is_an_empty_batch():
    assert preprocess_many([]).shape == (0, *constants.INPUT_SHAPE)


def test_mnist_images_pass_through_nearly_unchanged():
    images, _ = mnist_sample()
    differences = np.array([np.abs(preprocess(image)[..., 0] - image / 255.0).mean() for image in images])
    assert differences.mean() < 0.04
    assert np.percentile(differences, 95) < 0.08


def test_mnist_images_keep_their_class_under_the_bundled_model(settings):
    from ml.artifacts import load_predictor

    predictor, metadata = load_predictor(settings.BUNDLED_MODEL_DIR)
    images, labels = mnist_sample()
    predicted = predictor.probabilities(preprocess_many(images))[:, : len(constants.DIGITS)].argmax(axis=1)
    # The serving path reproduces the accuracy the model's own evaluation recorded.
    assert (predicted == labels).mean() >= metadata["metrics"]["mnist_test"]["accuracy"] - 0.03


def test_erosion_shortcut_matches_scipy():
    from ml.preprocess import _erode_cross

    rng = np.random.default_rng(11)
    for _ in range(200):
        mask = rng.random(tuple(rng.integers(1, 30, size=2))) < rng.random()
        assert np.array_equal(_erode_cross(mask), ndimage.binary_erosion(mask))


def test_centre_of_mass_shortcut_matches_scipy():
    from ml.preprocess import _centre_of_mass

    rng = np.random.default_rng(12)
    for _ in range(200):
        digit = (rng.random(tuple(rng.integers(1, 21, size=2))) ** 3).astype(np.float32)
        assert _centre_of_mass(digit) == ndimage.center_of_mass(digit)


def test_uneven_border_percentiles_are_numpys():
    from ml.preprocess import _border, _border_percentiles

    gray = np.random.default_rng(13).random((50, 60)).astype(np.float32)
    assert np.array_equal(_border_percentiles(gray), np.percentile(_border(gray), [10, 50, 90]))
    gray[:] = 0.75
    assert np.array_equal(_border_percentiles(gray), np.percentile(_border(gray), [10, 50, 90]))
