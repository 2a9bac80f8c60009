"""Export drawings for training elsewhere: npz, MNIST-style IDX, PNG folders, Quick-Draw ndjson.

Rows stream in id order (`iterator()`), images are read through the default storage (local
or S3) and turned into model inputs by `ml.preprocess.preprocess`. Pixels go to scratch
files, never a growing list, so memory stays flat however many drawings there are. Each
output is written next to its destination and renamed into place, and archives carry fixed
timestamps, so the same rows always give byte-identical files.

Labels are the model's class indexes, the same in every format: 0-9 are the digits and 10 is
"not a digit" (`collector.labels`). npz and IDX hold the index (y = 10); the PNG folders are
named by class (`7/`, `not-a-digit/`); ndjson's `word` is the name people read ("7", "not a
digit"). Every format that has room for it carries the class list, index = label:
`class_names.npy` in npz, `classes.txt` (one name per line) in the IDX and PNG folders.
"""

import csv
import datetime as dt
import gzip
import io
import json
import os
import shutil
import struct
import tempfile
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.core.files.storage import default_storage
from PIL import Image

from collector.labels import LABELS, label_name, label_slug
from collector.models import Drawing
from ml import constants
from ml.decode import to_grayscale
from ml.errors import InputError
from ml.preprocess import preprocess

FORMATS = ("npz", "idx", "png", "ndjson")
FOLDER_FORMATS = ("idx", "png")
CHUNK_SIZE = 500
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # The earliest a zip can hold: fixed, so bytes repeat.
COPY_BUFFER = 1 << 20
IDX_IMAGES, IDX_LABELS = "images-idx3-ubyte.gz", "labels-idx1-ubyte.gz"
CLASSES_FILE, CLASS_NAMES_ENTRY = "classes.txt", "class_names.npy"
MANIFEST_FIELDS = ("id", "label", "path", "source", "status", "created", "width", "height", "sha256", "predicted_label", "model_version")
SKIPPED_IDS_KEPT = 20


class ExportError(Exception):
    """The export cannot be written as asked; nothing was written."""


@dataclass
class ReadTally:
    """What reading a selection of drawings gave: counts per label and why rows were skipped."""

    per_label: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    skipped_ids: list = field(default_factory=list)  # The first few, to look at.

    @property
    def exported(self) -> int:
        return sum(self.per_label.values())

    def skip(self, drawing: Drawing, reason: str) -> None:
        self.skipped[reason] += 1
        if len(self.skipped_ids) < SKIPPED_IDS_KEPT:
            self.skipped_ids.append(drawing.pk)


@dataclass(kw_only=True)
class ExportReport(ReadTally):
    path: Path
    format: str


def drawings_for_export(*, status: str = Drawing.Status.VERIFIED, since: dt.date | None = None, sources=()):
    """The selected drawings in id order; `status="all"` keeps every status."""
    drawings = Drawing.objects.all()
    if status != "all":
        drawings = drawings.filter(status=status)
    if since is not None:
        drawings = drawings.filter(created__date__gte=since)
    if sources:
        drawings = drawings.filter(source__in=sources)
    return drawings.order_by("id")


def export_dataset(*, drawings, output: Path, fmt: str, raw: bool = False, progress: Callable[[int], object] = lambda n: None) -> ExportReport:
    """Write `drawings` to `output` (a file for npz/ndjson, a folder for idx/png).

    `raw` keeps the stored images at their own size instead of the 28x28 model input.
    `progress(n)` is called as rows are handled. Raises ExportError, leaving any earlier
    output untouched.
    """
    output = Path(output)
    _check_output(output, fmt)
    if raw and fmt in ("npz", "idx"):
        _check_one_size(drawings)
    report = ExportReport(path=output, format=fmt)
    with _replacing(output) as scratch:
        WRITERS[fmt](drawings, scratch, raw, report, progress)
    return report


