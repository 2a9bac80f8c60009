"""A throwaway Django site for benchmarks: its own SQLite database and media folder."""

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_sandbox(workdir: Path, *, fresh: bool, **env: str) -> None:
    """Set up Django on `workdir`/bench.sqlite3 and `workdir`/media; `fresh` starts from an empty, migrated site."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "bench.sqlite3"
    if fresh:
        database.unlink(missing_ok=True)
        shutil.rmtree(workdir / "media", ignore_errors=True)
    os.environ.update(DATABASE_URL=f"sqlite:///{database}", MEDIA_ROOT=str(workdir / "media"), DJANGO_SETTINGS_MODULE="digitsite.settings", LOG_LEVEL="WARNING", **env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
