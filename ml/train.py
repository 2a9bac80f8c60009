"""Train a model version: MNIST + synthetic negatives (+ extra drawings), augmented on the fly.

Run `python -m ml.train --mnist-dir DIR --output FOLDER` for a full training; the site's
`retrain` command calls `train_version` with collected drawings added.
"""

import argparse
import datetime as dt
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ml import constants, evaluate
from ml.glyphs import handwriting_fonts
from ml.dataset import Split, drawn_split, font_digit_split, mnist_split, negative_split, shaped_split, sklearn_digit_split, stratified_holdout

TARGET_ACCEPTANCE = 0.995  # Share of validation digits the tuned threshold must accept; 0.985 proved too strict for browser drawings.


@dataclass
class TrainingConfig:
    epochs: int = 30
    batch_size: int = 128
    learning_rate: float = 2e-3
    seed: int = 0
    negatives: int = 30000
    drawn: int = 3000  # Canvas-style drawn digits (ml.drawn_digits) trained as digits.
    shaped: int = 12000  # Digits in real people's styles, any canvas and pen (ml.digit_shapes).
    font_digits: int = 6000  # Digits from stroke and handwriting fonts (ml.glyphs).
    sklearn_digits: bool = True  # scikit-learn's 1,797 real 8x8 handwritten digits.
    validation_size: int = 5000
    mnist_dir: str | None = None
    mnist_limit: int | None = None  # Train on a sample of MNIST (tests, quick fine-tunes).
    test_limit: int | None = None
    init_from: str | None = None  # Version folder whose model.keras training continued from.
    verbose: int = 1

    def to_metadata(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("mnist_dir", "verbose")}


@dataclass
class TrainingResult:
    model: object
    metadata: dict
    history: dict = field(default_factory=dict)


def build_training_model(model, seed: int, learning_rate: float, steps: int):
    import keras

    from ml.augment import build_augmenter

    trainer = keras.Sequential([build_augmenter(seed), model], name="trainer")
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(steps, 1), alpha=0.01)
    trainer.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        weighted_metrics=[],
    )
    return trainer


