"""`Prepared`, the one class from bench/ that check_preprocess.py's worker unpickles.

The worker runs with one side's folder on PYTHONPATH and must load no `ml` module besides that
side's, so this module imports only Pillow and the standard library.
"""

import io
from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class Prepared:
    """An input that cannot be pickled as itself. The worker builds it from the payload.

    The kinds are "pillow" (encoded bytes opened lazily, or converted to a mode: (data, mode)),
    "frombytes" (a Pillow image of raw pixels: (mode, size, data)), "memoryview" and "transposed"
    (a non-contiguous view of an array).
    """

    kind: str
    payload: object

    def build(self):
        if self.kind == "pillow":
            data, mode = self.payload
            image = Image.open(io.BytesIO(data))
            return image.convert(mode) if mode else image
        if self.kind == "frombytes":
            return Image.frombytes(*self.payload)
        if self.kind == "memoryview":
            return memoryview(self.payload)
        return self.payload.T
