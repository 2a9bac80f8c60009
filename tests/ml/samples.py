"""The MNIST sample shipped with the tests (see tests/data/mnist-sample/README.md)."""

from pathlib import Path

MNIST_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "mnist-sample"
