"""WSGI entry point for bench_throughput.py: the real site, answering through `model.predict()`.

    gunicorn --pythonpath bench keras_wsgi:application

Only the bench imports this; production code has no switch for it.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digitsite.wsgi import application  # noqa: E402,F401  (sets Django up)
from keras_serving import keras_predictor_for  # noqa: E402
from recognizer import artifacts  # noqa: E402

artifacts.load_predictor = keras_predictor_for
