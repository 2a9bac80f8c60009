from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from collector.errors import StorageUnavailable
from collector.importers import LABEL_SOURCES, image_files, import_folder
from collector.labels import label_name
from collector.management.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Import a folder of digit images as pending drawings (source 'import'), labeled by their folder "
        "(7/x.png) or file name (7_x.png); not-a-digit or 10 in that place labels a drawing that is not a digit. "
        "Exact duplicates (SHA-256) and blank images are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="folder to import, searched recursively for PNG, JPEG, WebP and GIF files")
        parser.add_argument("--label-from", required=True, choices=LABEL_SOURCES, help="take the label (0-9, or not-a-digit / 10) from the parent folder's name or the start of the file name")
        parser.add_argument("--dry-run", action="store_true", help="check and count everything, store nothing")

    def handle(self, *, folder, label_from, dry_run, verbosity, **options):
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder; pass the folder that holds the images.")
        files = image_files(folder)
        if not files:
            raise CommandError(f"{folder} holds no PNG, JPEG, WebP or GIF files.")
        with progress_bar(self, total=len(files), desc="importing", unit="file", verbosity=verbosity) as bar:
            try:
                report = import_folder(files=files, label_from=label_from, dry_run=dry_run, progress=bar.update)
            except StorageUnavailable as exc:
                raise CommandError(f"{exc} Files imported before the failure stay; run again to import the rest.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {report.imported} of {report.found} files as pending drawings."))
        for label in sorted(report.per_label):
            self.stdout.write(f"  {label_name(label)}: {report.per_label[label]}")
        for reason, count in sorted(report.skipped.items()):
            self.stdout.write(self.style.WARNING(f"Skipped {count}: {reason}."))
