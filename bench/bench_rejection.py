"""Non-digit rejection of a model version, against a plain max-softmax threshold.

    .venv/bin/python bench/bench_rejection.py --mnist-dir ../shared/data/mnist [--model-dir DIR]

Reports the acceptance rate on MNIST test and on canvas-style drawn digits, and the rejection
rate on synthetic negatives made with a seed the training never used. The baseline is a
max-softmax threshold over the ten digits alone, set to accept 95% of MNIST test digits.
"""

import argparse
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml import evaluate  # noqa: E402
from ml.artifacts import load_predictor  # noqa: E402
from ml.dataset import mnist_split  # noqa: E402
from ml.drawn_digits import make_drawn_digits  # noqa: E402
from ml.negatives import make_negatives  # noqa: E402
from ml.preprocess import preprocess_many  # noqa: E402

UNSEEN_SEED = 424242  # Training uses seeds 1 and 1_000_004 for its negatives.
CANVAS = 280


def _out_of_family(kind: str, rng) -> Image.Image:
    """Shapes the negative generator never draws: the honest test of 'not a digit'."""
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    width, ink = int(rng.integers(8, 24)), (0, 0, 0, 255)
    a, b = rng.uniform(40, 90), rng.uniform(190, 240)
    shapes = {
        "cross": [[(a, a), (b, b)], [(a, b), (b, a)]],
        "plus": [[(140, a), (140, b)], [(a, 140), (b, 140)]],
        "equals": [[(a, 110), (b, 110)], [(a, 170), (b, 170)]],
        "check": [[(a, 150), (120, b), (b, a)]],
        "arrow": [[(a, 140), (b, 140)], [(b - 60, 90), (b, 140), (b - 60, 190)]],
        "wave": [[(x, 140 + 50 * math.sin(x / 25)) for x in range(30, 250, 5)]],
        "smiley": [[(140 + 100 * math.cos(t / 20), 140 + 100 * math.sin(t / 20)) for t in range(0, 127)], [(95, 100), (95, 115)], [(185, 100), (185, 115)], [(90 + 5 * i, 180 + 0.06 * (5 * i - 50) ** 2 * -0.35 + 15) for i in range(21)]],
    }
    for stroke in shapes[kind]:
        draw.line(stroke, fill=ink, width=width, joint="curve")
    return image


def out_of_family_negatives(count: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    kinds = ("cross", "plus", "equals", "check", "arrow", "wave", "smiley")
    return [_out_of_family(kinds[i % len(kinds)], rng) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default="recognizer/bundled_model")
    parser.add_argument("--mnist-dir", default=os.environ.get("MNIST_DIR"))
    parser.add_argument("--drawn", type=int, default=1000)
    parser.add_argument("--negatives", type=int, default=2000)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    predictor, metadata = load_predictor(args.model_dir)
    threshold = predictor.threshold
    mnist = mnist_split("test", args.mnist_dir)
    drawn_images, drawn_labels = make_drawn_digits(args.drawn, seed=UNSEEN_SEED)
    mnist_probs = predictor.probabilities(mnist.x)
    drawn_probs = predictor.probabilities(preprocess_many(drawn_images))
    negative_probs = predictor.probabilities(preprocess_many(make_negatives(args.negatives, seed=UNSEEN_SEED)))

    other_probs = predictor.probabilities(preprocess_many(out_of_family_negatives(args.negatives // 2, seed=UNSEEN_SEED)))
    report = evaluate.rejection_report(mnist_probs, negative_probs, threshold)
    other_report = evaluate.rejection_report(mnist_probs, other_probs, threshold)
    drawn_digits, _ = evaluate.digit_scores(drawn_probs)
    figures = {
        "model": metadata.get("architecture"),
        "threshold": threshold,
        "mnist_test_accuracy": float((evaluate.digit_scores(mnist_probs)[0] == mnist.y).mean()),
        "mnist_test_acceptance": report["digit_acceptance"],
        "drawn_digit_accuracy": float((drawn_digits == drawn_labels).mean()),
        "drawn_digit_acceptance": float(evaluate.accepted(drawn_probs, threshold).mean()),
        "negative_rejection": report["negative_rejection"],
        "baseline_max_softmax_at_95pct_acceptance": report["baseline_max_softmax"]["negative_rejection"],
        "out_of_family_rejection": other_report["negative_rejection"],
        "out_of_family_baseline_max_softmax": other_report["baseline_max_softmax"]["negative_rejection"],
    }
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value:.4f}" if isinstance(value, float) else f"{key:<{width}}  {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
