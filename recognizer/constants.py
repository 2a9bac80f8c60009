"""Numbers the draw page works with, handed to its script by the view (no magic numbers in JS)."""

# While the pen moves, the page asks for a prediction at most this often (ms); pen-up asks at once.
LIVE_PREDICTION_INTERVAL_MS = 150
