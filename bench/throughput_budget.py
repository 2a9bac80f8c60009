"""Where a prediction's cost goes under gunicorn + wrk, and what the 25x throughput target leaves for each part.

    apt-get install wrk
    .venv/bin/python bench/throughput_budget.py [--seconds 15] [--preprocess-ms 0.25] [--database-url URL] [--json OUT]

bench_throughput.py gives the ratio; this script explains it. Under the same load as there
(gunicorn, 2 sync workers, production settings, wrk with 8 connections on loopback) it measures,
one after the other:

1. the site as deployed;
2. the site with preprocessing answered from a cache (bench/whatif_wsgi.py);
3. the same with inference cached too;
4. GET /healthz: gunicorn, Django's middleware and wrk with no view work;
5. the site answering through Keras `model.predict()` (bench/keras_wsgi.py);
6. with --preprocess-ms, the site with preprocessing replaced by that much busy CPU: a check
   that a cheaper preprocessing would buy what the subtraction below says.

Each row's cost is the two cores' time per request, 2 / (requests per second), wrk and the
kernel included. The differences between rows price preprocessing, inference, and the log row
with the JSON in and out; the Keras row sets the cost per request that 25x allows.
"""

import argparse
import json
from pathlib import Path

from bench_throughput import APPS, TARGET_RATIO, measure, prepare_load

CORES = 2  # The machine's; the workers and wrk share them.
SITE, KERAS = APPS["LiteRT (the site)"], APPS["Keras model.predict()"]
WHAT_IF = ["--pythonpath", "bench", "whatif_wsgi:application"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15, help="load duration per row")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections kept open by wrk")
    parser.add_argument("--preprocess-ms", type=float, help="also measure preprocessing replaced by this much CPU")
    parser.add_argument("--database-url", help="a scratch database (default: a fresh SQLite file)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    args.threads = 1  # Sync workers, as deployed.
    body, script = prepare_load("bench-budget-", args.database_url)
    rows = {
        "the site": measure(SITE, body, script, args),
        "preprocessing free": measure(WHAT_IF, body, script, args, environment={"BENCH_FREE": "preprocess"}),
        "preprocessing and inference free": measure(WHAT_IF, body, script, args, environment={"BENCH_FREE": "preprocess,inference"}),
        "GET /healthz": measure(SITE, body, None, args, path="/healthz"),
        "Keras model.predict()": measure(KERAS, body, script, args),
    }
    if args.preprocess_ms is not None:
        environment = {"BENCH_FREE": "preprocess", "BENCH_PREPROCESS_MS": str(args.preprocess_ms)}
        rows[f"preprocessing as {args.preprocess_ms} ms of CPU"] = measure(WHAT_IF, body, script, args, environment=environment)
    report(rows, args)


def cost_ms(row: dict) -> float:
    """The two cores' time per request, in ms."""
    return 1000 * CORES / max(row["requests_per_second"], 1e-9)


def report(rows: dict, args) -> None:
    print(f"{'row':<40}{'req/s':>9}{'errors':>8}{'cores ms/req':>14}{'worker CPU':>12}")
    for name, row in rows.items():
        errors = row["non_2xx"] + row["socket_errors"]
        print(f"{name:<40}{row['requests_per_second']:>9.1f}{errors:>8}{cost_ms(row):>14.3f}{row['worker_cpu_ms_per_request']:>12.3f}")
    site, no_preprocess, no_model, floor = (cost_ms(rows[name]) for name in list(rows)[:4])
    keras = rows["Keras model.predict()"]["requests_per_second"]
    allowed = 1000 * CORES / (TARGET_RATIO * keras)
    parts = {
        "preprocessing": site - no_preprocess,
        "LiteRT inference": no_preprocess - no_model,
        "log row, JSON in and out, the view": no_model - floor,
        "gunicorn, Django, wrk (GET /healthz)": floor,
    }
    print(f"\nthe site: {site:.3f} ms of the {CORES} cores per request; ratio {rows['the site']['requests_per_second'] / keras:.1f}x")
    for name, value in parts.items():
        print(f"  {name:<40}{value:>8.3f} ms  {100 * value / site:>5.1f}%")
    print(f"{TARGET_RATIO}x of Keras' {keras:.1f} req/s is {TARGET_RATIO * keras:.0f} req/s: at most {allowed:.3f} ms per request")
    budget = allowed - no_preprocess
    print(f"with everything else as it is, preprocessing may cost {budget:.3f} ms (now {parts['preprocessing']:.3f} ms)")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "parts_ms": parts, "allowed_ms": allowed, "preprocessing_budget_ms": budget}, indent=2))


if __name__ == "__main__":
    main()
