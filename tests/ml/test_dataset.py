"""Generated training images: the few that preprocess to nothing are left out, labels kept in step."""

import numpy as np

from ml import constants
from ml.dataset import generated_split
from tests.ml.drawings import blank, draw_digit


def test_images_that_come_out_blank_are_left_out_with_their_labels():
    images = [draw_digit("1"), blank(), draw_digit("7"), blank()]
    split = generated_split(images, [1, constants.NOT_A_DIGIT, 7, 3])
    assert split.y.tolist() == [1, 7]
    assert split.x.shape == (2, *constants.INPUT_SHAPE) and split.weight.tolist() == [1.0, 1.0]
    assert np.abs(split.x[1] - generated_split([draw_digit("7")], [7]).x[0]).max() == 0
