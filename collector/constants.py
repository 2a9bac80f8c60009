"""The collector's limits and tuning numbers, in one place."""

# A drawing's strokes may hold at most this many points in total (a few seconds of drawing
# hold a few hundred); more is rejected before anything is stored.
MAX_STROKE_POINTS = 20_000
# Coordinates are CSS pixels and times milliseconds; anything beyond this is not a drawing.
MAX_STROKE_VALUE = 1e9

# The prompt is drawn at random among this many least-represented labels, so contributors
# working at the same time do not all draw the same digit; a label more than
# PROMPT_TOLERANCE drawings above the rarest one is never prompted.
PROMPT_POOL = 3
PROMPT_TOLERANCE = 2
# Prompts planned ahead, so the page shows the next one at once while a save is in flight.
PROMPT_PLAN_LENGTH = 10
# About one prompt in ten asks for something that is not a digit (a letter, a symbol, a
# doodle): real negatives teach the model what to refuse, which synthetic ones alone did not.
# The digits are balanced among themselves; this share is kept whatever the counts.
NOT_A_DIGIT_PROMPT_SHARE = 0.1

# The collect page retries a failed save after these delays (ms), repeating the last one.
SAVE_RETRY_DELAYS_MS = (1_000, 2_000, 5_000, 10_000, 30_000)
# Saved drawings stay listed on the collect page as receipts; older ones drop off.
SAVED_RECEIPTS_SHOWN = 5

# The per-label counts shown on the collect page and after every save are recomputed this
# often (one aggregate over millions of rows per save would not scale); new drawings are
# added to them in between, relabels and rejections show at the next recount. The admin's
# list of model versions (a filter) is cached too.
COUNTS_CACHE_SECONDS = 60
MODEL_VERSIONS_CACHE_SECONDS = 60

# Orphan objects younger than this may belong to a save whose row is being written.
ORPHAN_GRACE_MINUTES = 60

# Admin pages.
CHANGELIST_PAGE_SIZE = 50  # Rendering a row costs more than querying it.
REVIEW_QUEUE_PAGE_SIZE = 50
DATASET_CHART_DAYS = 30
DUPLICATE_GROUPS_SHOWN = 50
