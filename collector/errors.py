class StorageUnavailable(Exception):
    """The media store could not be written or read; the operation left nothing behind."""
