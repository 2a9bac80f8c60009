"""Turn anything a client may send into a grayscale float image in [0, 1].

Accepted: encoded image bytes (PNG, JPEG, WebP, GIF), data URLs or bare base64 strings of
those, Pillow images, NumPy arrays and flat lists of 784 pixel values (0-255, row-major).
"""

import base64
import binascii
import io
import math
import numbers

import numpy as np
import pyspng
from PIL import Image, ImageOps, UnidentifiedImageError

from ml import constants
from ml.errors import ImageTooLarge, InputError, InvalidPixels, UndecodableImage, UnsupportedImageType

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
_SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N")
_TRANSPARENT_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
_UNPREMULTIPLIED = {"La": "LA"}  # Pillow converts "La" to "LA" only; the others go to "RGBA".
_CHANNEL_MODES = {2: "LA", 3: "RGB", 4: "RGBA"}
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)
# Pixels at least half opaque decide whether transparent-background ink is light: exactly the
# pixels Pillow's undithered conversion to mode "1" keeps (value >= 128).
VISIBLE_ALPHA = 128
_ORIENTATION = 0x0112  # EXIF tag: phone photos are stored sideways with this set.
# IHDR follows the 8-byte signature and its chunk's length and type: width and height, then
# these bytes. PNG colour types 0, 2 and 6 are gray, RGB and RGBA.
_IHDR_BIT_DEPTH, _IHDR_COLOUR_TYPE = 24, 25
_LIBSPNG_MODES = {0: "L", 2: "RGB", 6: "RGBA"}
# Where Pillow finds a PNG's orientation: an eXIf chunk, EXIF in a text chunk (keyword "exif"
# or "Raw profile type exif") or XMP. Keywords are stored uncompressed, so a byte search finds
# them wherever the chunk sits; a chance match in pixel data only costs Pillow's decoder.
_ORIENTATION_MARKERS = (b"eXIf", b"exif", b"XML:com.adobe.xmp")


