"""Wall time of `retrain --fine-tune` with 1,000 verified drawings, and of one from-scratch epoch.

    .venv/bin/python bench/bench_retrain.py --mnist-dir ../shared/data/mnist [--drawings 1000] [--base-model-dir DIR] [--scratch-epochs 1]

A fresh SQLite site in the work folder gets the drawings (canvas-style digits from
`ml/drawn_digits.py`, stored through the collector's service) and, with --base-model-dir, that
model version as the active one (otherwise the bundled model). The fine-tune is timed as an
operator runs it: `manage.py retrain --fine-tune` in a new process, imports included. The
from-scratch run is timed for --scratch-epochs epochs; a full run's time is estimated from it
(30 epochs is the preset), which the output says plainly.
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sandbox import ROOT, django_sandbox

EPOCH_SECONDS = re.compile(r"^\s*\d+:\d+:\d+ \d+/\d+ - (\d+)s - ")  # Keras: "593/593 - 107s - 181ms/step - ...".


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist-dir", required=True)
    parser.add_argument("--drawings", type=int, default=1000)
    parser.add_argument("--base-model-dir", type=Path, help="model version folder to start from (default: the bundled model)")
    parser.add_argument("--scratch-epochs", type=int, default=1, help="from-scratch epochs to time (0: skip)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/digitsite-bench-retrain"))
    args = parser.parse_args()
    env = {"MNIST_DIR": str(Path(args.mnist_dir).resolve())}
    django_sandbox(args.workdir, fresh=True, **env)
    from ml.finetune import PRESETS

    base = activate_base(args.base_model_dir)
    print(f"base version {base}; storing {args.drawings} verified drawings ...", flush=True)
    store_drawings(args.drawings)
    seconds, tail = timed_command(["retrain", "--fine-tune", "--activate", "no"], args.workdir, env)
    print(f"retrain --fine-tune, {args.drawings} drawings: {seconds:.1f} s wall (new process, imports included; target <= 60 s)")
    print("\n".join(tail))
    if args.scratch_epochs:
        seconds, tail = timed_command(["retrain", "--from-scratch", "--epochs", str(args.scratch_epochs), "--activate", "no"], args.workdir, env)
        print(f"retrain --from-scratch --epochs {args.scratch_epochs}: {seconds:.1f} s wall")
        print("\n".join(tail))
        epoch = statistics.median(float(m.group(1)) for m in map(EPOCH_SECONDS.search, tail) if m)
        full = seconds + (PRESETS["from-scratch"].epochs - args.scratch_epochs) * epoch
        print(f"estimate for the {PRESETS['from-scratch'].epochs}-epoch preset: {full / 60:.0f} min (this run's set-up and evaluation + {epoch:.0f} s per Keras epoch; not measured)")


def activate_base(folder: Path | None) -> str:
    from recognizer.models import ModelVersion
    from recognizer.services import version_register

    if folder:
        return version_register(folder=folder, tag="bench-base", activate=True).tag
    return ModelVersion.objects.get(is_active=True).tag


def store_drawings(count: int) -> None:
    from collector.services import drawing_create
    from ml.drawn_digits import make_drawn_digits
    from tests.ml.drawings import encode

    images, labels = make_drawn_digits(count, seed=5)
    for image, label in zip(images, labels):
        drawing_create(image=encode(image), label=int(label), source="collect", status="verified")


def timed_command(command: list[str], workdir: Path, env: dict) -> tuple[float, list[str]]:
    """Run `manage.py COMMAND` against the sandbox; (wall seconds, the lines it printed + its CPU time)."""
    sandbox_env = {**os.environ, **env}
    cpu_before = _children_cpu()
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=sandbox_env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if completed.returncode:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{completed.stderr[-2000:]}")
    progress = [line for line in completed.stderr.splitlines() if line[:2].isdigit() and line[2:3] == ":"]
    lines = progress + completed.stdout.splitlines() + [f"CPU time {cpu:.0f} s (user + system, all threads); load average {os.getloadavg()[0]:.1f}"]
    return seconds, ["  " + line for line in lines]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
