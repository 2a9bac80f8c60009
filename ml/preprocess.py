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
# A blob lying along one edge (within EDGE_BAND of the side, spanning EDGE_SPAN of its length)
# is the edge of a sheet, a shadow or a ruler in a photo, not writing: nobody writes a digit
# as one stroke along the border.
EDGE_BAND, EDGE_SPAN = 0.25, 0.7
NO_INK = "The image has no visible ink; draw a digit first."
EIGHT_NEIGHBOURS = np.ones((3, 3), dtype=bool)  # Pixels touching at a corner are one blob.
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
    digit = remove_specks(ink_map(gray))
    if np.count_nonzero(digit > 0.5) < MIN_INK_PIXELS:
        raise BlankImage(NO_INK)
    return normalize_like_mnist(digit)[..., np.newaxis]


def preprocess_many(sources) -> np.ndarray:
    """Preprocess a sequence of inputs into one (N, 28, 28, 1) batch."""
    return np.stack([preprocess(source) for source in sources]) if len(sources) else np.zeros((0, *constants.INPUT_SHAPE), np.float32)


def resize(image: np.ndarray, scale: float) -> np.ndarray:
    height, width = image.shape
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    pixels = np.ascontiguousarray(image, dtype=np.float32)
    # frombuffer/tobytes: what fromarray and asarray do underneath, without their checks.
    resized = Image.frombuffer("F", (width, height), pixels, "raw", "F", 0, 1).resize(size, Image.Resampling.BILINEAR)
    return np.frombuffer(resized.tobytes(), dtype=np.float32).reshape(size[1], size[0])


def ink_map(gray: np.ndarray) -> np.ndarray:
    """Ink high, background zero: polarity from the border, lighting and contrast normalized."""
    low, median, high = _border_percentiles(gray)
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
    return drop_edge_bands(np.where(ink >= floor, ink, 0.0).astype(np.float32))


def drop_edge_bands(ink: np.ndarray) -> np.ndarray:
    """Remove blobs that run along an edge of the image; the rest is rescaled to peak 1.

    Raises `BlankImage` when nothing else is left.
    """
    height, width = ink.shape
    if not (ink[0].any() or ink[-1].any() or ink[:, 0].any() or ink[:, -1].any()):
        return ink  # Nothing touches an edge: the common case (every canvas with a margin).
    labels, _ = ndimage.label(ink > 0, structure=EIGHT_NEIGHBOURS)
    bands = [
        index
        for index, (rows, cols) in enumerate(ndimage.find_objects(labels), start=1)
        if _runs_along_edge(rows.start, rows.stop, height, cols.stop - cols.start, width)
        or _runs_along_edge(cols.start, cols.stop, width, rows.stop - rows.start, height)
    ]
    if not bands:
        return ink
    ink = np.where(np.isin(labels, bands), 0.0, ink).astype(np.float32)
    peak = _peak(ink)
    if peak <= 0.0:
        raise BlankImage(NO_INK)
    return np.clip(ink / peak, 0.0, 1.0).astype(np.float32)


def _runs_along_edge(start: int, stop: int, side: int, length: int, edge_length: int) -> bool:
    """True for a blob from `start` to `stop` across a side, `length` along the edge beside it."""
    at_one_edge = (start == 0) != (stop == side)
    return at_one_edge and stop - start <= EDGE_BAND * side and length >= EDGE_SPAN * edge_length


def _peak(ink: np.ndarray) -> float:
    """The strongest ink once the top PEAK_OUTLIERS share of all pixels is set aside."""
    # Only positive pixels can hold the peak; selecting among them alone is several times
    # faster than a percentile over a mostly empty canvas.
    skip = int(ink.size * PEAK_OUTLIERS)
    positive = ink[ink > 0]
    if positive.size <= skip:
        return 0.0
    return float(np.partition(positive, positive.size - 1 - skip)[positive.size - 1 - skip])


