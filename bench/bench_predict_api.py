"""Server time of POST /api/predict in-process: the LiteRT serving path against `model.predict()`.

    .venv/bin/python bench/bench_predict_api.py [--requests 400] [--rounds 10] [--database-url URL] [--json OUT]

Both handlers are the real site with its production settings (DEBUG off; middleware, JSON
body, decoding, `ml.preprocess`, the prediction log row, the JSON answer) called as gunicorn
calls it, through the WSGI application, on a typical 280x280 canvas PNG
(bench/fixtures/canvas_seven.png, drawn in Chromium); only the inference differs: the active
version's LiteRT interpreter, or the same version's model.keras answering through
`model.predict()`. The two alternate in rounds, so background load falls on both alike. The database is a fresh SQLite file unless --database-url
names a scratch database.
"""

import argparse
import base64
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock
from wsgiref.util import setup_testing_defaults

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 20
CANVAS_FIXTURE = ROOT / "bench" / "fixtures" / "canvas_seven.png"
ROUNDS = 10  # Default; --rounds sets how finely the two handlers alternate.
WARMUP_REQUESTS = 20
# The site as deployed (DEBUG off: no query log, no debug cursor) over plain HTTP on loopback.
# The bench measures serving, not the rate limiter.
PRODUCTION_SETTINGS = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "RATE_LIMIT_PREDICT": "off",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400, help="requests per handler")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="alternations of the two handlers (requests per round: requests / rounds)")
    parser.add_argument("--database-url", help="a scratch database (default: a fresh SQLite file)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-predict-"))
    application, handlers = set_up(workdir, args.database_url)
    body = json.dumps({"image": canvas_data_url()}).encode()
    times = {name: [] for name in handlers}
    for name, loaded in handlers.items():
        run(application, body, loaded, WARMUP_REQUESTS)
    for _ in range(args.rounds):
        for name, loaded in handlers.items():
            times[name] += run(application, body, loaded, max(1, args.requests // args.rounds))
    report(times, args.json)


def set_up(workdir: Path, database_url: str | None):
    """The site's WSGI application and the two ways of answering, for the same model version."""
    version = prepare_site(workdir, database_url)
    from django.core.wsgi import get_wsgi_application

    from keras_serving import keras_predictor_for
    from recognizer.serving import LoadedModel, active_model

    litert = active_model.get()
    keras = LoadedModel(litert.version_id, litert.tag, keras_predictor_for(version))
    return get_wsgi_application(), {"LiteRT (the site)": litert, "Keras model.predict()": keras}


def prepare_site(workdir: Path, database_url: str | None):
    """Point Django at a database and a fresh media folder in `workdir`; set up the bundled model.

    Returns the active ModelVersion: a copy of the bundled model registered by this run, so a
    scratch database that served earlier runs (with their media gone) serves again.
    """
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["AWS_STORAGE_BUCKET_NAME"] = ""
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.update(PRODUCTION_SETTINGS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from recognizer.services import version_register

    call_command("migrate", verbosity=0)
    version = version_register(folder=settings.BUNDLED_MODEL_DIR, tag=f"bench-{workdir.name}".replace("_", "-"), activate=True)
    print(f"model version {version.tag}, database {os.environ['DATABASE_URL'].split('://')[0]}")
    return version


def canvas_data_url() -> str:
    """A "7" as the site's canvas sends it: a 280x280 RGBA PNG made by Chromium's encoder.

    bench/make_canvas_fixture.py drew it with static/js/canvas.js in headless Chromium.
    """
    return "data:image/png;base64," + base64.b64encode(CANVAS_FIXTURE.read_bytes()).decode()


def run(application, body: bytes, loaded, count: int) -> list[float]:
    """Seconds per request for `count` predictions answered by `loaded`.

    Server time: from the WSGI call that gunicorn would make to the last byte of the body,
    so Django's middleware and view and the JSON answer count, but no client code does.
    """
    from recognizer.serving import active_model

    times = []
    with mock.patch.object(active_model, "get", return_value=loaded):
        for _ in range(count):
            environ = wsgi_environ(body)
            statuses = []
            start = time.perf_counter()
            content = b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
            times.append(time.perf_counter() - start)
            if not statuses[0].startswith("200"):
                raise SystemExit(f"/api/predict answered {statuses[0]}: {content[:200]!r}")
    return times


def wsgi_environ(body: bytes) -> dict:
    """The WSGI environ of a JSON POST /api/predict; wsgiref fills in the standard keys."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/predict",
        "HTTP_HOST": "localhost",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    return environ


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(times: dict, json_path: str | None) -> None:
    figures = {
        name: {"requests": len(values), "p50_ms": percentile(values, 0.5) * 1000, "p95_ms": percentile(values, 0.95) * 1000, "mean_ms": statistics.fmean(values) * 1000}
        for name, values in times.items()
    }
    print(f"{'handler':<24}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, row in figures.items():
        print(f"{name:<24}{row['requests']:>10}{row['p50_ms']:>10.2f}{row['p95_ms']:>10.2f}{row['mean_ms']:>10.2f}")
    ours, keras = figures.values()
    ratios = {"p50": keras["p50_ms"] / ours["p50_ms"], "p95": keras["p95_ms"] / ours["p95_ms"]}
    verdict = "met" if ratios["p50"] >= TARGET_RATIO else "NOT met"
    print(f"speed-up: p50 {ratios['p50']:.1f}x, p95 {ratios['p95']:.1f}x (target >= {TARGET_RATIO}x at p50: {verdict})")
    if json_path:
        Path(json_path).write_text(json.dumps({"handlers": figures, "ratios": ratios}, indent=2))


if __name__ == "__main__":
    main()
