"""Training and evaluation arrays: MNIST, drawn and font digits, negatives, all through `preprocess`."""

from dataclasses import dataclass

import numpy as np

from ml import mnist
from ml.constants import NOT_A_DIGIT
from ml.digit_shapes import make_shaped_digits
from ml.drawn_digits import make_drawn_digits
from ml.glyphs import make_font_digits
from ml.negatives import make_negatives
from ml.errors import BlankImage
from ml.preprocess import preprocess, preprocess_many


@dataclass
class Split:
    x: np.ndarray  # (N, 28, 28, 1) float32, the model input.
    y: np.ndarray  # (N,) int64 class index; NOT_A_DIGIT for negatives.
    weight: np.ndarray  # (N,) float32 sample weight.

    def __len__(self) -> int:
        return len(self.y)

    @staticmethod
    def concat(*splits: "Split") -> "Split":
        return Split(*(np.concatenate([getattr(s, f) for s in splits]) for f in ("x", "y", "weight")))

    def take(self, index) -> "Split":
        return Split(self.x[index], self.y[index], self.weight[index])


def make_split(x: np.ndarray, y, weight: float = 1.0) -> Split:
    y = np.asarray(y, dtype=np.int64)
    return Split(x.astype(np.float32), y, np.full(len(y), weight, dtype=np.float32))


def generated_split(images, labels) -> Split:
    """Preprocess generated images, leaving out the few that come out blank.

    A random drawing can land on nothing but an edge band (`ml.preprocess.drop_edge_bands`),
    which preprocessing rightly refuses; such a sample teaches nothing, so it is dropped.
    """
    inputs, kept = [], []
    for image, label in zip(images, labels):
        try:
            inputs.append(preprocess(image))
        except BlankImage:
            continue
        kept.append(label)
    return make_split(np.stack(inputs), kept)


def mnist_split(split: str, mnist_dir=None, limit: int | None = None, seed: int = 0) -> Split:
    """MNIST images through the same preprocessing as everything else (optionally a sample)."""
    images, labels = mnist.load_split(split, mnist_dir)
    if limit is not None and limit < len(labels):
        index = np.sort(np.random.default_rng(seed).choice(len(labels), size=limit, replace=False))
        images, labels = images[index], labels[index]
    return make_split(preprocess_many(images), labels)


def negative_split(count: int, seed: int) -> Split:
    return generated_split(make_negatives(count, seed), np.full(count, NOT_A_DIGIT))


def drawn_split(count: int, seed: int) -> Split:
    """Canvas-style drawn digits: without them the "not a digit" class learns to reject the
    canvas's uniform strokes (which the synthetic negatives share) instead of shapes."""
    return generated_split(*make_drawn_digits(count, seed))


def shaped_split(count: int, seed: int) -> Split:
    """Digits in the styles real people use (`ml.digit_shapes`), any canvas, any pen."""
    return generated_split(*make_shaped_digits(count, seed))


def font_digit_split(count: int, seed: int) -> Split:
    """Digits from stroke fonts and handwriting fonts (`ml.glyphs`)."""
    return generated_split(*make_font_digits(count, seed))


def sklearn_digit_split() -> Split:
    """The 1,797 real handwritten 8x8 digits that ship with scikit-learn (UCI optical digits,
    CC BY 4.0), enlarged to 32x32 and drawn dark on light like a scan."""
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = [Image.fromarray(np.uint8(255 - image * 255 / 16)).resize((32, 32), Image.Resampling.BILINEAR) for image in digits.images]
    return make_split(preprocess_many(images), digits.target)


def stratified_holdout(labels: np.ndarray, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays (keep, holdout) with `size` holdout items spread evenly over labels."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    fraction = size / max(len(labels), 1)
    holdout = []
    for label in np.unique(labels):
        members = order[labels[order] == label]
        holdout.extend(members[: int(round(len(members) * fraction))])
    holdout = np.sort(np.asarray(holdout, dtype=np.int64))
    return np.setdiff1d(np.arange(len(labels)), holdout), holdout
