"""gunicorn settings: `gunicorn digitsite.wsgi` reads this file from the working directory."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers, one request at a time each: inference is CPU-bound, and a sync worker accepts a
# connection only when it is free, so the load spreads over every worker. Threaded workers keep
# connections alive, and under keep-alive load one of them could hold every connection while
# another idled: 215-240 against 364 req/s with 2 workers (bench/README.md). Twice the cores
# plus one, gunicorn's advice, so that waits on storage or the database leave no core idle.
# Sync workers expect a buffering proxy or load balancer in front (slow clients hold a worker).
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Never preload: TensorFlow/LiteRT state must not be shared across fork(). Each worker loads
# the active model lazily on its first prediction.
preload_app = False
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
