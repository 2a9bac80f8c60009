"""Bulk import of existing image folders as pending drawings (source "import").

The label comes from the parent folder's name (`7/anything.png`) or from the start of the
file name (`7_0042.png`, `7-a.png`, `7.png`). A drawing that is not a digit is named
`not-a-digit` (`not-a-digit/x.png`, `not-a-digit_0042.png`), as the PNG export names its
folder, or `10`, its class index (`10/x.png`, `10_0042.png`), as tools that name class
folders by index do; the word is matched in any case. Exact duplicates — equal SHA-256 of the
server-encoded PNG, already stored or earlier in the same run — are skipped, as are blank
or unreadable images; every skip is counted with its reason.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from collector.exporters import unusable
from collector.images import encode_png
from collector.labels import NOT_A_DIGIT_SLUG
from collector.models import Drawing
from collector.services import drawing_create
from ml.constants import NOT_A_DIGIT
from ml.errors import InputError
from ml.preprocess import preprocess

LABEL_SOURCES = ("folder", "filename")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")
_LABEL = rf"({re.escape(NOT_A_DIGIT_SLUG)}|{NOT_A_DIGIT}|[0-9])"
FOLDER_LABEL = re.compile(_LABEL, re.IGNORECASE)
FILENAME_LABEL = re.compile(rf"{_LABEL}(?:[_\-. ].*)?", re.IGNORECASE)


@dataclass
class ImportReport:
    found: int = 0
    per_label: Counter = field(default_factory=Counter)  # Imported (or, dry run, importable).
    skipped: Counter = field(default_factory=Counter)  # reason -> count

    @property
    def imported(self) -> int:
        return sum(self.per_label.values())


def image_files(folder: Path) -> list[Path]:
    """Image files under `folder`, in a stable order."""
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def label_of(path: Path, label_from: str) -> int | None:
    pattern, name = (FOLDER_LABEL, path.parent.name) if label_from == "folder" else (FILENAME_LABEL, path.stem)
    match = pattern.fullmatch(name)
    if match is None:
        return None
    return NOT_A_DIGIT if match.group(1).lower() == NOT_A_DIGIT_SLUG else int(match.group(1))


def import_folder(*, files: list[Path], label_from: str, dry_run: bool = False, progress: Callable[[int], object] = lambda n: None) -> ImportReport:
    """Store each labeled, new, usable image as a pending drawing; `dry_run` stores nothing.

    Raises `collector.errors.StorageUnavailable` if the store fails; files imported before
    that stay imported, so a re-run skips them as duplicates.
    """
    report = ImportReport(found=len(files))
    seen: set[str] = set()
    for path in files:
        reason = _import_one(path, label_from, dry_run, seen, report)
        if reason:
            report.skipped[reason] += 1
        progress(1)
    return report


def _import_one(path: Path, label_from: str, dry_run: bool, seen: set, report: ImportReport) -> str | None:
    """Import one file; returns why it was skipped, or None."""
    label = label_of(path, label_from)
    if label is None:
        return f"no label in the {label_from} name"
    try:
        stored = encode_png(path.read_bytes())
        preprocess(stored.png)
    except InputError as exc:
        return unusable(exc)
    except OSError:
        return "unreadable file"
    if stored.sha256 in seen or Drawing.objects.filter(sha256=stored.sha256).exists():
        return "duplicate"
    seen.add(stored.sha256)
    if not dry_run:
        drawing_create(image=stored.png, label=label, source=Drawing.Source.IMPORT, status=Drawing.Status.PENDING)
    report.per_label[label] += 1
    return None
