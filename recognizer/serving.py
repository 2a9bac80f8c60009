"""The per-worker active predictor: loaded lazily, switched when the active version moves.

Each worker process asks the database which version is active at most once every
MODEL_CHECK_SECONDS (one indexed query), and loads a new version only when the answer
changes. A version that fails to load is logged and the previous one keeps serving.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from ml.errors import ArtifactError
from ml.inference import Predictor
from recognizer import artifacts
from recognizer.errors import ModelUnavailable
from recognizer.models import ModelVersion

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModel:
    version_id: int
    tag: str
    predictor: Predictor


class ActiveModel:
    def __init__(self):
        self._lock = threading.Lock()
        self._loaded: LoadedModel | None = None
        self._checked_at = float("-inf")
        self._failed_version_id: int | None = None

    def get(self) -> LoadedModel:
        """The model to serve now; raises ModelUnavailable when none can be loaded."""
        if time.monotonic() - self._checked_at >= settings.MODEL_CHECK_SECONDS:
            with self._lock:
                if time.monotonic() - self._checked_at >= settings.MODEL_CHECK_SECONDS:
                    self._refresh()
        loaded = self._loaded
        if loaded is None:
            with self._lock:  # Another thread may be loading the first model: wait for it.
                loaded = self._loaded
        if loaded is None:
            raise ModelUnavailable("No model is available to answer right now; please try again shortly.")
        return loaded

    def peek(self) -> LoadedModel | None:
        return self._loaded

    def reset(self) -> None:
        with self._lock:
            self._loaded, self._checked_at, self._failed_version_id = None, float("-inf"), None

    def _refresh(self) -> None:
        try:
            version = ModelVersion.objects.active().only("id", "tag", "artifact_prefix").first()
        except Exception as exc:  # Database down: keep serving the model we have.
            logger.error("could not check the active model version: %s", exc)
            return
        self._checked_at = time.monotonic()
        if version is None:
            from recognizer.services import ensure_bundled_version

            try:
                version = ensure_bundled_version()
            except Exception as exc:  # Storage down or bundled files broken: answer 503, retry later.
                logger.error("could not register the bundled model from %s: %s", settings.BUNDLED_MODEL_DIR, exc)
                return
        if self._loaded and self._loaded.version_id == version.id:
            return
        self._load(version)

    def _load(self, version: ModelVersion) -> None:
        if version.id == self._failed_version_id and self._loaded is not None:
            return  # Keep serving the model we have; retried when the active version moves again.
        try:
            self._loaded = LoadedModel(version.id, version.tag, artifacts.load_predictor(version))
            self._failed_version_id = None
            logger.info("serving model version %s", version.tag)
        except ArtifactError as exc:
            self._failed_version_id = version.id
            logger.error("model version %s failed to load, keeping %s: %s", version.tag, self._loaded.tag if self._loaded else "none", exc)


active_model = ActiveModel()


def model_status() -> dict:
    """For /readyz: load the model if needed and name the version serving."""
    loaded = active_model.get()
    return {"version": loaded.tag}
