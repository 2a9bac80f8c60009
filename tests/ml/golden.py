"""Stored 28x28 outputs of `preprocess` for fixed inputs, kept in tests/data/preprocess-golden/.

A model is trained on one PREPROCESSING_VERSION; when these outputs change on purpose, bump
`ml.constants.PREPROCESSING_VERSION` and write new files with

    .venv/bin/python -m tests.ml.golden
"""

from pathlib import Path

import numpy as np
from PIL import Image

from ml import mnist
from ml.preprocess import preprocess
from tests.ml.drawings import canvas_drawing, draw_digit, encode, photo_of
from tests.ml.samples import MNIST_SAMPLE

FOLDER = Path(__file__).resolve().parents[1] / "data" / "preprocess-golden"

CASES = {
    "canvas-7": lambda: encode(canvas_drawing("7")),
    "light-on-dark-0": lambda: draw_digit("0", ink=255, background=0),
    "thin-pen-1": lambda: draw_digit("1", width=2),
    "thick-pen-4": lambda: draw_digit("4", width=60),
    "small-off-centre-4": lambda: draw_digit("4", region=(0.6, 0.1, 0.3), width=4),
    "photo-7": lambda: encode(photo_of(draw_digit("7", width=14), seed=7), "JPEG", quality=90),
    "mnist-test-0": lambda: mnist.load_split("test", MNIST_SAMPLE)[0][0],
    "mnist-test-150": lambda: mnist.load_split("test", MNIST_SAMPLE)[0][150],
}


def stored(name: str) -> np.ndarray:
    return np.asarray(Image.open(FOLDER / f"{name}.png"), dtype=np.float32) / 255.0


def to_png(model_input: np.ndarray) -> Image.Image:
    return Image.fromarray(np.round(model_input[..., 0] * 255).astype(np.uint8), mode="L")


def write_all() -> None:
    FOLDER.mkdir(exist_ok=True)
    for name, build in CASES.items():
        to_png(preprocess(build())).save(FOLDER / f"{name}.png")


if __name__ == "__main__":
    write_all()
