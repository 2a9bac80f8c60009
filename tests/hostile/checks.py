"""Assertions every hostile-input answer must pass."""

from collector.models import Drawing
from tests.collector.builders import local_objects
from tests.hostile.endpoints import SERVER_TIME_LIMIT, Answer

slowest: list[tuple[float, float, str]] = []  # (CPU s, wall s, case) of every timed answer.


def assert_refused(answer: Answer, status: int, code: str, media_root, case: str = "") -> None:
    """A specific 4xx with the error shape, fast, and nothing stored."""
    assert (answer.status, answer.body.get("error", {}).get("code")) == (status, code), answer.body
    assert_sentence(answer.body["error"]["message"])
    assert_fast(answer, case)
    assert not Drawing.objects.exists()
    assert local_objects(media_root) == []


def assert_sentence(message: str) -> None:
    # A sentence may open with the quoted name of the field it is about: "label" must be ...
    opening = message.lstrip('"')[:1]
    assert (opening.isupper() or message.startswith('"')) and message.endswith("."), message
    assert len(message.split()) >= 3, message


def assert_fast(answer: Answer, case: str = "") -> None:
    slowest.append((answer.seconds, answer.wall, case))
    assert answer.seconds < SERVER_TIME_LIMIT, f"{case}: {answer.seconds * 1000:.1f} ms"
