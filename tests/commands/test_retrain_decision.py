from recognizer.retraining import decide


def scores(mnist: float, drawings: float | None = None) -> dict:
    return {"mnist_test": {"accuracy": mnist}, "drawings_holdout": None if drawings is None else {"accuracy": drawings}}


def test_auto_activates_when_better_on_the_drawings_and_not_worse_on_mnist():
    activated, reason = decide(scores(0.9920, 0.60), scores(0.9915, 0.95), "auto")
    assert activated
    assert reason == "Activated: MNIST test 99.15% vs 99.20% (not worse); Drawings holdout 95.00% vs 60.00% (better); a drop of up to 0.1 point counts as not worse."


def test_auto_keeps_the_active_version_when_mnist_drops_more_than_a_tenth_of_a_point():
    activated, reason = decide(scores(0.9920, 0.60), scores(0.9905, 0.95), "auto")
    assert not activated and reason.startswith("Kept the active version: MNIST test 99.05% vs 99.20% (worse)")


def test_a_drop_of_exactly_a_tenth_of_a_point_is_not_worse():
    assert decide(scores(0.9920, 0.60), scores(0.9910, 0.60), "auto")[0]


def test_auto_keeps_the_active_version_when_the_drawings_get_worse():
    activated, reason = decide(scores(0.99, 0.90), scores(0.995, 0.85), "auto")
    assert not activated and "Drawings holdout 85.00% vs 90.00% (worse)" in reason


def test_auto_decides_on_mnist_alone_without_a_holdout():
    activated, reason = decide(scores(0.99), scores(0.991), "auto")
    assert activated and "Drawings holdout: not measured" in reason


def test_auto_activates_when_nothing_was_active():
    assert decide({}, scores(0.5), "auto") == (True, "Activated: no version was active to compare with.")


def test_yes_and_no_override_the_comparison():
    assert decide(scores(0.99, 0.9), scores(0.5, 0.1), "yes") == (True, "Activated as asked (--activate yes).")
    assert decide(scores(0.5, 0.1), scores(0.99, 0.9), "no") == (False, "Left inactive as asked (--activate no).")


def with_not_a_digit(scores_: dict, rejected: float | None) -> dict:
    return {**scores_, "not_a_digit_holdout": None if rejected is None else {"accuracy": rejected}}


def test_auto_keeps_the_active_version_when_fewer_not_a_digit_drawings_are_rejected():
    activated, reason = decide(with_not_a_digit(scores(0.99, 0.9), 0.8), with_not_a_digit(scores(0.99, 0.9), 0.6), "auto")
    assert not activated and "Not-a-digit rejected 60.00% vs 80.00% (worse)" in reason


def test_more_not_a_digit_drawings_rejected_counts_as_better():
    activated, reason = decide(with_not_a_digit(scores(0.99, 0.9), 0.6), with_not_a_digit(scores(0.99, 0.9), 0.8), "auto")
    assert activated and "Not-a-digit rejected 80.00% vs 60.00% (better)" in reason


def test_without_not_a_digit_drawings_the_verdict_does_not_mention_them():
    _, reason = decide(with_not_a_digit(scores(0.99, 0.9), None), with_not_a_digit(scores(0.99, 0.9), None), "auto")
    assert "Not-a-digit" not in reason
