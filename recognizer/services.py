"""Model version lifecycle: register (immutable), validate, activate, roll back."""

import hashlib
import logging
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ml import artifacts as ml_artifacts
from ml.errors import ArtifactError
from recognizer import artifacts
from recognizer.models import Activation, ModelVersion

logger = logging.getLogger(__name__)
STORAGE_PREFIX = "models"


def version_register(*, folder: Path, tag: str, activate: bool = False, notes: str = "") -> ModelVersion:
    """Validate a local artifact folder, upload it to storage and create its ModelVersion.

    A folder that fails validation raises ArtifactError and is never registered.
    """
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", tag):
        raise ArtifactError(f"Version tag {tag!r} may only hold letters, digits, '-' and '_'.")
    if ModelVersion.objects.filter(tag=tag).exists():
        raise ArtifactError(f"A model version tagged {tag!r} already exists; versions are immutable.")
    _, metadata = ml_artifacts.load_predictor(folder)
    prefix = f"{STORAGE_PREFIX}/{tag}"
    artifacts.upload_folder(folder, prefix)
    version = ModelVersion.objects.create(tag=tag, artifact_prefix=prefix, metadata=metadata, notes=notes)
    if activate:
        version_activate(version=version, note="registered")
    return version


@transaction.atomic
def version_activate(*, version: ModelVersion, note: str = "") -> ModelVersion:
    """Point the active pointer at `version` after proving its stored artifact loads."""
    artifacts.load_predictor(version)  # Raises ArtifactError: a broken version never goes live.
    ModelVersion.objects.select_for_update().filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    version.is_active, version.activated_at = True, timezone.now()
    version.save(update_fields=["is_active", "activated_at"])
    Activation.objects.create(version=version, note=note)
    logger.info("activated model version %s", version.tag)
    return version


def version_rollback() -> ModelVersion:
    """Re-activate the version that was active before the current one."""
    current = ModelVersion.objects.active().first()
    previous = Activation.objects.exclude(version=current).select_related("version").first()
    if previous is None:
        raise ArtifactError("There is no earlier active version to roll back to.")
    return version_activate(version=previous.version, note=f"rollback from {current.tag if current else 'none'}")


BUNDLED_TAG_PREFIX = "bundled-"


def ensure_bundled_version() -> ModelVersion:
    """Register the model bundled with the code, and activate it when no version is active,
    when the active one cannot run with this code, or when the active one is an earlier
    bundled model.

    The last two cases are upgrades. A deploy whose preprocessing (or class list) no longer
    matches the active version's would otherwise leave every worker without a model; a site
    that serves the bundled model gets the one shipped with the new code, while the earlier
    one stays registered (versions are never deleted) for a rollback. A site that serves a
    version of its own keeps it; the new bundled model is registered beside it. It runs at
    `migrate`, the release step, so the switch is recorded before web workers start.
    """
    active = ModelVersion.objects.active().first()
    reason = _incompatibility(active) if active else None
    folder = Path(settings.BUNDLED_MODEL_DIR)
    raw = (folder / ml_artifacts.METADATA_FILE).read_bytes()
    metadata = ml_artifacts.read_metadata(raw, str(folder / ml_artifacts.METADATA_FILE))
    # The content hash keeps tags unique when a bundled artifact is updated in place, so an
    # old bucket never holds different files under the same tag.
    digest = hashlib.sha256(raw + (folder / ml_artifacts.TFLITE_FILE).read_bytes()).hexdigest()[:8]
    tag = f"{BUNDLED_TAG_PREFIX}{metadata['architecture']}-{metadata['created'][:10]}-{digest}"
    if active and active.tag == tag:
        return active
    existing = ModelVersion.objects.filter(tag=tag).first()
    if active and reason is None and (existing or not active.tag.startswith(BUNDLED_TAG_PREFIX)):
        if not existing:
            version_register(folder=folder, tag=tag, notes="Bundled with the code; not activated, the site serves its own version.")
        return active
    version = existing or version_register(folder=folder, tag=tag, notes="Bundled with the code.")
    if reason:
        logger.warning("active model version %s cannot run with this code (%s); activating the bundled model", active.tag, reason)
        note = f"bundled model activated: {active.tag} cannot run with this code"
    elif active:
        note = f"bundled model upgraded from {active.tag}"
    else:
        note = "bundled model re-activated" if existing else "registered"
    return version_activate(version=version, note=note)


def _incompatibility(version: ModelVersion) -> str | None:
    """Why this code cannot serve `version` (from its registered metadata), or None."""
    try:
        ml_artifacts.check_compatible(version.metadata, f"version {version.tag}")
    except ArtifactError as exc:
        return str(exc).rstrip(".")
    return None


def register_bundled_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate hook: a fresh database serves the bundled model at once."""
    try:
        ensure_bundled_version()
    except Exception as exc:  # Never break migrate; /readyz reports the problem instead.
        logger.error("could not register the bundled model: %s", exc)
