"""The fast single-image serving path: a LiteRT interpreter, no TensorFlow import, no predict().

`model.predict()` spends ~55 ms per call on set-up; invoking the LiteRT interpreter on one
28x28 image takes well under a millisecond.
"""

import threading
from dataclasses import dataclass

import numpy as np

from ml.constants import DIGITS, INPUT_SHAPE, NOT_A_DIGIT

TOP_K = 3


@dataclass(frozen=True)
class Prediction:
    """The one prediction shape used by the API, the CLI and evaluation."""

    digit: int
    confidence: float
    probabilities: list  # Ten digit probabilities summing to 1: which digit, if it is one.
    top: list  # [{"digit": d, "probability": p}] x TOP_K, most likely first.
    accepted: bool
    not_a_digit: float  # Probability of the "not a digit" class.


class Predictor:
    """Wraps a LiteRT model; safe to share between threads (one interpreter per thread)."""

    def __init__(self, tflite_bytes: bytes, *, temperature: float, threshold: float):
        self.tflite_bytes = tflite_bytes
        self.temperature = temperature
        self.threshold = threshold
        self._local = threading.local()

    def logits(self, batch: np.ndarray) -> np.ndarray:
        """Raw logits for a (N, 28, 28, 1) float32 batch."""
        interpreter, input_index, output_index = self._interpreter()
        rows = []
        for image in np.asarray(batch, dtype=np.float32).reshape(-1, *INPUT_SHAPE):
            interpreter.set_tensor(input_index, image[np.newaxis])
            interpreter.invoke()
            rows.append(interpreter.get_tensor(output_index)[0].copy())
        return np.stack(rows) if rows else np.zeros((0, NOT_A_DIGIT + 1), np.float32)

    def scaled_logits(self, batch: np.ndarray) -> np.ndarray:
        """Logits divided by the calibrated temperature: softmax of a row gives its probabilities."""
        return self.logits(batch) / self.temperature

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        """(N, 11) class probabilities, for evaluation; `predict` answers from the logits."""
        return _softmax(self.scaled_logits(batch))

    def predict(self, model_input: np.ndarray) -> Prediction:
        """Predict one preprocessed image (28, 28, 1)."""
        return to_prediction(logits=self.scaled_logits(model_input[np.newaxis])[0], threshold=self.threshold)

    def predictions(self, batch: np.ndarray) -> list[Prediction]:
        """One Prediction per image of a (N, 28, 28, 1) batch, as `predict` gives them."""
        return [to_prediction(logits=row, threshold=self.threshold) for row in self.scaled_logits(batch)]

    def _interpreter(self) -> tuple:
        """This thread's interpreter with its input and output tensor indices."""
        loaded = getattr(self._local, "interpreter", None)
        if loaded is None:
            from ai_edge_litert.interpreter import Interpreter

            interpreter = Interpreter(model_content=self.tflite_bytes, num_threads=1)
            interpreter.allocate_tensors()
            # Looked up once: get_*_details() builds fresh dicts on every call.
            loaded = (interpreter, interpreter.get_input_details()[0]["index"], interpreter.get_output_details()[0]["index"])
            self._local.interpreter = loaded
        return loaded


def to_prediction(*, logits: np.ndarray, threshold: float) -> Prediction:
    """Turn one row of 11 temperature-scaled logits into the API's prediction shape.

    `confidence` and `not_a_digit` are probabilities among all 11 classes: the acceptance
    rule compares them. `probabilities` answer "which digit, if it is one": a softmax over the
    ten digit logits alone. Dividing the 11-class digit probabilities by their sum would say
    the same in exact arithmetic, but when "not a digit" leads by some 90 nats or more they
    underflow to zero in float32 and the ten values no longer sum to 1.
    """
    logits = np.asarray(logits, dtype=np.float64)
    classes = _softmax(logits)
    digit_probs = _softmax(logits[: len(DIGITS)])
    digit = int(digit_probs.argmax())
    confidence = float(classes[digit])
    not_a_digit = float(classes[NOT_A_DIGIT])
    order = np.argsort(-digit_probs, kind="stable")[:TOP_K]
    return Prediction(
        digit=digit,
        confidence=confidence,
        probabilities=[float(p) for p in digit_probs],
        top=[{"digit": int(d), "probability": float(digit_probs[d])} for d in order],
        accepted=bool(confidence >= threshold and confidence > not_a_digit),
        not_a_digit=not_a_digit,
    )


def _softmax(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)
