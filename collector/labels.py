"""What a drawing's label can be, and how people, the API and files name each one.

A label is a class index of the model: the digits 0-9, then 10 for "not a digit" (a letter,
a symbol, a doodle), which teaches the model what to refuse. Exports and imports use the
class index in their numbers (npz, IDX) and the class name in their names (PNG folders).
"""

from ml.constants import CLASS_NAMES, DIGITS, NOT_A_DIGIT

LABELS = (*DIGITS, NOT_A_DIGIT)
NOT_A_DIGIT_NAME = "not a digit"  # What people read.
NOT_A_DIGIT_SLUG = CLASS_NAMES[NOT_A_DIGIT]  # "not-a-digit": the API's word, folder and file names.


def label_name(label: int) -> str:
    """The label as people read it: "7", or "not a digit"."""
    return NOT_A_DIGIT_NAME if label == NOT_A_DIGIT else str(label)


def label_slug(label: int) -> str:
    """The label as a file or folder name: "7", or "not-a-digit"."""
    return CLASS_NAMES[label]


LABEL_CHOICES = [(label, label_name(label)) for label in LABELS]
