import io

import pytest
from django.core.management import call_command

from ml.dataset import mnist_split
from ml.preprocess import preprocess_many
from ml.segment_digits import make_segment_digits
from recognizer.models import ModelVersion
from recognizer.serving import active_model
from tests.commands.conftest import MNIST_SAMPLE
from tests.commands.learning_loop import accuracy, submit, verify

pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.usefixtures("quick_training")]

TAUGHT = 150  # Seven-segment drawings sent through the API and verified; as many more stay unseen.


def retrain(*args) -> ModelVersion:
    call_command("retrain", *args, stdout=io.StringIO(), stderr=io.StringIO())
    return ModelVersion.objects.latest("created")


def test_verified_drawings_of_a_style_mnist_lacks_teach_the_model(client, settings):
    """The learning loop on small data; bench/bench_learning_loop.py runs it on the real MNIST."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submit": f"{TAUGHT}/60"}
    base = ModelVersion.objects.get(tag=active_model.get().tag)  # The bundled model: the loop improves on what ships.
    images, labels = make_segment_digits(2 * TAUGHT, seed=11)
    unseen_x, unseen_y = preprocess_many(images[TAUGHT:]), labels[TAUGHT:]
    mnist_test = mnist_split("test", MNIST_SAMPLE)
    before = accuracy(base, unseen_x, unseen_y), accuracy(base, mnist_test.x, mnist_test.y)

    assert verify(submit(client, images[:TAUGHT], labels[:TAUGHT])) == TAUGHT
    new = retrain("--fine-tune", "--epochs", "4", "--activate", "auto")

    after = accuracy(new, unseen_x, unseen_y), accuracy(new, mnist_test.x, mnist_test.y)
    assert after[0] >= before[0] + 0.05, f"unseen seven-segment accuracy {before[0]:.1%} -> {after[0]:.1%}"
    assert after[1] >= before[1] - 0.001, f"MNIST test accuracy {before[1]:.2%} -> {after[1]:.2%}"
    assert new.is_active  # Better on the drawings and not worse on MNIST: "auto" activates it.
