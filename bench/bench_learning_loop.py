"""Proof that collected drawings teach the model: a style MNIST lacks, before and after a fine-tune.

    .venv/bin/python bench/bench_learning_loop.py --mnist-dir ../shared/data/mnist [--drawings 1000] [--base-model-dir DIR]

Seven-segment digits (`ml/segment_digits.py`) are split in two halves. The first half goes in
as contributors send drawings (POST /api/drawings), is verified, and `retrain --fine-tune
--activate auto` runs. The other half is never seen in training. Both versions are scored
through their served artifacts on that unseen half and on the full MNIST test set. The loop
works when accuracy on the unseen half rises and MNIST test accuracy drops by at most 0.1 point.
"""

import argparse
import io
import time
from pathlib import Path

from sandbox import django_sandbox

MAX_MNIST_DROP = 0.001


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist-dir", required=True)
    parser.add_argument("--drawings", type=int, default=1000, help="seven-segment drawings made; half are taught, half stay unseen")
    parser.add_argument("--base-model-dir", type=Path, help="model version folder to start from (default: the bundled model)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/digitsite-bench-loop"))
    args = parser.parse_args()
    half = args.drawings // 2
    django_sandbox(args.workdir, fresh=True, MNIST_DIR=str(Path(args.mnist_dir).resolve()), RATE_LIMIT_SUBMIT=f"{half}/60")
    run(args.base_model_dir, half, args.seed)


def run(base_folder: Path | None, half: int, seed: int) -> None:
    from django.core.management import call_command
    from django.test import Client

    from ml.dataset import mnist_split
    from ml.preprocess import preprocess_many
    from ml.segment_digits import make_segment_digits
    from recognizer.models import ModelVersion
    from recognizer.services import version_register
    from tests.commands.learning_loop import accuracy, submit, verify

    base = version_register(folder=base_folder, tag="bench-base", activate=True) if base_folder else ModelVersion.objects.get(is_active=True)
    images, labels = make_segment_digits(2 * half, seed=seed)
    unseen = preprocess_many(images[half:]), labels[half:]
    test = mnist_split("test")
    before = accuracy(base, *unseen), accuracy(base, test.x, test.y)

    started = time.perf_counter()
    verified = verify(submit(Client(HTTP_HOST="localhost"), images[:half], labels[:half]))
    print(f"{verified} seven-segment drawings sent through POST /api/drawings and verified in {time.perf_counter() - started:.0f} s", flush=True)
    out = io.StringIO()
    started = time.perf_counter()
    call_command("retrain", "--fine-tune", "--activate", "auto", stdout=out, stderr=io.StringIO())
    print(f"retrain --fine-tune --activate auto in {time.perf_counter() - started:.0f} s:\n{out.getvalue()}")

    new = ModelVersion.objects.latest("created")
    after = accuracy(new, *unseen), accuracy(new, test.x, test.y)
    print(f"{'served artifact':28} {base.tag[:24]:>24} {new.tag:>24}")
    print(f"{'unseen seven-segment half':28} {before[0]:>24.2%} {after[0]:>24.2%}   ({len(unseen[1])} images)")
    print(f"{'MNIST test':28} {before[1]:>24.2%} {after[1]:>24.2%}   ({len(test)} images)")
    rises, holds = after[0] > before[0], before[1] - after[1] <= MAX_MNIST_DROP
    print(f"unseen half {'rises' if rises else 'does NOT rise'} by {100 * (after[0] - before[0]):+.1f} points; "
          f"MNIST test changes by {100 * (after[1] - before[1]):+.2f} points ({'within' if holds else 'OUTSIDE'} the 0.1-point budget); "
          f"{new.tag} is {'active' if new.is_active else 'not active'}")
    raise SystemExit(0 if rises and holds else 1)


if __name__ == "__main__":
    main()
