import numpy as np

from ml.preprocess import preprocess_many
from ml.segment_digits import make_segment_digits


def test_segment_digits_cycle_through_the_labels_and_repeat_with_the_seed():
    images, labels = make_segment_digits(20, seed=3)
    again, _ = make_segment_digits(20, seed=3)
    assert labels.tolist() == list(range(10)) * 2
    assert all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(images, again))


def test_segment_digits_are_canvas_images_the_preprocessing_accepts():
    images, _ = make_segment_digits(10, seed=4)
    assert {image.mode for image in images} == {"RGBA"} and images[0].size == (280, 280)
    assert preprocess_many(images).shape == (10, 28, 28, 1)  # None is blank.