def _dataset(split: Split, batch_size: int, seed: int, shuffle: bool):
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices((split.x, split.y, split.weight))
    if shuffle:
        data = data.shuffle(len(split), seed=seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def fit(model, train: Split, validation: Split, config: TrainingConfig) -> dict:
    """Fit `model` in place; returns the Keras history (per-epoch metrics)."""
    steps = config.epochs * int(np.ceil(len(train) / config.batch_size))
    trainer = build_training_model(model, config.seed, config.learning_rate, steps)
    history = trainer.fit(
        _dataset(train, config.batch_size, config.seed, shuffle=True),
        validation_data=_dataset(validation, 512, config.seed, shuffle=False),
        epochs=config.epochs,
        verbose=config.verbose,
        shuffle=False,  # The tf.data pipeline shuffles; Keras would ignore (and warn about) its own.
    )
    return {k: [float(v) for v in values] for k, values in history.history.items()}


def logits_of(model, x: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(x, batch_size=512, verbose=0)) if len(x) else np.zeros((0, constants.NUM_CLASSES), np.float32)


def calibrate_and_evaluate(model, validation: Split, test_digits: Split, test_negatives: Split, test_drawn: Split) -> dict:
    """Fit temperature and threshold on validation, then report on the test sets."""
    val_logits = logits_of(model, validation.x)
    temperature = evaluate.fit_temperature(val_logits, validation.y)
    val_probs = evaluate.softmax(val_logits, temperature)
    digit_rows = validation.y != constants.NOT_A_DIGIT
    threshold = evaluate.tune_threshold(val_probs[digit_rows], TARGET_ACCEPTANCE)
    digit_probs = evaluate.softmax(logits_of(model, test_digits.x), temperature)
    negative_probs = evaluate.softmax(logits_of(model, test_negatives.x), temperature)
    drawn_probs = evaluate.softmax(logits_of(model, test_drawn.x), temperature)
    return {
        "temperature": temperature,
        "threshold": threshold,
        "metrics": {
            "mnist_test": evaluate.digit_report(digit_probs, test_digits.y, threshold),
            "drawn_test": evaluate.digit_report(drawn_probs, test_drawn.y, threshold),
            "rejection": evaluate.rejection_report(digit_probs, negative_probs, threshold),
        },
    }


def base_metadata(config: TrainingConfig, counts: dict) -> dict:
    from ml.model import ARCHITECTURE

    return {
        "architecture": ARCHITECTURE,
        "input_shape": list(constants.INPUT_SHAPE),
        "classes": list(constants.CLASS_NAMES),
        "preprocessing_version": constants.PREPROCESSING_VERSION,
        "seed": config.seed,
        "training": config.to_metadata(),
        "data_counts": counts,
        "handwriting_fonts": [Path(p).name for p in handwriting_fonts()],
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def training_splits(config: TrainingConfig) -> tuple[Split, Split]:
    """The training and validation splits of `config`: one pool, validation held out of it."""
    digits = mnist_split("train", config.mnist_dir, config.mnist_limit, config.seed)
    negatives = negative_split(config.negatives, seed=config.seed + 1)
    parts = [digits, negatives, drawn_split(config.drawn, seed=config.seed + 2)]
    parts += [shaped_split(config.shaped, seed=config.seed + 3), font_digit_split(config.font_digits, seed=config.seed + 4)]
    if config.sklearn_digits:
        parts.append(sklearn_digit_split())
    pool = Split.concat(*parts)
    keep, held = stratified_holdout(pool.y, min(config.validation_size, len(pool) // 10), config.seed)
    return pool.take(keep), pool.take(held)


def evaluation_splits(config: TrainingConfig) -> tuple[Split, Split, Split]:
    """MNIST test digits, unseen synthetic negatives and unseen drawn digits."""
    test_digits = mnist_split("test", config.mnist_dir, config.test_limit, config.seed)
    test_negatives = negative_split(max(len(test_digits) // 5, 100), seed=config.seed + 1_000_003)
    test_drawn = drawn_split(max(len(test_digits) // 10, 100), seed=config.seed + 2_000_003)
    return test_digits, test_negatives, test_drawn


def train_version(config: TrainingConfig, extra: Split | None = None, initial_model=None) -> TrainingResult:
    """Train (or fine-tune `initial_model`) and return the model with its full metadata."""
    import keras

    from ml.model import build_model

    keras.utils.set_random_seed(config.seed)
    started = time.monotonic()
    train, validation = training_splits(config)
    if extra is not None and len(extra):
        train = Split.concat(train, extra)
    model = initial_model or build_model()
    history = fit(model, train, validation, config)
    test_digits, test_negatives, test_drawn = evaluation_splits(config)
    counts = {
        "train": len(train),
        "validation": len(validation),
        "extra": len(extra) if extra is not None else 0,
        "mnist_test": len(test_digits),
        "negative_test": len(test_negatives),
        "drawn_test": len(test_drawn),
    }
    metadata = base_metadata(config, counts) | calibrate_and_evaluate(model, validation, test_digits, test_negatives, test_drawn)
    metadata["training_seconds"] = round(time.monotonic() - started, 1)
    return TrainingResult(model=model, metadata=metadata, history=history)


def write_version(result: TrainingResult, folder) -> None:
    from ml.artifacts import save_version
    from ml.plots import plot_confusion_matrix, plot_training_curves

    result.metadata["history"] = result.history
    save_version(folder, result.model, result.metadata)
    plot_training_curves(result.history, Path(folder) / "training_curves.png")
    plot_confusion_matrix(result.metadata["metrics"]["mnist_test"]["confusion_matrix"], Path(folder) / "confusion_matrix.png", "MNIST test")


def main(argv=None) -> None:
    from ml.artifacts import KERAS_FILE, load_keras_model

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", required=True, help="folder to write the model version into")
    parser.add_argument("--mnist-dir", default=os.environ.get("MNIST_DIR"), help="folder of MNIST IDX files (default: $MNIST_DIR, else download)")
    parser.add_argument("--epochs", type=int, default=TrainingConfig.epochs)
    parser.add_argument("--seed", type=int, default=TrainingConfig.seed)
    parser.add_argument("--negatives", type=int, default=TrainingConfig.negatives)
    parser.add_argument("--drawn", type=int, default=TrainingConfig.drawn)
    parser.add_argument("--shaped", type=int, default=TrainingConfig.shaped)
    parser.add_argument("--font-digits", type=int, default=TrainingConfig.font_digits)
    parser.add_argument("--no-sklearn-digits", action="store_true", help="leave out scikit-learn's 8x8 digits")
    parser.add_argument("--batch-size", type=int, default=TrainingConfig.batch_size)
    parser.add_argument("--mnist-limit", type=int, default=None)
    parser.add_argument("--learning-rate", type=float, default=TrainingConfig.learning_rate)
    parser.add_argument("--init-from", help="continue training the model.keras in this version folder")
    args = parser.parse_args(argv)
    config = TrainingConfig(
        epochs=args.epochs,
        seed=args.seed,
        negatives=args.negatives,
        drawn=args.drawn,
        shaped=args.shaped,
        font_digits=args.font_digits,
        sklearn_digits=not args.no_sklearn_digits,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        mnist_dir=args.mnist_dir,
        mnist_limit=args.mnist_limit,
        init_from=args.init_from,
    )
    initial_model = load_keras_model(Path(args.init_from) / KERAS_FILE) if args.init_from else None
    result = train_version(config, initial_model=initial_model)
    write_version(result, args.output)
    report = result.metadata["metrics"]
    print(f"MNIST test accuracy {report['mnist_test']['accuracy']:.4%}, rejection {report['rejection']}")


if __name__ == "__main__":
    main()
