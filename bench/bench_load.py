"""Mixed traffic against gunicorn on loopback: throughput, latency, errors, and no lost submissions.

    .venv/bin/python bench/bench_load.py [--seconds 60] [--concurrency 8] [--workers 2] [--database-url URL]

Starts gunicorn (gunicorn.conf.py, WEB_CONCURRENCY=--workers) on a free loopback port over a
fresh SQLite file (or the scratch database --database-url names, migrated first) and a temporary
media folder, with rate limits off. --concurrency client threads, each with its own session
(CSRF cookie + token, as the pages send them), then send predictions of canvas PNGs, drawing
submissions and page loads until --seconds pass or --max-requests are sent. Afterwards every
submission answered 201 is looked up: its row in the database and its object in storage.
"""

import argparse
import base64
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
MIX = [("predict", 0.5), ("submit", 0.25), ("page", 0.25)]
EXPECTED = {"predict": 200, "submit": 201, "page": 200}
VERIFY = """
import json, os
from django.core.files.storage import default_storage
from collector.models import Drawing
ids = json.load(open(os.environ["BENCH_ACCEPTED_IDS"]))
rows = dict(Drawing.objects.filter(pk__in=ids).values_list("pk", "image"))
print(json.dumps({"accepted": len(ids), "rows": len(rows), "objects": sum(default_storage.exists(name) for name in rows.values())}))
"""


def canvas_data_url(rng: random.Random) -> str:
    """A random stroke digit-like drawing as the canvas sends it: black ink on transparent 280x280."""
    image = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    points = [(rng.randint(40, 240), rng.randint(40, 240)) for _ in range(rng.randint(3, 6))]
    ImageDraw.Draw(image).line(points, fill=(0, 0, 0, 255), width=18, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(workdir: Path, database_url: str | None, workers: int, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=database_url or f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        WEB_CONCURRENCY=str(workers),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        RATE_LIMIT_PREDICT="off",
        RATE_LIMIT_SUBMIT="off",
        RATE_LIMIT_FEEDBACK="off",
    )
    return env


def start_gunicorn(env: dict, workdir: Path, base: str) -> subprocess.Popen:
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    log = open(workdir / "gunicorn.log", "w")
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "digitsite.wsgi", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=5).ok:
                return server
        except requests.RequestException:  # Workers still booting.
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")


class Client(threading.Thread):
    def __init__(self, base: str, stop_at: float, budget: "Budget", seed: int):
        super().__init__(daemon=True)
        self.base, self.stop_at, self.budget = base, stop_at, budget
        self.rng = random.Random(seed)
        self.results: list[tuple[str, int, float]] = []  # (kind, status or 0 for a failure, seconds)
        self.accepted: list[int] = []
        self.failures: list[str] = []
        self.images = [canvas_data_url(self.rng) for _ in range(8)]

    def run(self) -> None:
        session = requests.Session()
        session.get(self.base + "/collect/", timeout=30)
        while time.monotonic() < self.stop_at and self.budget.take():
            kind = self.rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
            started = time.perf_counter()
            try:
                response = self.send(session, kind)
                status = response.status_code
            except requests.RequestException:
                status = 0
            self.results.append((kind, status, time.perf_counter() - started))
            if status >= 500 or status == 0:
                self.failures.append(f"{kind} {status} {response.text[:200] if status else ''}")
            if kind == "submit" and status == 201:
                self.accepted.append(response.json()["id"])

    def send(self, session: requests.Session, kind: str) -> requests.Response:
        image = self.rng.choice(self.images)
        if kind == "predict":
            return session.post(self.base + "/api/predict", json={"image": image}, timeout=30)
        if kind == "submit":
            token = session.cookies["csrftoken"]
            return session.post(self.base + "/api/drawings", json={"image": image, "label": self.rng.randrange(10)}, headers={"X-CSRFToken": token}, timeout=30)
        return session.get(self.base + self.rng.choice(["/", "/collect/"]), timeout=30)


class Budget:
    def __init__(self, requests_allowed: int):
        self.left, self.lock = requests_allowed, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            self.left -= 1
            return self.left >= 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(results, seconds: float) -> dict:
    by_kind = defaultdict(list)
    for kind, status, latency in results:
        by_kind[kind].append((status, latency))
    kinds = {}
    for kind, rows in sorted(by_kind.items()):
        latencies = [latency * 1000 for _, latency in rows]
        kinds[kind] = {
            "requests": len(rows),
            "errors": sum(status != EXPECTED[kind] for status, _ in rows),
            "statuses": dict(sorted(Counter(status for status, _ in rows).items())),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
        }
    return {"seconds": round(seconds, 1), "requests": len(results), "requests_per_s": round(len(results) / seconds, 1), "errors": sum(k["errors"] for k in kinds.values()), "kinds": kinds}


def verify(env: dict, workdir: Path, accepted: list[int]) -> dict:
    ids_file = workdir / "accepted.json"
    ids_file.write_text(json.dumps(accepted))
    command = [sys.executable, "manage.py", "shell", "-c", VERIFY]
    result = subprocess.run(command, cwd=ROOT, env={**env, "BENCH_ACCEPTED_IDS": str(ids_file)}, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="stop after this many requests")
    parser.add_argument("--database-url", help="a scratch database (default: a fresh SQLite file)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = site_env(workdir, args.database_url, args.workers, port)
    server = start_gunicorn(env, workdir, base)
    try:
        for _ in range(2 * args.workers):  # Each worker loads the model on its first prediction.
            requests.post(base + "/api/predict", json={"image": canvas_data_url(random.Random(0))}, timeout=60)
        budget, started = Budget(args.max_requests), time.monotonic()
        clients = [Client(base, started + args.seconds, budget, seed) for seed in range(args.concurrency)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=args.seconds + 60)
        figures = summary([r for c in clients for r in c.results], time.monotonic() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures["stored"] = verify(env, workdir, [i for c in clients for i in c.accepted])
    figures["database"] = env["DATABASE_URL"].split(":", 1)[0]
    figures["first_failures"] = [f for c in clients for f in c.failures][:5]
    print(json.dumps(figures, indent=2))
    lost = figures["stored"]["accepted"] - min(figures["stored"]["rows"], figures["stored"]["objects"])
    sys.exit(1 if figures["errors"] or lost else 0)


if __name__ == "__main__":
    main()
