from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from collector import orphans
from collector.constants import ORPHAN_GRACE_MINUTES
from collector.errors import StorageUnavailable


class Command(BaseCommand):
    help = (
        f"List drawing images in storage without a row (orphans) and rows whose image is missing; "
        f"delete orphans older than the grace period ({ORPHAN_GRACE_MINUTES} min by default). "
        "Missing images are only reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report only; delete nothing.")
        parser.add_argument(
            "--older-than",
            type=int,
            default=ORPHAN_GRACE_MINUTES,
            metavar="MIN",
            help="Delete only orphans last written at least MIN minutes ago, so saves in flight are spared.",
        )

    def handle(self, *, dry_run: bool, older_than: int, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more minutes.")
        try:
            names = tqdm(orphans.stored_names(), desc="Listing storage", unit=" objects", file=self.stderr, disable=None)
            inventory = orphans.take_inventory(names)
            expired = orphans.old_enough(inventory.orphans, older_than=timedelta(minutes=older_than))
            self._report(inventory, expired, older_than)
            if dry_run:
                self.stdout.write(f"Dry run: {len(expired)} orphan object(s) would be deleted.")
                return
            deleted = orphans.orphans_delete(names=expired)
        except StorageUnavailable as exc:
            raise CommandError(f"{exc} Check the STORAGES setting (AWS_* variables or MEDIA_ROOT).")
        self.stdout.write(self.style.SUCCESS(f"Deleted {len(deleted)} orphan object(s)."))

    def _report(self, inventory, expired, older_than):
        self.stdout.write(f"{inventory.objects} object(s) under {orphans.PREFIX}, {inventory.rows} drawing row(s).")
        self.stdout.write(f"{len(inventory.orphans)} orphan object(s) without a row; {len(expired)} older than {older_than} min:")
        for name in expired:
            self.stdout.write(f"  {name}")
        if inventory.missing:
            self.stdout.write(self.style.WARNING(f"{len(inventory.missing)} row(s) whose image is missing from storage:"))
            for pk, name in inventory.missing:
                self.stdout.write(f"  drawing {pk}: {name}")
