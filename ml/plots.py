"""PNG plots of training curves and confusion matrices (matplotlib, no display needed)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402


def plot_training_curves(history: dict, path) -> None:
    figure, (loss_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(10, 4))
    for key, axis in (("loss", loss_axis), ("accuracy", accuracy_axis)):
        for prefix, style in (("", "-"), ("val_", "--")):
            if prefix + key in history:
                axis.plot(range(1, len(history[prefix + key]) + 1), history[prefix + key], style, label=(prefix or "train_") + key)
        axis.set_xlabel("epoch")
        axis.set_title(key)
        axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def plot_confusion_matrix(matrix, path, title: str = "Confusion matrix") -> None:
    matrix = np.asarray(matrix)
    figure, axis = plt.subplots(figsize=(6, 5.5))
    image = axis.imshow(np.log1p(matrix), cmap="Blues")
    for (row, col), count in np.ndenumerate(matrix):
        if count:
            axis.text(col, row, str(count), ha="center", va="center", fontsize=7, color="white" if row == col else "black")
    axis.set_xticks(range(len(matrix)))
    axis.set_yticks(range(len(matrix)))
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    axis.set_title(title)
    figure.colorbar(image, ax=axis, label="log(1 + count)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
