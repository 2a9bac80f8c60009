"""Errors raised for inputs the model cannot use; each carries a stable code for APIs."""


class InputError(ValueError):
    """Base class: `code` is machine-readable, the message is a sentence for people."""

    code = "invalid_input"
    status = 400


class UndecodableImage(InputError):
    code = "undecodable_image"


class UnsupportedImageType(InputError):
    code = "unsupported_media_type"
    status = 415


class ImageTooLarge(InputError):
    code = "image_too_large"
    status = 413


class InvalidPixels(InputError):
    code = "invalid_pixels"


class BlankImage(InputError):
    code = "blank"
    status = 422


class ArtifactError(Exception):
    """A model artifact is missing, corrupt or does not match what the code expects."""
