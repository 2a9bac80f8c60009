"""Turn anything a client may send into a grayscale float image in [0, 1].

Accepted: encoded image bytes (PNG, JPEG, WebP, GIF), data URLs or bare base64 strings of
those, Pillow images, NumPy arrays and flat lists of 784 pixel values (0-255, row-major).
"""

import base64
import binascii
import io
import math

import numpy as np
from PIL import Image, UnidentifiedImageError

from ml import constants
from ml.errors import ImageTooLarge, InvalidPixels, UndecodableImage, UnsupportedImageType

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
_SIXTEEN_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I")


def to_grayscale(source, *, max_pixels: int = constants.MAX_IMAGE_PIXELS) -> np.ndarray:
    """Return a 2-D float32 array in [0, 1] (0 black, 1 white) for any accepted input."""
    if isinstance(source, str):
        source = bytes_from_text(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = open_image(bytes(source), max_pixels=max_pixels)
    if isinstance(source, Image.Image):
        return _image_to_gray(source, max_pixels=max_pixels)
    if isinstance(source, np.ndarray):
        return _array_to_gray(source)
    if isinstance(source, (list, tuple)):
        return pixels_to_gray(source)
    raise UnsupportedImageType(f"Cannot read an image from a {type(source).__name__}.")


def bytes_from_text(text: str) -> bytes:
    """Decode a data URL (`data:image/png;base64,...`) or a bare base64 string."""
    payload = text.strip()
    if payload.startswith("data:"):
        header, sep, payload = payload.partition(",")
        if not sep or not header.endswith(";base64"):
            raise UndecodableImage("The data URL must be base64-encoded: data:image/png;base64,....")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise UndecodableImage("The image is not valid base64; send a data URL or base64 of a PNG, JPEG, WebP or GIF.")


def open_image(data: bytes, *, max_pixels: int = constants.MAX_IMAGE_PIXELS) -> Image.Image:
    """Open encoded bytes lazily, checking type and dimensions before any pixel is decoded."""
    if not data:
        raise UndecodableImage("The image is empty.")
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError:
        raise UnsupportedImageType("The file is not a PNG, JPEG, WebP or GIF image.")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UndecodableImage(f"The image could not be read: {exc}.")
    _check_dimensions(image.size, max_pixels)
    return image


def _check_dimensions(size, max_pixels: int) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise UndecodableImage("The image has no pixels.")
    if width * height > max_pixels:
        side = int(math.sqrt(max_pixels))
        raise ImageTooLarge(f"The image is {width}x{height} pixels; the limit is {side}x{side}.")


def _image_to_gray(image: Image.Image, *, max_pixels: int) -> np.ndarray:
    _check_dimensions(image.size, max_pixels)
    try:
        image.load()  # Decodes the first frame; animated GIFs are read as their first frame.
        return _decoded_to_gray(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UndecodableImage(f"The image could not be decoded: {exc}.")


def _decoded_to_gray(image: Image.Image) -> np.ndarray:
    if image.mode in _SIXTEEN_BIT_MODES or image.mode == "F":
        return _high_depth_to_gray(image)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        return _transparent_to_gray(image.convert("LA"))
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")  # CMYK, YCbCr, 1-bit, palettes: via RGB.
    return np.asarray(image.convert("L"), dtype=np.float32) / 255.0


def _high_depth_to_gray(image: Image.Image) -> np.ndarray:
    values = np.asarray(image, dtype=np.float32)
    top = 65535.0 if values.max(initial=0) > 255 else 255.0
    return np.clip(values / top, 0.0, 1.0)


def _transparent_to_gray(image: Image.Image) -> np.ndarray:
    """Composite on a background that contrasts with the visible pixels.

    Canvas drawings are dark ink on a transparent background; compositing them on white keeps
    the ink, whereas a plain `convert("L")` turns the whole image black. Light ink on a
    transparent background is composited on black instead.
    """
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    luminance, alpha = pixels[..., 0], pixels[..., 1]
    visible = alpha > 0.5
    ink_is_light = visible.any() and float(luminance[visible].mean()) > 0.5
    background = 0.0 if ink_is_light else 1.0
    return luminance * alpha + background * (1.0 - alpha)


def _array_to_gray(array: np.ndarray) -> np.ndarray:
    if array.ndim == 3 and array.shape[-1] in (1, 3, 4):
        array = array[..., :3].mean(axis=-1) if array.shape[-1] != 1 else array[..., 0]
    if array.ndim == 1 and array.size == constants.IMAGE_SIDE**2:
        array = array.reshape(constants.IMAGE_SIDE, constants.IMAGE_SIDE)
    if array.ndim != 2 or array.size == 0:
        raise InvalidPixels(f"Expected a 2-D image array; got shape {array.shape}.")
    values = array.astype(np.float32)
    if not np.isfinite(values).all():
        raise InvalidPixels("The pixel values must be finite numbers.")
    scale = 1.0 if array.dtype.kind == "f" and values.max(initial=0) <= 1.0 else 255.0
    return np.clip(values / scale, 0.0, 1.0)


def pixels_to_gray(pixels) -> np.ndarray:
    """Validate a flat list of 784 values 0-255 (row-major) and return it as an image."""
    expected = constants.IMAGE_SIDE**2
    if len(pixels) != expected:
        raise InvalidPixels(f"Expected {expected} pixel values (28x28, row-major); got {len(pixels)}.")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pixels):
        raise InvalidPixels("Every pixel must be a number from 0 to 255.")
    values = np.asarray(pixels, dtype=np.float64)
    if not np.isfinite(values).all() or values.min() < 0 or values.max() > 255:
        raise InvalidPixels("Every pixel must be a finite number from 0 to 255.")
    # Pixel lists are MNIST-style: ink high on a black background.
    return (values / 255.0).astype(np.float32).reshape(constants.IMAGE_SIDE, constants.IMAGE_SIDE)
