"""Collector timings, in-process: saving one drawing, and the admin with 100,000 drawings.

    .venv/bin/python bench/bench_collector.py [--rows 100000] [--saves 200] [--requests 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_collector.py

Runs in a throw-away test database (PostgreSQL: `bench_collector`) and a temporary media
folder. Saves use a 360x360 canvas-style PNG (black ink on transparent) and the configured
DRAWING_PREDICTOR; the admin pages are requested as a superuser through the test client.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-collector-media-")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from collector.models import Drawing  # noqa: E402
from collector.services import SubmittedPrediction, drawing_create  # noqa: E402
from tests.ml.drawings import canvas_drawing, data_url, encode  # noqa: E402

CANVAS_SIDE = 360  # The collect page's canvas at devicePixelRatio 1.


def timed(call, repeat: int) -> list[float]:
    """Milliseconds per call, after one warm-up call."""
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(name: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    print(f"  {name:<62} p50 {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms   (n={len(times)})")


def bench_saves(client: Client, image: str, repeat: int) -> None:
    summary("drawing_create (encode + upload + insert)", timed(lambda: drawing_create(image=image, label=7, source="collect"), repeat))
    body = {"image": image, "label": 7, "strokes": [[[10.0, 20.0, 30.0], [10.0, 40.0, 80.0], [0, 16, 33]]]}

    def post():
        response = client.post("/api/drawings", body, content_type="application/json")
        assert response.status_code == 201, response.content

    summary("POST /api/drawings (validate, predict, store)", timed(post, repeat))


def fill(rows: int) -> None:
    """`rows` drawings pointing at a few stored images, spread over 60 days, ~10% disagreeing."""
    images = [drawing_create(image=data_url(encode(canvas_drawing(d))), label=int(d), source="collect") for d in "0147"]
    rng = random.Random(0)
    now = timezone.now()
    batch = []
    for n in range(rows):
        label = rng.randrange(10)
        predicted = label if rng.random() > 0.1 else rng.randrange(10)
        source = images[n % len(images)]
        batch.append(
            Drawing(
                image=source.image.name, label=label, source=rng.choice(Drawing.Source.values), status=rng.choice(Drawing.Status.values),
                created=now - timedelta(minutes=rng.randrange(60 * 24 * 60)), contributor_key=f"{rng.randrange(500):064x}",
                width=source.width, height=source.height, sha256=f"{rng.randrange(rows):064x}",
                predicted_label=predicted, prediction_confidence=rng.random(), model_version=f"bench-v{rng.randrange(3)}",
            )
        )
        if len(batch) == 5000:
            Drawing.objects.bulk_create(batch)
            batch = []
    Drawing.objects.bulk_create(batch)
    with connection.cursor() as cursor:  # What autovacuum does after a bulk load in production.
        cursor.execute("VACUUM ANALYZE collector_drawing" if connection.vendor == "postgresql" else "ANALYZE")


def bench_admin(client: Client, repeat: int) -> None:
    some_id = Drawing.objects.order_by("-id").values_list("id", flat=True)[500]
    pages = {
        "changelist": "/admin/collector/drawing/",
        "changelist ?disagrees=yes": "/admin/collector/drawing/?disagrees=yes",
        "changelist ?label=3&status__exact=pending": "/admin/collector/drawing/?label=3&status__exact=pending",
        "changelist page 200": "/admin/collector/drawing/?p=200",
        "changelist search by id": f"/admin/collector/drawing/?q={some_id}",
        "change page": f"/admin/collector/drawing/{some_id}/change/",
        "review queue": "/admin/collector/drawing/review/",
        "dataset page": "/admin/collector/drawing/dataset/",
    }
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        summary(f"{name} [{len(queries)} queries, {sql_ms:.0f} ms SQL]", timed(lambda: client.get(url), repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    setup_test_environment()
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = "bench_collector"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args) -> None:
    print(f"database: {connection.vendor}; storage: local files; predictor: {django.conf.settings.DRAWING_PREDICTOR}")
    image = data_url(encode(canvas_drawing("7", side=CANVAS_SIDE)))
    client = Client()
    print(f"Saving one drawing ({len(image) // 1024} KB data URL), empty table:")
    bench_saves(client, image, args.saves)

    start = time.perf_counter()
    fill(args.rows)
    print(f"Filled {Drawing.objects.count():,} drawings in {time.perf_counter() - start:.1f} s.")
    print(f"Saving one drawing with {args.rows:,} drawings in the table:")
    bench_saves(client, image, args.saves)

    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-password"))
    print(f"Admin pages with {Drawing.objects.count():,} drawings (GET as a superuser):")
    bench_admin(admin, args.requests)


if __name__ == "__main__":
    main()
