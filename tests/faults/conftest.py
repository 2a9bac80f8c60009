"""The hostile-input fixtures serve the fault tests too: own media, no rate limits, a warm model."""

from tests.hostile.conftest import no_rate_limits, own_media, prediction_id, warm

__all__ = ["no_rate_limits", "own_media", "prediction_id", "warm"]
