"""ml.mnist: IDX files in and out, the shipped sample, local folders and the download path."""

import gzip
import shutil
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from ml import mnist
from tests.ml.samples import MNIST_SAMPLE


def images(count: int = 5) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, size=(count, 28, 28), dtype=np.uint8)


def write_split(folder: Path, split: str, pixels: np.ndarray, labels: np.ndarray, suffix: str = ".gz") -> None:
    images_name, labels_name = mnist.FILES[split]
    mnist.write_idx(folder / f"{images_name}{suffix}", pixels)
    mnist.write_idx(folder / f"{labels_name}{suffix}", labels)


@pytest.mark.parametrize("name", ["images.idx", "images.idx.gz"])
def test_idx_round_trip_keeps_shape_and_values(tmp_path, name):
    original = images()
    mnist.write_idx(tmp_path / name, original)
    assert np.array_equal(mnist.read_idx(tmp_path / name), original)


def test_gzipped_idx_is_really_gzipped(tmp_path):
    mnist.write_idx(tmp_path / "labels.gz", np.arange(10, dtype=np.uint8))
    assert gzip.decompress((tmp_path / "labels.gz").read_bytes())[:4] == b"\x00\x00\x08\x01"


def test_one_dimensional_labels_round_trip(tmp_path):
    labels = np.arange(10, dtype=np.uint8)
    mnist.write_idx(tmp_path / "labels", labels)
    assert mnist.read_idx(tmp_path / "labels").shape == (10,)


def test_truncated_idx_says_so(tmp_path):
    mnist.write_idx(tmp_path / "images", images())
    data = (tmp_path / "images").read_bytes()
    (tmp_path / "images").write_bytes(data[:-100])
    with pytest.raises(ValueError, match="truncated"):
        mnist.read_idx(tmp_path / "images")


def test_idx_with_a_cut_header_is_not_an_idx_file(tmp_path):
    (tmp_path / "images").write_bytes(b"\x00\x00\x08\x03\x00\x00")
    with pytest.raises(ValueError, match="not an IDX file"):
        mnist.read_idx(tmp_path / "images")


@pytest.mark.parametrize("content", [b"", b"hello world, not idx", b"\x00\x00\x07\x01\x00\x00\x00\x01\x05"])
def test_garbage_is_not_an_idx_file(tmp_path, content):
    (tmp_path / "garbage").write_bytes(content)
    with pytest.raises(ValueError, match="not an IDX file"):
        mnist.read_idx(tmp_path / "garbage")


def test_garbage_with_a_gz_name_is_not_a_gzip_file(tmp_path):
    (tmp_path / "images.gz").write_bytes(b"plain text pretending to be gzip")
    with pytest.raises(ValueError, match="gzip"):
        mnist.read_idx(tmp_path / "images.gz")


def test_cut_gzip_download_is_reported(tmp_path):
    mnist.write_idx(tmp_path / "images.gz", images(50))
    data = (tmp_path / "images.gz").read_bytes()
    (tmp_path / "images.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="images.gz"):
        mnist.read_idx(tmp_path / "images.gz")


@pytest.mark.parametrize("split, count", [("train", 600), ("test", 300)])
def test_shipped_sample_is_stratified_mnist(split, count):
    pixels, labels = mnist.load_split(split, MNIST_SAMPLE)
    assert pixels.shape == (count, 28, 28) and pixels.dtype == np.uint8
    assert np.array_equal(np.bincount(labels), np.full(10, count // 10))


def test_load_split_reads_plain_idx_files(tmp_path):
    write_split(tmp_path, "test", images(3), np.array([1, 2, 3], np.uint8), suffix="")
    pixels, labels = mnist.load_split("test", tmp_path)
    assert pixels.shape == (3, 28, 28) and labels.tolist() == [1, 2, 3]


def test_load_split_reads_mnist_dir_from_the_environment(monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(MNIST_SAMPLE))
    assert len(mnist.load_split("test")[1]) == 300


def test_load_split_refuses_images_and_labels_of_different_lengths(tmp_path):
    write_split(tmp_path, "train", images(3), np.array([1, 2], np.uint8))
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        mnist.load_split("train", tmp_path)


def test_missing_folder_names_it_and_mnist_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match="MNIST_DIR") as caught:
        mnist.load_split("train", tmp_path / "nowhere")
    assert "nowhere" in str(caught.value)


def test_folder_without_the_files_names_the_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        mnist.load_split("train", tmp_path)


def fake_mirror(monkeypatch, calls: list):
    def urlretrieve(url, target):
        calls.append(url)
        shutil.copy(MNIST_SAMPLE / url.rsplit("/", 1)[1], target)

    monkeypatch.setattr(mnist.urllib.request, "urlretrieve", urlretrieve)


def test_without_a_folder_the_files_are_downloaded_once_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setenv("MNIST_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    fake_mirror(monkeypatch, calls)
    assert len(mnist.load_split("test")[1]) == 300
    assert len(calls) == 4 and all(url.startswith(mnist.MIRROR) for url in calls)
    mnist.load_split("train")
    assert len(calls) == 4


def test_failed_download_says_to_set_mnist_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setenv("MNIST_CACHE_DIR", str(tmp_path / "cache"))

    def offline(url, target):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(mnist.urllib.request, "urlretrieve", offline)
    with pytest.raises(FileNotFoundError, match="MNIST_DIR"):
        mnist.load_split("test")
    assert not list((tmp_path / "cache").glob("*.gz"))
