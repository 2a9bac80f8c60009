"""The one preprocessing function: any accepted input -> the model's 28x28x1 float32 input.

Training, evaluation, the web API and the command line all call `preprocess`, so the model
always sees inputs made the same way. The output is MNIST-like: ink high (1.0) on a black
background, the digit's longer side fitted into a 20-pixel box, placed by its centre of mass
in a 28x28 field, strokes of MNIST-like width.
"""

import numpy as np
from PIL import Image
from scipy import ndimage

from ml import constants
from ml.decode import to_grayscale
from ml.errors import BlankImage

# Larger inputs are shrunk first (the output is 28x28 anyway): a 280-pixel canvas to 140, big
# enough that the digit's box still holds THICKNESS_SIDE pixels, and every later step is 3x
# cheaper than at full size.
WORK_SIDE = 160
THICKNESS_SIDE = 80  # Stroke width is measured and adjusted at 4x the 20-pixel digit box.
MIN_CONTRAST = 0.12  # Ink must differ this much from the background, or the input is blank.
PEAK_OUTLIERS = 0.001  # The strongest 0.1% of pixels (glare, hot pixels) do not set the contrast.
NOISE_FLOOR = 0.1  # Faint values on clean inputs (JPEG ringing, paper tint) are not ink.
UNEVEN_BACKGROUND = 0.08  # Border spread above this means a photo: subtract the background.
SPECK_FRACTION = 0.04  # Blobs smaller than this share of the largest blob are dust, not ink.
MIN_INK_EXTENT = 0.03  # A largest blob spanning less of the image's longer side is only a speck.
MIN_INK_PIXELS = 3
NO_INK = "The image has no visible ink; draw a digit first."
# Stroke widths (in THICKNESS_SIDE pixels) outside this range are eroded or dilated towards
# TARGET_WIDTH; the range holds the bulk of MNIST, so MNIST itself is mostly left alone.
THIN_WIDTH, TARGET_WIDTH, THICK_WIDTH = 5.5, 10.0, 18.0
CENTRE = constants.IMAGE_SIDE / 2  # Where MNIST's own centres of mass sit (index 14, 14).


def preprocess(source) -> np.ndarray:
    """Return the model input (28, 28, 1) float32 for an image, data URL, array or pixel list.

    Raises `ml.errors.InputError` subclasses for unusable input; `BlankImage` when there is
    no ink, so a blank canvas never gets a silent prediction.
    """
    gray = to_grayscale(source, longest=WORK_SIDE)
    ink = remove_specks(ink_map(gray))
    if np.count_nonzero(ink > 0.5) < MIN_INK_PIXELS:
        raise BlankImage(NO_INK)
    return normalize_like_mnist(ink)[..., np.newaxis]


def preprocess_many(sources) -> np.ndarray:
    """Preprocess a sequence of inputs into one (N, 28, 28, 1) batch."""
    return np.stack([preprocess(source) for source in sources]) if len(sources) else np.zeros((0, *constants.INPUT_SHAPE), np.float32)


def resize(image: np.ndarray, scale: float) -> np.ndarray:
    height, width = image.shape
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(image.astype(np.float32), mode="F").resize(size, Image.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.float32)


def ink_map(gray: np.ndarray) -> np.ndarray:
    """Ink high, background zero: polarity from the border, lighting and contrast normalized."""
    low, median, high = np.percentile(_border(gray), [10, 50, 90])
    dark_ink = median >= 0.5
    ink = 1.0 - gray if dark_ink else gray
    photo = high - low > UNEVEN_BACKGROUND  # The border's spread, the same in either polarity.
    if photo:
        ink = ink - ndimage.grey_opening(ink, size=_background_window(ink.shape))
    else:
        ink = ink - (1.0 - median if dark_ink else median)
    peak = _peak(ink)
    if peak < MIN_CONTRAST:
        raise BlankImage(NO_INK)
    ink = np.clip(ink / peak, 0.0, 1.0)
    floor = otsu_threshold(ink) if photo else NOISE_FLOOR
    return np.where(ink >= floor, ink, 0.0).astype(np.float32)


