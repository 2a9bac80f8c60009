class ModelUnavailable(Exception):
    """No model version could be loaded; the API answers 503."""


class FeedbackError(Exception):
    """Feedback that cannot be accepted; `code` and `status` are what the API answers."""

    code = "invalid_feedback"
    status = 400


class PredictionNotFound(FeedbackError):
    code = "prediction_not_found"
    status = 404


class FeedbackAlreadyGiven(FeedbackError):
    """A prediction takes one answer; a second would relabel a drawing already stored."""

    code = "feedback_exists"
    status = 409


class LabelMissing(FeedbackError):
    code = "missing_label"


class LabelConflict(FeedbackError):
    """The feedback contradicts itself, e.g. "correct" with a label other than the prediction."""

    code = "label_conflict"
