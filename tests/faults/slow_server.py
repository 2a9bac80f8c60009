"""A web worker whose drawing saves stall between the upload and the row insert, to be killed there.

Run: python -m tests.faults.slow_server PORT SIGNAL_FILE. When a drawing's object is stored it
touches SIGNAL_FILE and waits, so a test can kill -9 the process at the worst moment.
"""

import sys
import time
from pathlib import Path

import django


def main(port: int, signal_file: Path) -> None:
    django.setup()
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    from collector import services

    store = services._store

    def stalling_store(png: bytes) -> str:
        key = store(png)
        signal_file.write_text(key)
        time.sleep(60)
        return key

    services._store = stalling_store
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
