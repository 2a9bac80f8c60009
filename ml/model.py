"""The digit classifier: a compact VGG-style CNN with batch norm, 10 digits + "not a digit"."""

import keras
from keras import layers

from ml.constants import INPUT_SHAPE, NUM_CLASSES

ARCHITECTURE = "digitnet-v1"
FILTERS = (32, 64, 128)
DENSE_UNITS = 128
DROPOUT = 0.4


def build_model() -> keras.Model:
    """Return the uncompiled classifier: (N, 28, 28, 1) floats in [0, 1] -> class logits."""
    return keras.Sequential(
        [
            keras.Input(shape=INPUT_SHAPE),
            *_conv_block(FILTERS[0], kernel_size=3),
            layers.MaxPooling2D(),
            *_conv_block(FILTERS[1], kernel_size=3),
            layers.MaxPooling2D(),
            layers.Dropout(DROPOUT / 2),
            *_conv_unit(FILTERS[2], kernel_size=3, padding="valid"),
            *_conv_unit(FILTERS[2], kernel_size=3, padding="valid"),
            layers.Flatten(),
            layers.Dropout(DROPOUT),
            layers.Dense(DENSE_UNITS, use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.Dropout(DROPOUT),
            layers.Dense(NUM_CLASSES),
        ],
        name=ARCHITECTURE,
    )


def _conv_block(filters: int, kernel_size: int) -> list:
    return [*_conv_unit(filters, kernel_size), *_conv_unit(filters, kernel_size)]


def _conv_unit(filters: int, kernel_size: int, padding: str = "same") -> list:
    return [
        layers.Conv2D(filters, kernel_size, padding=padding, use_bias=False),
        layers.BatchNormalization(),
        layers.Activation("relu"),
    ]