def _peak(ink: np.ndarray) -> float:
    """The strongest ink once the top PEAK_OUTLIERS share of all pixels is set aside."""
    # Only positive pixels can hold the peak; selecting among them alone is several times
    # faster than a percentile over a mostly empty canvas.
    skip = int(ink.size * PEAK_OUTLIERS)
    positive = ink[ink > 0]
    if positive.size <= skip:
        return 0.0
    return float(np.partition(positive, positive.size - 1 - skip)[positive.size - 1 - skip])


def _border(image: np.ndarray) -> np.ndarray:
    edge = max(1, min(image.shape) // 50)
    return np.concatenate([image[:edge].ravel(), image[-edge:].ravel(), image[:, :edge].ravel(), image[:, -edge:].ravel()])


def _background_window(shape) -> int:
    # Wider than any stroke, so the opening keeps the lighting and drops the writing.
    return max(3, max(shape) // 4) | 1


def otsu_threshold(values: np.ndarray) -> float:
    """The threshold that best splits the values into two classes (Otsu's method)."""
    histogram, edges = np.histogram(values, bins=64, range=(0.0, 1.0))
    weights = histogram.astype(np.float64)
    centres = (edges[:-1] + edges[1:]) / 2
    below = np.cumsum(weights)
    above = below[-1] - below
    sum_below = np.cumsum(weights * centres)
    mean_below = sum_below / np.maximum(below, 1)
    mean_above = (sum_below[-1] - sum_below) / np.maximum(above, 1)
    between = below * above * (mean_below - mean_above) ** 2
    return float(edges[int(np.argmax(between)) + 1])


def remove_specks(ink: np.ndarray) -> np.ndarray:
    """Drop blobs far smaller than the largest; `BlankImage` when even the largest is a speck."""
    labels, count = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    if count == 0:
        raise BlankImage(NO_INK)
    sizes = np.bincount(labels.ravel())[1:] if count > 1 else np.ones(1)
    rows, cols = ndimage.find_objects(labels, max_label=int(sizes.argmax()) + 1)[-1]
    if max(rows.stop - rows.start, cols.stop - cols.start) < MIN_INK_EXTENT * max(ink.shape):
        raise BlankImage(NO_INK)
    keep = sizes >= SPECK_FRACTION * sizes.max()
    if keep.all():
        return ink
    return np.where(np.concatenate([[False], keep])[labels], ink, 0.0).astype(np.float32)


def normalize_like_mnist(ink: np.ndarray) -> np.ndarray:
    """Crop to the ink, normalize stroke width, fit into 20 px, centre by mass in 28x28."""
    digit = _crop_to_ink(ink)
    digit = _crop_to_ink(normalize_stroke_width(resize(digit, THICKNESS_SIDE / max(digit.shape))))
    digit = np.clip(resize(digit, constants.DIGIT_BOX / max(digit.shape)), 0.0, 1.0)
    return _place_by_centre_of_mass(digit / max(float(digit.max()), 1e-6))


def _crop_to_ink(ink: np.ndarray) -> np.ndarray:
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary shape: twice its area over its perimeter."""
    area = np.count_nonzero(mask)
    perimeter = np.count_nonzero(mask & ~ndimage.binary_erosion(mask))
    return 2.0 * area / max(perimeter, 1)


def normalize_stroke_width(digit: np.ndarray) -> np.ndarray:
    width = stroke_width(digit > 0.5)
    steps = round(abs(width - TARGET_WIDTH) / 2)
    # Outside the bounding box is background ("constant" zeros): strokes touching it are
    # eroded from that side too (the default reflection left stubs there), and the padding
    # lets dilated strokes grow past it.
    if width > THICK_WIDTH:
        return ndimage.grey_erosion(digit, size=2 * steps + 1, mode="constant")
    if width < THIN_WIDTH:
        return ndimage.grey_dilation(np.pad(digit, steps), size=2 * steps + 1, mode="constant")
    return digit


def _place_by_centre_of_mass(digit: np.ndarray) -> np.ndarray:
    side = constants.IMAGE_SIDE
    height, width = digit.shape
    # Rounded first so float noise cannot flip a half-pixel tie between equivalent inputs
    # (the same drawing in either polarity).
    com_y, com_x = np.round(ndimage.center_of_mass(digit), 3)
    top = int(np.clip(round(CENTRE - com_y), 0, side - height))
    left = int(np.clip(round(CENTRE - com_x), 0, side - width))
    field = np.zeros((side, side), dtype=np.float32)
    field[top : top + height, left : left + width] = digit
    return field
