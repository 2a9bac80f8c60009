"""Inference speed and memory of a model version: Keras `predict()` against the LiteRT serving path.

    .venv/bin/python bench/bench_inference.py [--model-dir recognizer/bundled_model] [--repeat N] [--json PATH]

In one run: single-image latency of `model.predict()` (the Keras model from model.keras), of
the serving path (`load_predictor` + `Predictor.predict`), of `preprocess` and of preprocess +
predict on a 280x280 canvas PNG; their speed-up (target >= 20x); batch throughput for 256
images; and the peak RSS of a separate process that loads only the serving path (and must not
import TensorFlow). Exits non-zero when a target is missed.
"""

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ml.artifacts import KERAS_FILE, load_keras_model, load_predictor  # noqa: E402
from ml.drawn_digits import draw_digit  # noqa: E402
from ml.preprocess import preprocess, preprocess_many  # noqa: E402

BATCH = 256
TARGET_SPEEDUP = 20
WARMUP = 5
PREDICT_REPEAT_CAP = 50  # predict() costs ~50 ms a call; more repeats only make the run long.

# Peak memory is read from VmHWM, which starts afresh at exec; ru_maxrss would carry over the
# high-water mark of this TensorFlow-loaded parent from the fork.
SERVING_ONLY = """
import io, json, re, sys, time
from pathlib import Path
import numpy as np
started = time.perf_counter()
from ml.artifacts import load_predictor
from ml.drawn_digits import draw_digit
from ml.preprocess import preprocess
predictor, _ = load_predictor(sys.argv[1])
buffer = io.BytesIO()
draw_digit(7, np.random.default_rng(0)).save(buffer, format="PNG")
predictor.predict(preprocess(buffer.getvalue()))
assert "tensorflow" not in sys.modules, "the serving path imported tensorflow"
print(json.dumps({
    "peak_rss_mb": int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)) / 1024,
    "startup_s": time.perf_counter() - started,
    "keras_imported": "keras" in sys.modules,
}))
"""


def latency_ms(call, repeat: int) -> dict:
    """Median and 90th percentile of `call()` in milliseconds, after a warm-up."""
    for _ in range(WARMUP):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(times), "p90_ms": float(np.percentile(times, 90)), "runs": repeat}


def images_per_second(call, count: int, repeat: int = 3) -> float:
    call()
    best = min(_seconds(call) for _ in range(repeat))
    return count / best


def _seconds(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def canvas_png(digit: int, seed: int) -> bytes:
    buffer = io.BytesIO()
    draw_digit(digit, np.random.default_rng(seed)).save(buffer, format="PNG")
    return buffer.getvalue()


def serving_process(model_dir: str) -> dict:
    """Load only the serving path in a fresh interpreter and report its peak memory."""
    result = subprocess.run([sys.executable, "-c", SERVING_ONLY, model_dir], cwd=ROOT, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"The serving-only process failed:\n{result.stderr}")
    return json.loads(result.stdout)


def measure(model_dir: str, repeat: int) -> dict:
    png = canvas_png(7, seed=1)
    batch = preprocess_many([canvas_png(i % 10, seed=i) for i in range(BATCH)])
    one = batch[0]
    predictor, _ = load_predictor(model_dir)
    figures = {
        "serving_predict": latency_ms(lambda: predictor.predict(one), repeat),
        "preprocess_canvas_png": latency_ms(lambda: preprocess(png), repeat),
        "serving_preprocess_and_predict": latency_ms(lambda: predictor.predict(preprocess(png)), repeat),
        "litert_batch_images_per_s": images_per_second(lambda: predictor.probabilities(batch), BATCH),
    }
    model = load_keras_model(Path(model_dir) / KERAS_FILE)
    figures["keras_predict"] = latency_ms(lambda: model.predict(one[np.newaxis], verbose=0), min(repeat, PREDICT_REPEAT_CAP))
    figures["keras_call"] = latency_ms(lambda: model(one[np.newaxis], training=False), repeat)
    figures["keras_predict_batch_images_per_s"] = images_per_second(lambda: model.predict(batch, batch_size=BATCH, verbose=0), BATCH)
    figures["speedup_predict_over_serving"] = figures["keras_predict"]["median_ms"] / figures["serving_predict"]["median_ms"]
    figures["serving_only_process"] = serving_process(model_dir)
    return figures


def print_table(figures: dict) -> None:
    rows = [
        ("model.predict(), 1 image", figures["keras_predict"]),
        ("Keras model(x) call, 1 image", figures["keras_call"]),
        ("serving: Predictor.predict, 1 image", figures["serving_predict"]),
        ("serving: preprocess, 280x280 canvas PNG", figures["preprocess_canvas_png"]),
        ("serving: preprocess + predict, canvas PNG", figures["serving_preprocess_and_predict"]),
    ]
    print(f"{'single image':<44}{'median ms':>11}{'p90 ms':>10}")
    for name, timing in rows:
        print(f"{name:<44}{timing['median_ms']:>11.3f}{timing['p90_ms']:>10.3f}")
    speedup = figures["speedup_predict_over_serving"]
    print(f"\n{'speed-up of serving over predict()':<44}{speedup:>10.1f}x  (target >= {TARGET_SPEEDUP}x)")
    print(f"\n{f'batch of {BATCH}':<44}{'images/s':>11}")
    print(f"{'LiteRT loop (Predictor.probabilities)':<44}{figures['litert_batch_images_per_s']:>11.0f}")
    print(f"{'model.predict(batch)':<44}{figures['keras_predict_batch_images_per_s']:>11.0f}")
    process = figures["serving_only_process"]
    print(f"\n{'serving-only process: peak RSS':<44}{process['peak_rss_mb']:>8.1f} MB")
    print(f"{'serving-only process: start + load + 1st predict':<44}{process['startup_s']:>8.2f} s  (tensorflow not imported)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default=str(ROOT / "recognizer" / "bundled_model"))
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per single-image figure (predict() is capped at 50)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    figures = measure(args.model_dir, args.repeat)
    print_table(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    if figures["speedup_predict_over_serving"] < TARGET_SPEEDUP:
        raise SystemExit(f"The serving path is only {figures['speedup_predict_over_serving']:.1f}x faster than predict(); the target is {TARGET_SPEEDUP}x.")


if __name__ == "__main__":
    main()
