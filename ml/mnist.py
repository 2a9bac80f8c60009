"""MNIST in its original IDX format: from a local folder or downloaded where the internet exists.

MNIST is by Yann LeCun and Corinna Cortes, licensed CC BY-SA 3.0.
"""

import gzip
import os
import struct
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

MIRROR = "https://storage.googleapis.com/cvdf-datasets/mnist/"
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path) -> np.ndarray:
    """Read an IDX file (optionally gzipped) into a NumPy array of its declared shape."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            data = handle.read()
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise ValueError(f"{path} is not a complete gzip file ({exc}); download it again.")
    if len(data) < 4 or data[0:2] != b"\x00\x00" or data[2] not in IDX_TYPES or len(data) < 4 + 4 * data[3]:
        raise ValueError(f"{path} is not an IDX file.")
    dims, dtype = data[3], np.dtype(IDX_TYPES[data[2]])
    shape = struct.unpack(f">{dims}I", data[4 : 4 + 4 * dims])
    offset, count = 4 + 4 * dims, int(np.prod(shape))
    if len(data) - offset != count * dtype.itemsize:
        raise ValueError(f"{path} is truncated or damaged: its header promises {count} values, but it holds {(len(data) - offset) / dtype.itemsize:g}.")
    return np.frombuffer(data, dtype=dtype, offset=offset).reshape(shape)


def write_idx(path, array: np.ndarray) -> None:
    """Write a uint8 array as an IDX file, gzipped when the name ends in .gz."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as handle:
        handle.write(header + array.tobytes())


def default_cache_dir() -> Path:
    return Path(os.environ.get("MNIST_CACHE_DIR", Path.home() / ".cache" / "digitsite" / "mnist"))


def load_split(split: str, mnist_dir=None) -> tuple[np.ndarray, np.ndarray]:
    """Return (images uint8 N×28×28, labels uint8 N) for "train" or "test".

    Reads `mnist_dir` (or $MNIST_DIR) when given; otherwise downloads the IDX files once into
    a cache folder.
    """
    folder = mnist_dir or os.environ.get("MNIST_DIR")
    folder = Path(folder) if folder else _download(default_cache_dir())
    if not folder.is_dir():
        raise FileNotFoundError(f"The MNIST folder {folder} does not exist; set MNIST_DIR (or --mnist-dir) to a folder of MNIST IDX files.")
    images_name, labels_name = FILES[split]
    images = read_idx(_find(folder, images_name))
    labels = read_idx(_find(folder, labels_name))
    if len(images) != len(labels):
        raise ValueError(f"{folder}: {len(images)} images but {len(labels)} labels for {split}.")
    return images, labels


def _find(folder: Path, name: str) -> Path:
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name}(.gz) not found in {folder}; set MNIST_DIR to a folder of MNIST IDX files.")


def _download(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in (n for pair in FILES.values() for n in pair):
        target = folder / f"{name}.gz"
        if not target.exists():
            partial = target.with_suffix(".part")
            try:
                urllib.request.urlretrieve(MIRROR + target.name, partial)
            except (urllib.error.URLError, OSError) as exc:
                raise FileNotFoundError(f"Could not download {MIRROR + target.name} ({exc}); set MNIST_DIR to a folder of MNIST IDX files.")
            partial.rename(target)
    return folder