def read_image(drawing: Drawing) -> bytes:
    """The stored PNG of a drawing; FileNotFoundError when the object is gone."""
    try:
        with default_storage.open(drawing.image.name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise
    except Exception as exc:  # Each storage backend raises its own error types.
        raise ExportError(f"The image store could not be read ({drawing.image.name}): {exc}.") from exc


def model_arrays(drawings, report: ReadTally) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Usable drawings in memory as (x (N, 28, 28, 1) float32 model inputs, y, ids), for training
    and evaluation; the rest are counted in `report`."""
    pairs = list(_decoded(drawings, preprocess, report, lambda n: None))
    x = np.stack([pixels for _, pixels in pairs]) if pairs else np.zeros((0, *constants.INPUT_SHAPE), np.float32)
    return x, np.array([drawing.label for drawing, _ in pairs], dtype=np.int64), [drawing.pk for drawing, _ in pairs]


def _decoded(drawings, decode, report: ReadTally, progress) -> Iterator[tuple[Drawing, np.ndarray]]:
    for drawing in drawings.defer("strokes").iterator(chunk_size=CHUNK_SIZE):
        try:
            pixels = decode(read_image(drawing))
        except FileNotFoundError:
            report.skip(drawing, "image missing from storage")
        except InputError as exc:
            report.skip(drawing, unusable(exc))
        else:
            report.per_label[drawing.label] += 1
            yield drawing, pixels
        progress(1)


def unusable(exc: InputError) -> str:
    """A skip reason for an image the preprocessing refused, e.g. "unusable image (blank)"."""
    return f"unusable image ({exc.code.replace('_', ' ')})"


def _as_uint8(raw: bool) -> Callable[[bytes], np.ndarray]:
    if raw:
        return lambda png: np.round(to_grayscale(png) * 255).astype(np.uint8)
    return lambda png: np.round(preprocess(png)[..., 0] * 255).astype(np.uint8)


def _check_output(output: Path, fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    if not output.parent.is_dir():
        raise ExportError(f"The folder {output.parent} does not exist; create it first.")
    wants_folder = fmt in FOLDER_FORMATS
    if output.exists() and output.is_dir() != wants_folder:
        kind = "a folder" if wants_folder else "a file"
        raise ExportError(f"{output} exists and is not {kind}; the {fmt} format writes {kind}.")


def _check_one_size(drawings) -> None:
    sizes = sorted(set(drawings.order_by().values_list("width", "height").distinct()[:3]))
    if len(sizes) > 1:
        shown = ", ".join(f"{w}x{h}" for w, h in sizes)
        raise ExportError(f"Raw npz and idx need images of one size, but the selection holds {shown}; filter it (e.g. --source) or use --format png.")


@contextmanager
def _replacing(path: Path):
    """A scratch sibling of `path` that replaces `path` only when the block succeeds."""
    scratch = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        yield scratch
        if scratch.is_dir() and path.is_dir():
            retired = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.old")
            os.replace(path, retired)
            os.replace(scratch, path)
            shutil.rmtree(retired)
        else:
            os.replace(scratch, path)
    finally:
        if scratch.is_dir():
            shutil.rmtree(scratch)
        elif scratch.exists():
            scratch.unlink()


class _PixelSpool:
    """Images and labels appended to scratch files, read back as one stream per array."""

    def __init__(self, folder: Path):
        self.images_path, self.labels_path, self.ids_path = folder / "x.u8", folder / "y.u8", folder / "ids.i8"
        self._files = [open(p, "wb") for p in (self.images_path, self.labels_path, self.ids_path)]
        self.count, self.image_shape = 0, None

    def add(self, drawing: Drawing, image: np.ndarray) -> bool:
        if self.image_shape is None:
            self.image_shape = image.shape
        if image.shape != self.image_shape:
            return False
        images, labels, ids = self._files
        images.write(image.tobytes())
        labels.write(bytes([drawing.label]))
        ids.write(np.int64(drawing.pk).astype("<i8").tobytes())
        self.count += 1
        return True

    def close(self) -> tuple[int, ...]:
        for handle in self._files:
            handle.close()
        return (self.count, *(self.image_shape or (constants.IMAGE_SIDE, constants.IMAGE_SIDE)))


def _spool(drawings, folder: Path, raw: bool, report: ExportReport, progress) -> tuple[_PixelSpool, tuple]:
    spool = _PixelSpool(folder)
    for drawing, image in _decoded(drawings, _as_uint8(raw), report, progress):
        if not spool.add(drawing, image):
            report.per_label[drawing.label] -= 1
            report.skip(drawing, "image size differs from the first image")
    return spool, spool.close()


def _write_npz(drawings, target: Path, raw: bool, report: ExportReport, progress) -> None:
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as folder:
        spool, shape = _spool(drawings, Path(folder), raw, report, progress)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            _add_npy(archive, "x.npy", spool.images_path, np.uint8, shape)
            _add_npy(archive, "y.npy", spool.labels_path, np.uint8, shape[:1])
            _add_npy(archive, "ids.npy", spool.ids_path, np.dtype("<i8"), shape[:1])
            _add_npy_bytes(archive, CLASS_NAMES_ENTRY, np.array(constants.CLASS_NAMES))
            if not raw:
                _add_npy_bytes(archive, "preprocessing_version.npy", np.array(constants.PREPROCESSING_VERSION))


def _add_npy(archive: zipfile.ZipFile, name: str, source: Path, dtype, shape: tuple) -> None:
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": tuple(shape)}
    with archive.open(_zip_entry(name), "w", force_zip64=True) as entry, open(source, "rb") as data:
        np.lib.format.write_array_header_1_0(entry, header)
        shutil.copyfileobj(data, entry, COPY_BUFFER)


def _add_npy_bytes(archive: zipfile.ZipFile, name: str, array: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    archive.writestr(_zip_entry(name), buffer.getvalue())


def _zip_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _write_idx(drawings, target: Path, raw: bool, report: ExportReport, progress) -> None:
    target.mkdir()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as folder:
        spool, shape = _spool(drawings, Path(folder), raw, report, progress)
        _gzip_idx(target / IDX_IMAGES, spool.images_path, shape)
        _gzip_idx(target / IDX_LABELS, spool.labels_path, shape[:1])
    _write_classes(target)


def _write_classes(folder: Path) -> None:
    """The class list beside IDX files and PNG folders: line n (from 0) names label n."""
    (folder / CLASSES_FILE).write_text("".join(f"{label_slug(label)}\n" for label in LABELS), encoding="utf-8")


def _gzip_idx(target: Path, source: Path, shape: tuple) -> None:
    """An unsigned-byte IDX file as MNIST ships it; gzip's mtime is fixed so bytes repeat."""
    header = struct.pack(">HBB", 0, 0x08, len(shape)) + struct.pack(f">{len(shape)}I", *shape)
    with open(target, "wb") as raw_out, gzip.GzipFile(filename="", mode="wb", fileobj=raw_out, mtime=0, compresslevel=6) as out, open(source, "rb") as data:
        out.write(header)
        shutil.copyfileobj(data, out, COPY_BUFFER)


def _write_png(drawings, target: Path, raw: bool, report: ExportReport, progress) -> None:
    target.mkdir()
    for label in LABELS:
        (target / label_slug(label)).mkdir()
    _write_classes(target)
    decode = (lambda png: png) if raw else _as_uint8(raw=False)
    with open(target / "manifest.csv", "w", newline="") as manifest:
        rows = csv.DictWriter(manifest, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
        rows.writeheader()
        for drawing, image in _decoded(drawings, decode, report, progress):
            relative = f"{label_slug(drawing.label)}/{drawing.pk:08d}.png"
            (target / relative).write_bytes(image if raw else _png_bytes(image))
            rows.writerow(_manifest_row(drawing, relative))


def _png_bytes(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image, mode="L").save(buffer, format="PNG")
    return buffer.getvalue()


def _manifest_row(drawing: Drawing, relative: str) -> dict:
    row = {name: getattr(drawing, name, "") for name in MANIFEST_FIELDS}
    row.update(id=drawing.pk, path=relative, created=drawing.created.isoformat(), predicted_label="" if drawing.predicted_label is None else drawing.predicted_label)
    return row


def _write_ndjson(drawings, target: Path, raw: bool, report: ExportReport, progress) -> None:
    """Quick, Draw!'s raw format, one drawing per line; drawings without strokes are skipped.

    `word` is the label as people read it, as Quick, Draw! names its categories: "7", or
    "not a digit".
    """
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        for drawing in drawings.iterator(chunk_size=CHUNK_SIZE):
            if drawing.strokes:
                report.per_label[drawing.label] += 1
                out.write(json.dumps(_quickdraw_record(drawing), sort_keys=True, separators=(",", ":")) + "\n")
            else:
                report.skip(drawing, "no strokes recorded")
            progress(1)


def _quickdraw_record(drawing: Drawing) -> dict:
    recognized = None if drawing.predicted_label is None else drawing.predicted_label == drawing.label
    return {
        "key_id": str(drawing.pk),
        "word": label_name(drawing.label),
        "timestamp": drawing.created.isoformat(),
        "recognized": recognized,
        "drawing": drawing.strokes,
    }


WRITERS = {"npz": _write_npz, "idx": _write_idx, "png": _write_png, "ndjson": _write_ndjson}
