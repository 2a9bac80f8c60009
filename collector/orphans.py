"""Storage objects without a row (orphans) and rows without an object.

`drawing_create` uploads before it inserts and deletes the object when the insert fails, but a
process killed between the two, or a failed delete, can still leave an object behind; this
module finds and removes those. Both name sets are held in memory (~100 bytes per drawing).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from collector.errors import StorageUnavailable
from collector.models import Drawing

PREFIX = "drawings/"


@dataclass
class Inventory:
    objects: int = 0
    rows: int = 0
    orphans: list[str] = field(default_factory=list)  # Objects without a row, oldest first.
    missing: list[tuple[int, str]] = field(default_factory=list)  # (id, name) of rows without an object.


def stored_names(prefix: str = PREFIX) -> Iterator[str]:
    """Every object name under `prefix`, walking folders (local) or key prefixes (S3)."""
    try:
        folders, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return
    except Exception as exc:  # Each storage backend raises its own error types.
        raise StorageUnavailable(f"Listing {prefix} in the default storage failed: {exc}") from exc
    for name in files:
        yield f"{prefix}{name}"
    for folder in folders:
        yield from stored_names(f"{prefix}{folder}/")


def take_inventory(names: Iterable[str]) -> Inventory:
    """Compare listed object names with the rows' image names.

    Only rows created before the listing began can be missing their object: a drawing's object
    is uploaded before its row is created.
    """
    started = timezone.now()
    stored = set(names)
    inventory = Inventory(objects=len(stored))
    known = set()
    for pk, name, created in Drawing.objects.order_by().values_list("pk", "image", "created").iterator(chunk_size=10_000):
        known.add(name)
        if name not in stored and created < started and name.startswith(PREFIX):
            inventory.missing.append((pk, name))
    inventory.rows = len(known)
    inventory.orphans = sorted(stored - known)
    return inventory


def old_enough(names: Iterable[str], *, older_than: timedelta) -> list[str]:
    """The names whose object was last written before the grace period."""
    cutoff = timezone.now() - older_than
    return [name for name in names if _written_before(name, cutoff)]


def _written_before(name: str, cutoff) -> bool:
    try:
        return default_storage.get_modified_time(name) < cutoff
    except Exception as exc:  # Each storage backend raises its own error types.
        if not default_storage.exists(name):
            return False  # Deleted since the listing.
        raise StorageUnavailable(f"Reading the time of {name} in the default storage failed: {exc}") from exc


def orphans_delete(*, names: Iterable[str]) -> list[str]:
    """Delete objects that still have no row (checked again just before each delete)."""
    deleted = []
    for name in names:
        if Drawing.objects.filter(image=name).exists():
            continue
        try:
            default_storage.delete(name)
        except Exception as exc:
            raise StorageUnavailable(f"Deleting {name} from the default storage failed: {exc}") from exc
        deleted.append(name)
    return deleted
