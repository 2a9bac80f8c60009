import numpy as np

from ml import finetune


def test_a_few_hundred_drawings_get_a_fifth_of_the_fine_tuning_weight():
    config = finetune.config_for("fine-tune")
    drawings = 800
    weight = finetune.drawing_weight(config, drawings)
    others = config.mnist_limit + config.negatives + config.drawn + config.shaped + config.font_digits
    assert 1.0 < weight < finetune.MAX_DRAWING_WEIGHT
    assert np.isclose(weight * drawings / (weight * drawings + others), finetune.DRAWING_SHARE)


def test_a_handful_of_drawings_cannot_dominate():
    assert finetune.drawing_weight(finetune.config_for("from-scratch"), 5) == finetune.MAX_DRAWING_WEIGHT


def test_many_drawings_count_like_mnist_images():
    assert finetune.drawing_weight(finetune.config_for("fine-tune"), 1_000_000) == 1.0


def test_weighted_drawings_carry_the_weight():
    split = finetune.weighted_drawings(np.zeros((3, 28, 28, 1)), [1, 2, 3], finetune.config_for("from-scratch"))
    assert split.weight.tolist() == [finetune.MAX_DRAWING_WEIGHT] * 3 and split.y.tolist() == [1, 2, 3]


def test_config_for_keeps_the_preset_unless_told():
    assert finetune.config_for("fine-tune").epochs == finetune.PRESETS["fine-tune"].epochs
    tuned = finetune.config_for("from-scratch", epochs=3, seed=7, mnist_dir="/data")
    assert (tuned.epochs, tuned.seed, tuned.mnist_dir, tuned.learning_rate) == (3, 7, "/data", finetune.PRESETS["from-scratch"].learning_rate)
