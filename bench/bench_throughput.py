"""Requests per second of POST /api/predict under gunicorn (2 workers): LiteRT against `model.predict()`.

    apt-get install wrk   # the load generator: small, native, stops by itself after --seconds
    .venv/bin/python bench/bench_throughput.py [--seconds 20] [--connections 8] [--database-url URL]

Both runs start gunicorn with the project's gunicorn.conf.py, 2 workers and the production
settings (DEBUG off) on loopback, warm every worker up, then let wrk post the same 280x280
canvas PNG for a fixed time. The first run serves `digitsite.wsgi` as deployed; the second
serves `bench/keras_wsgi.py`, the same site answering through the same version's
`model.predict()`. Access logs go to /dev/null and workers are not recycled, for both.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench_predict_api import PRODUCTION_SETTINGS, ROOT, canvas_data_url, prepare_site

TARGET_RATIO = 25
WORKERS = 2
WARMUP_REQUESTS = 40
STARTUP_SECONDS = 120
APPS = {"LiteRT (the site)": ["digitsite.wsgi:application"], "Keras model.predict()": ["--pythonpath", "bench", "keras_wsgi:application"]}
WRK_SCRIPT = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{body}]]
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20, help="load duration per app")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections kept open by wrk")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1, as deployed: sync workers)")
    parser.add_argument("--database-url", help="a scratch database (default: a fresh SQLite file)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    body, script = prepare_load("bench-throughput-", args.database_url)
    results = {name: measure(app, body, script, args) for name, app in APPS.items()}
    report(results, args)


def prepare_load(prefix: str, database_url: str | None) -> tuple[str, Path]:
    """Set the site up in a new temporary folder; the canvas request's body and wrk's script for it."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    prepare_site(workdir, database_url)
    body = json.dumps({"image": canvas_data_url()})
    script = workdir / "post.lua"
    script.write_text(WRK_SCRIPT.format(body=body))
    return body, script


def measure(app: list[str], body: str, script: Path, args, *, path: str = "/api/predict", environment: dict | None = None) -> dict:
    """Serve `app` with gunicorn, warm it up, let wrk load `path`; wrk's figures and the workers' CPU.

    With `script` None, wrk sends GETs (e.g. to /healthz); otherwise the script's POST.
    """
    port = _free_port()
    server_url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, **PRODUCTION_SETTINGS, **(environment or {})}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        *("--workers", str(WORKERS), "--threads", str(args.threads), "--bind", f"127.0.0.1:{port}"),
        *("--access-logfile", "/dev/null", "--max-requests", "0", "--log-level", "warning"),
        *app,
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    try:
        warm_up(server_url + "/api/predict", body)
        wrk = ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s", "--latency", *(["-s", str(script)] if script else []), server_url + path]
        print("$", " ".join(wrk), flush=True)
        before = workers_cpu_seconds(server.pid)
        output = subprocess.run(wrk, capture_output=True, text=True, check=True).stdout
        worker_cpu = workers_cpu_seconds(server.pid) - before
        print(output, flush=True)
        figures = parse_wrk(output)
        figures["worker_cpu_ms_per_request"] = 1000 * worker_cpu / max(figures["requests"], 1)
        return figures
    finally:
        server.terminate()
        server.wait(timeout=30)


def workers_cpu_seconds(master_pid: int) -> float:
    """User + system CPU seconds used so far by the gunicorn master's worker processes (Linux)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        # Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def warm_up(url: str, body: str) -> None:
    """Wait for gunicorn, then make sure every worker has loaded its model."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if _post(url, body).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.5)
    else:
        raise SystemExit(f"gunicorn did not answer {url} within {STARTUP_SECONDS} s")
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        failures = [r for r in pool.map(lambda _: _post(url, body), range(WARMUP_REQUESTS)) if r.status_code != 200]
    if failures:
        raise SystemExit(f"{len(failures)} warm-up requests failed, e.g. {failures[0].status_code} {failures[0].text[:300]}")


def _post(url: str, body: str) -> requests.Response:
    return requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=60)


def parse_wrk(output: str) -> dict:
    def number(pattern: str) -> float:
        match = re.search(pattern, output)
        return float(match.group(1)) if match else 0.0

    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": int(number(r"(\d+) requests in")),
        "requests_per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(int(v) for v in socket_errors.groups()) if socket_errors else 0,
        "p50": re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1),
        "p99": re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1),
    }


def report(results: dict, args) -> None:
    # "worker CPU": the two workers' user + system CPU per request; wrk and the kernel's
    # loopback work come on top, from the same two cores.
    print(f"{'app':<24}{'requests':>10}{'req/s':>10}{'errors':>8}{'p50':>10}{'p99':>10}{'worker CPU':>12}")
    for name, row in results.items():
        errors = row["non_2xx"] + row["socket_errors"]
        cpu = f"{row['worker_cpu_ms_per_request']:.2f} ms"
        print(f"{name:<24}{row['requests']:>10}{row['requests_per_second']:>10.1f}{errors:>8}{row['p50']:>10}{row['p99']:>10}{cpu:>12}")
    ours, keras = results.values()
    ratio = ours["requests_per_second"] / max(keras["requests_per_second"], 1e-9)
    errors = sum(row["non_2xx"] + row["socket_errors"] for row in results.values())
    verdict = "met" if ratio >= TARGET_RATIO and errors == 0 else "NOT met"
    print(f"throughput ratio {ratio:.1f}x, errors {errors} (target >= {TARGET_RATIO}x with 0 errors: {verdict})")
    if args.json:
        Path(args.json).write_text(json.dumps({"apps": results, "ratio": ratio, "connections": args.connections, "seconds": args.seconds}, indent=2))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