def _border_percentiles(gray: np.ndarray) -> np.ndarray:
    """The border's 10th, 50th and 90th percentiles (float64, as np.percentile returns them)."""
    border = _border(gray)
    first = border[0]
    # A canvas or scan has one flat background colour at its edges: then every percentile is
    # that value, and np.percentile's sorting and interpolation (~0.15 ms) is skipped.
    if border.min() == first == border.max():
        return np.full(3, first, dtype=np.float64)
    return np.percentile(border, [10, 50, 90])


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
    """Drop blobs far smaller than the largest and crop to the ink that is left.

    Raises `BlankImage` when even the largest blob is a speck. Blobs are found in the box
    around all the ink, not the whole image: the same blobs, in a smaller array.
    """
    box = _ink_box(ink)
    if box is None:
        raise BlankImage(NO_INK)
    image_side, ink = max(ink.shape), ink[box]
    labels, count = ndimage.label(ink > 0, structure=EIGHT_NEIGHBOURS)
    if count == 1:  # One blob: it fills the box, and there is nothing to drop.
        extent, keep = ink.shape, np.ones(1, dtype=bool)
    else:
        sizes = np.bincount(labels.ravel())[1:]
        rows, cols = ndimage.find_objects(labels, max_label=int(sizes.argmax()) + 1)[-1]
        extent, keep = (rows.stop - rows.start, cols.stop - cols.start), sizes >= SPECK_FRACTION * sizes.max()
    if max(extent) < MIN_INK_EXTENT * image_side:
        raise BlankImage(NO_INK)
    if keep.all():
        return ink
    return _crop_to_ink(np.where(np.concatenate([[False], keep])[labels], ink, 0.0).astype(np.float32))


def normalize_like_mnist(digit: np.ndarray) -> np.ndarray:
    """Normalize stroke width, fit into 20 px, centre by mass in 28x28.

    `digit` is cropped to its ink already, as `remove_specks` returns it.
    """
    digit = _crop_to_ink(normalize_stroke_width(resize(digit, THICKNESS_SIDE / max(digit.shape))))
    digit = np.clip(resize(digit, constants.DIGIT_BOX / max(digit.shape)), 0.0, 1.0)
    return _place_by_centre_of_mass(digit / max(float(digit.max()), 1e-6))


def _crop_to_ink(ink: np.ndarray) -> np.ndarray:
    return ink[_ink_box(ink)]


def _ink_box(ink: np.ndarray) -> tuple[slice, slice] | None:
    """The smallest box around the non-zero pixels, or None when there are none."""
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(ink.any(axis=0))
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width of a binary shape: twice its area over its perimeter."""
    area = np.count_nonzero(mask)
    return 2.0 * area / max(area - np.count_nonzero(_erode_cross(mask)), 1)


def _erode_cross(mask: np.ndarray) -> np.ndarray:
    """A pixel stays where it and its four neighbours are set; outside the image is unset.

    The same as `ndimage.binary_erosion(mask)` (its default cross, border 0), in five slice
    operations: scipy's general code costs ~0.15 ms on an 80-pixel digit, these ~0.01 ms.
    """
    padded = np.zeros((mask.shape[0] + 2, mask.shape[1] + 2), dtype=bool)
    padded[1:-1, 1:-1] = mask
    return mask & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]


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
    com_y, com_x = np.round(_centre_of_mass(digit), 3)
    top = int(np.clip(round(CENTRE - com_y), 0, side - height))
    left = int(np.clip(round(CENTRE - com_x), 0, side - width))
    field = np.zeros((side, side), dtype=np.float32)
    field[top : top + height, left : left + width] = digit
    return field


def _centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """`ndimage.center_of_mass(image)`, the same products and sums without scipy's overhead."""
    total = image.sum()
    rows = np.arange(image.shape[0], dtype=np.float64)[:, np.newaxis]
    cols = np.arange(image.shape[1], dtype=np.float64)[np.newaxis, :]
    return (image * rows).sum() / total, (image * cols).sum() / total
