"""Who contributed a drawing, without knowing who they are."""

from django.utils.crypto import salted_hmac

_KEY_SALT = "collector.contributor_key"


def session_contributor_key(request) -> str:
    """A stable anonymous id for the browser session, creating the session if there is none.

    It is an HMAC-SHA-256 of the session key keyed by SECRET_KEY, so the stored value
    cannot be turned back into a session cookie.
    """
    if request.session.session_key is None:
        request.session.save()
    return salted_hmac(_KEY_SALT, request.session.session_key, algorithm="sha256").hexdigest()