def to_grayscale(source, *, max_pixels: int = constants.MAX_IMAGE_PIXELS, longest: int | None = None) -> np.ndarray:
    """Return a 2-D float32 array in [0, 1] (0 black, 1 white) for any accepted input.

    With `longest`, a larger image is shrunk until its longer side is at most `longest`; images
    are shrunk as 8-bit pixels (JPEG already while decoding), which keeps big photos cheap.
    """
    if isinstance(source, str):
        source = bytes_from_text(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        gray = _bytes_to_gray(bytes(source), max_pixels=max_pixels, longest=longest)
    elif isinstance(source, Image.Image):
        gray = _image_to_gray(source, max_pixels=max_pixels)
    elif isinstance(source, np.ndarray):
        gray = _array_to_gray(source, max_pixels=max_pixels)
    elif isinstance(source, (list, tuple)):
        gray = pixels_to_gray(source)
    else:
        raise UnsupportedImageType(f"Cannot read an image from a {type(source).__name__}.")
    return _as_floats(shrink(gray, longest))


def bytes_from_text(text: str) -> bytes:
    """Decode a data URL (`data:image/png;base64,...`) or a bare base64 string."""
    payload = text.strip()
    if payload.startswith("data:"):
        header, sep, payload = payload.partition(",")
        if not sep or not header.endswith(";base64"):
            raise UndecodableImage("The data URL must be base64-encoded: data:image/png;base64,....")
    try:
        # Line breaks are common in base64 written by mail and command-line tools.
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        raise UndecodableImage("The image is not valid base64; send a data URL or base64 of a PNG, JPEG, WebP or GIF.")


def _bytes_to_gray(data: bytes, *, max_pixels: int, longest: int | None):
    image = open_image(data, max_pixels=max_pixels)
    if image.format == "PNG":
        decoded = _decode_png(data)
        if decoded is not None:  # Sized and checked already, and without metadata to read.
            return _decoded_to_gray(decoded)
        image = _open(data)
    elif longest:
        image.draft("L", (longest, longest))  # JPEG only: libjpeg scales by 1/2, 1/4 or 1/8 while decoding.
    return _image_to_gray(image, max_pixels=max_pixels)


def open_image(data: bytes, *, max_pixels: int = constants.MAX_IMAGE_PIXELS) -> Image.Image:
    """Open encoded bytes lazily, checking type and dimensions before any pixel is decoded.

    A PNG's chunks are checked too, which uses up the returned image's parser: decode its
    pixels from `data` (`_decode_png`, or `_open` again for Pillow's decoder).
    """
    if not data:
        raise UndecodableImage("The image is empty.")
    image = _open(data)
    _check_dimensions(image.size, max_pixels)
    if image.format == "PNG":
        _verify_png(image)
    return image


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError:
        raise UnsupportedImageType("The file is not a PNG, JPEG, WebP or GIF image.")
    except _DECODE_ERRORS as exc:
        raise UndecodableImage(f"The image could not be read: {_sentence(exc)}.")


def _verify_png(image: Image.Image) -> None:
    # Pillow decodes a PNG cut short after its pixel data without complaint; verify() checks
    # every chunk's checksum and the closing IEND chunk, so a partial upload is refused.
    try:
        image.verify()
    except _DECODE_ERRORS as exc:
        raise UndecodableImage(f"The PNG is damaged or incomplete ({_sentence(exc)}); send the whole file again.")


def _decode_png(data: bytes) -> Image.Image | None:
    """An 8-bit gray, RGB or RGBA PNG's pixels decoded by libspng; None leaves the PNG to Pillow.

    The same pixels as Pillow's decoder, several times faster (0.22 against 1.1 ms for the
    site's 280x280 canvas in one run, bench/README.md): Pillow inflates and unfilters one row
    per call.
    `open_image` has already checked the size and every chunk's checksum, which pyspng skips.
    A PNG that may carry an orientation (it may need rotating) or one libspng refuses is left
    to Pillow, which reads it or says what is wrong.
    """
    bit_depth, colour_type = data[_IHDR_BIT_DEPTH], data[_IHDR_COLOUR_TYPE]
    mode = _LIBSPNG_MODES.get(colour_type)
    if bit_depth != 8 or mode is None or any(marker in data for marker in _ORIENTATION_MARKERS):
        return None
    try:
        pixels = pyspng.load(data, format=mode)
    except (RuntimeError, ValueError):  # What pyspng raises for data libspng cannot decode.
        return None
    height, width = pixels.shape[:2]
    return Image.frombuffer(mode, (width, height), pixels, "raw", mode, 0, 1)


def _check_dimensions(size, max_pixels: int) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise UndecodableImage("The image has no pixels.")
    if width * height > max_pixels:
        side = int(math.sqrt(max_pixels))
        raise ImageTooLarge(f"The image is {width}x{height} pixels; the limit is {side}x{side}.")


def _image_to_gray(image: Image.Image, *, max_pixels: int):
    """A decoded Pillow image: mode "L", or a float array for 16-bit and float modes."""
    _check_dimensions(image.size, max_pixels)
    try:
        image.load()  # Decodes the first frame; animated GIFs are read as their first frame.
        image = ImageOps.exif_transpose(image) if image.getexif().get(_ORIENTATION, 1) != 1 else image
        return _decoded_to_gray(image)
    except InputError:
        raise
    except _DECODE_ERRORS as exc:
        raise UndecodableImage(f"The image could not be decoded: {_sentence(exc)}.")


def _sentence(exc: Exception) -> str:
    return str(exc).rstrip(".")


def _decoded_to_gray(image: Image.Image):
    if image.mode in _SIXTEEN_BIT_MODES:
        return _unit_floats(np.asarray(image), scale=65535.0)
    if image.mode in ("I", "F"):
        return _unit_floats(np.asarray(image))
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in _TRANSPARENT_MODES:
        return _composite(image if image.mode in ("RGBA", "LA") else image.convert(_UNPREMULTIPLIED.get(image.mode, "RGBA")))
    if image.mode in ("L", "1", "RGB"):
        return image.convert("L") if image.mode != "L" else image
    return image.convert("RGB").convert("L")  # CMYK, YCbCr, palettes.


def _composite(image: Image.Image) -> Image.Image:
    """Composite on a background that contrasts with the visible pixels.

    Canvas drawings are dark ink on a transparent background; compositing them on white keeps
    the ink, whereas a plain `convert("L")` turns the whole image black. Light ink on a
    transparent background is composited on black instead.

    Only the box around the pixels that are not fully transparent is converted and pasted:
    outside it the result is the background anyway, and a drawing seldom fills its canvas.
    """
    box = image.getbbox()  # Of the alpha channel alone.
    if box is None:
        return Image.new("L", image.size, 255)
    visible = image.crop(box)
    luminance, alpha = visible.convert("L"), visible.getchannel("A")
    background = Image.new("L", image.size, 255 if _ink_is_dark(luminance, alpha) else 0)
    background.paste(luminance, box[:2], mask=alpha)
    return background


def _ink_is_dark(luminance: Image.Image, alpha: Image.Image) -> bool:
    """Whether the pixels at least half opaque average 127.5 or darker (or there are none)."""
    if luminance.getextrema()[1] <= 127:  # Every pixel is dark: no histogram needed.
        return True
    mask = alpha.point([0] * VISIBLE_ALPHA + [255] * (256 - VISIBLE_ALPHA))
    counts = np.asarray(luminance.histogram(mask), dtype=np.int64)
    visible, total = int(counts.sum()), int(counts @ np.arange(256))
    return visible == 0 or 2 * total <= 255 * visible


def _array_to_gray(array: np.ndarray, *, max_pixels: int):
    if array.ndim == 1 and array.size == constants.IMAGE_SIDE**2:
        array = array.reshape(constants.IMAGE_SIDE, constants.IMAGE_SIDE)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim == 3 and array.shape[-1] in _CHANNEL_MODES:
        _check_dimensions(array.shape[1::-1], max_pixels)
        pixels = np.round(_unit_floats(array) * 255).astype(np.uint8)
        return _image_to_gray(Image.fromarray(pixels), max_pixels=max_pixels)
    if array.ndim != 2 or array.size == 0:
        raise InvalidPixels(f"Expected a 2-D image array (or one with 1-4 channels); got shape {array.shape}.")
    _check_dimensions(array.shape[::-1], max_pixels)
    return _unit_floats(array)


def _unit_floats(array: np.ndarray, scale: float | None = None) -> np.ndarray:
    """Pixel values as float32 in [0, 1]; the scale (1, 255 or 65535) is read from the values."""
    if array.dtype.kind not in "biuf":
        raise InvalidPixels(f"The pixel values must be numbers; got an array of {array.dtype}.")
    values = array.astype(np.float32)
    if not np.isfinite(values).all():
        raise InvalidPixels("The pixel values must be finite numbers.")
    top = float(values.max(initial=0))
    scale = scale or next((s for s in (1.0, 255.0) if top <= s), 65535.0)
    return np.clip(values / scale, 0.0, 1.0)


def pixels_to_gray(pixels) -> np.ndarray:
    """Validate a flat list of 784 values 0-255 (row-major) and return it as an image."""
    expected = constants.IMAGE_SIDE**2
    if len(pixels) != expected:
        raise InvalidPixels(f"Expected {expected} pixel values (28x28, row-major); got {len(pixels)}.")
    if not all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in pixels):
        raise InvalidPixels("Every pixel must be a number from 0 to 255.")
    values = np.asarray(pixels, dtype=np.float64)
    if not np.isfinite(values).all() or values.min() < 0 or values.max() > 255:
        raise InvalidPixels("Every pixel must be a finite number from 0 to 255.")
    # Pixel lists are MNIST-style: ink high on a black background.
    return (values / 255.0).astype(np.float32).reshape(constants.IMAGE_SIDE, constants.IMAGE_SIDE)


def shrink(gray, longest: int | None):
    """Shrink a mode "L" image or a float array so its longer side is at most `longest`.

    The image is reduced by the smallest whole factor that gets there, each output pixel the
    mean of a factor x factor block: a box filter is exact area averaging (no aliasing of thin
    strokes) and about ten times cheaper than a resampling filter for the same size.
    """
    height, width = (gray.height, gray.width) if isinstance(gray, Image.Image) else gray.shape
    if not longest or max(height, width) <= longest:
        return gray
    factor = math.ceil(max(height, width) / longest)
    if isinstance(gray, Image.Image):
        return gray.reduce(factor)
    return np.asarray(Image.fromarray(gray, mode="F").reduce(factor), dtype=np.float32)


def _as_floats(gray) -> np.ndarray:
    if isinstance(gray, Image.Image):
        return np.asarray(gray, dtype=np.float32) / np.float32(255.0)
    return gray
