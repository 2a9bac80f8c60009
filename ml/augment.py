"""On-the-fly augmentation that imitates how people really draw digits."""

import math

import keras
from keras import layers, ops

ROTATION_DEGREES = 15
SHIFT_FRACTION = 0.1
ZOOM_FRACTION = 0.12
SHEAR_FACTOR = 0.15
STROKE_CHANGE_PROBABILITY = 0.3  # Each of thicken and thin, per image.


@keras.saving.register_keras_serializable(package="digitsite")
class RandomStrokeWidth(layers.Layer):
    """Thickens (grey dilation) or thins (grey erosion) some strokes by one pixel."""

    def __init__(self, probability: float = STROKE_CHANGE_PROBABILITY, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.probability = probability
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        thick = ops.max_pool(images, pool_size=2, strides=1, padding="same")
        thin = -ops.max_pool(-images, pool_size=2, strides=1, padding="same")
        draw = keras.random.uniform((ops.shape(images)[0], 1, 1, 1), seed=self.seed_generator)
        return ops.where(draw < self.probability, thick, ops.where(draw > 1 - self.probability, thin, images))

    def get_config(self):
        return {**super().get_config(), "probability": self.probability}


@keras.saving.register_keras_serializable(package="digitsite")
class RandomAffine(layers.Layer):
    """Rotation, scale, shear and shift drawn per image and applied as one affine warp.

    One warp instead of four chained Keras layers: augmentation was costing more CPU than
    the model itself.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        return ops.image.affine_transform(images, self._random_transforms(images), fill_mode="constant")

    def _random_transforms(self, images):
        count, height = ops.shape(images)[0], ops.shape(images)[1]
        draw = keras.random.uniform((count, 6), minval=-1.0, maxval=1.0, seed=self.seed_generator)
        angle = draw[:, 0] * (ROTATION_DEGREES * math.pi / 180)
        scale_x = 1.0 + draw[:, 1] * ZOOM_FRACTION
        scale_y = scale_x * (1.0 + draw[:, 2] * ZOOM_FRACTION / 2)
        shear = draw[:, 3] * SHEAR_FACTOR
        shift = draw[:, 4:6] * SHIFT_FRACTION * ops.cast(height, "float32")
        cos, sin = ops.cos(angle), ops.sin(angle)
        a00, a01 = scale_x * cos, scale_x * (cos * shear - sin)
        a10, a11 = scale_y * sin, scale_y * (sin * shear + cos)
        centre = (ops.cast(height, "float32") - 1.0) / 2.0
        a02 = centre - (a00 + a01) * centre + shift[:, 0]
        a12 = centre - (a10 + a11) * centre + shift[:, 1]
        zeros = ops.zeros_like(angle)
        return ops.stack([a00, a01, a02, a10, a11, a12, zeros, zeros], axis=1)

    def get_config(self):
        return super().get_config()


def build_augmenter(seed: int) -> keras.Sequential:
    """Shift, rotate ±15°, scale, shear and change stroke width; identity outside training."""
    return keras.Sequential([RandomStrokeWidth(seed=seed), RandomAffine(seed=seed + 1)], name="augment")
