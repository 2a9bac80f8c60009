"""Time and peak memory of `export_dataset` as the dataset grows: memory must stay flat.

    .venv/bin/python bench/bench_export.py --counts 10000 100000 [--formats npz idx] [--workdir DIR]

For each count, a fresh SQLite database in the work folder gets that many drawing rows, which
point in turn at a few hundred real canvas drawings stored in local media (each row is still
read from storage and preprocessed, one by one). The export then runs in a fresh process that
reports its wall time and how far its resident memory rose above where it started.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from sandbox import ROOT, django_sandbox

DISTINCT_IMAGES = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["npz"])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/digitsite-bench-export"))
    parser.add_argument("--step", choices=["prepare", "export"], help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        django_sandbox(args.workdir, fresh=args.step == "prepare")
        print(json.dumps(prepare(args.count) if args.step == "prepare" else export(args.format, args.workdir)))
        return
    print(f"{'drawings':>9} {'format':>6} {'seconds':>8} {'rows/s':>7} {'RSS rise MB':>11} {'output MB':>9}")
    for count in args.counts:
        _step(args.workdir, "prepare", "--count", str(count))
        for fmt in args.formats:
            result = _step(args.workdir, "export", "--format", fmt)
            print(f"{count:>9} {fmt:>6} {result['seconds']:>8.1f} {count / result['seconds']:>7.0f} {result['rss_rise_mb']:>11.1f} {result['output_mb']:>9.1f}", flush=True)


def _step(workdir: Path, *args: str) -> dict:
    completed = subprocess.run([sys.executable, __file__, "--workdir", str(workdir), "--step", *args], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def prepare(count: int) -> dict:
    """A fresh database of `count` verified drawings over DISTINCT_IMAGES stored images."""
    import numpy as np

    from collector.models import Drawing
    from collector.services import drawing_create
    from ml.drawn_digits import make_drawn_digits
    from tests.ml.drawings import encode

    images, labels = make_drawn_digits(DISTINCT_IMAGES, seed=7)
    stored = [drawing_create(image=encode(image), label=int(label), source="collect", status="verified") for image, label in zip(images, labels)]
    rows = (stored[i % len(stored)] for i in range(count - len(stored)))
    fields = ("image", "label", "source", "status", "width", "height", "sha256")
    Drawing.objects.bulk_create((Drawing(**{f: getattr(row, f) for f in fields}) for row in rows), batch_size=5000)
    return {"drawings": Drawing.objects.count(), "labels": np.bincount(labels).tolist()}


def export(fmt: str, workdir: Path) -> dict:
    from collector.exporters import drawings_for_export, export_dataset

    output = workdir / f"export.{fmt}"
    start_rss = _rss_mb()
    started = time.perf_counter()
    report = export_dataset(drawings=drawings_for_export(), output=output, fmt=fmt)
    seconds = time.perf_counter() - started
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in output.rglob("*")) if output.is_dir() else output.stat().st_size
    return {"exported": report.exported, "seconds": seconds, "rss_rise_mb": peak_rss - start_rss, "output_mb": size / 1e6}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    main()
