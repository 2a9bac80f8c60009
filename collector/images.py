"""Re-encode whatever a client sent as a server-written grayscale PNG."""

import hashlib
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ml.decode import to_grayscale


@dataclass(frozen=True)
class StoredImage:
    png: bytes
    width: int
    height: int
    sha256: str


def encode_png(source) -> StoredImage:
    """Decode any accepted input (with its size limits) and return a fresh PNG of its pixels.

    The stored image is what the preprocessing sees, so no client bytes (SVG, scripts,
    metadata) are ever stored or served.
    """
    gray = to_grayscale(source)
    image = Image.fromarray(np.round(gray * 255).astype(np.uint8), mode="L")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    png = buffer.getvalue()
    return StoredImage(png=png, width=image.width, height=image.height, sha256=hashlib.sha256(png).hexdigest())
