from ml.errors import InputError


class StorageUnavailable(Exception):
    """The media store could not be written or read; the operation left nothing behind."""


class InvalidLabel(InputError):
    code = "invalid_label"


class InvalidStrokes(InputError):
    code = "invalid_strokes"


class StrokesTooLarge(InputError):
    code = "strokes_too_large"
    status = 413
