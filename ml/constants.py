"""The numbers the model, the preprocessing and the web layer agree on, in one place."""

IMAGE_SIDE = 28
INPUT_SHAPE = (IMAGE_SIDE, IMAGE_SIDE, 1)
DIGIT_BOX = 20  # MNIST fits each digit's longer side into a 20-pixel box.

DIGITS = tuple(range(10))
NOT_A_DIGIT = 10  # The extra class trained on synthetic scribbles, shapes and letters.
CLASS_NAMES = tuple(str(d) for d in DIGITS) + ("not-a-digit",)
NUM_CLASSES = len(CLASS_NAMES)

# Bumped whenever preprocessing changes its output, so a model trained on one version is
# never silently served inputs made by another.
PREPROCESSING_VERSION = "4"

MAX_IMAGE_PIXELS = 4096 * 4096  # Refuse larger images before decoding them.
MAX_IMAGE_BYTES = 5 * 1024 * 1024

# Default acceptance threshold on the top digit's probability; a trained model stores its
# own tuned value in its metadata.
DEFAULT_ACCEPT_THRESHOLD = 0.5
