"""What the bundled model answers for drawings real people make on the draw page.

Shapes that the previous model refused although they are clear digits (a wide one-stroke
figure-eight, a crossbar 7, a thin-pen 0, a rounded-triangle 0) must be accepted and right;
a letter, a plus sign and a smiley must be "Not sure". A screenshot of each answer is saved.
"""

import math

import pytest
from playwright.sync_api import expect

from tests.e2e.test_predict_page import PREDICTION_TIMEOUT_MS, draw_with_mouse, open_page, prediction, save_settled_screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _curve(fx, fy, steps: int = 48) -> list:
    return [(fx(t), fy(t)) for t in (2 * math.pi * k / steps for k in range(steps + 1))]


def _rounded_triangle() -> list:
    # A triangle blended with a circle, as people draw a quick zero.
    points = []
    for k in range(61):
        theta = 2 * math.pi * k / 60 - math.pi / 2
        polygon = math.cos(math.pi / 3) / math.cos((theta + math.pi / 2) % (2 * math.pi / 3) - math.pi / 3)
        radius = 0.35 * (0.5 + 0.5 * polygon)
        points.append((0.5 + radius * math.cos(theta), 0.5 + 1.15 * radius * math.sin(theta)))
    return [points]


WIDE_EIGHT = [_curve(lambda t: 0.5 + 0.3 * math.sin(2 * t), lambda t: 0.5 - 0.36 * math.cos(t))]
CROSSBAR_SEVEN = [[(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)], [(0.38, 0.5), (0.68, 0.5)]]
ZERO = [_curve(lambda t: 0.5 + 0.22 * math.sin(t), lambda t: 0.5 - 0.33 * math.cos(t))]
LETTER_B = [
    [(0.35, 0.15), (0.35, 0.85)],
    [(0.35, 0.15), (0.55, 0.15), (0.63, 0.22), (0.63, 0.38), (0.55, 0.48), (0.35, 0.48)],
    [(0.35, 0.48), (0.6, 0.48), (0.7, 0.58), (0.7, 0.76), (0.6, 0.85), (0.35, 0.85)],
]
PLUS = [[(0.5, 0.2), (0.5, 0.8)], [(0.2, 0.5), (0.8, 0.5)]]
SMILEY = [
    _curve(lambda t: 0.5 + 0.35 * math.cos(t), lambda t: 0.5 + 0.35 * math.sin(t)),
    [(0.4, 0.38), (0.4, 0.44)],
    [(0.6, 0.38), (0.6, 0.44)],
    [(0.35 + 0.3 * k / 12, 0.6 + 0.1 * math.sin(math.pi * k / 12)) for k in range(13)],
]


def choose_pen(page, name: str) -> None:
    page.locator(f'input[name="pen"][value="{name}"]').check()


@pytest.mark.parametrize(
    ("name", "strokes", "pen", "digit"),
    [
        ("wide-eight", WIDE_EIGHT, "medium", "8"),
        ("crossbar-seven", CROSSBAR_SEVEN, "medium", "7"),
        ("thin-pen-zero", ZERO, "thin", "0"),
        ("rounded-triangle-zero", _rounded_triangle(), "medium", "0"),
    ],
)
def test_clear_digits_people_draw_are_accepted_and_right(live_server, page, results_dir, name, strokes, pen, digit):
    open_page(page, live_server)
    choose_pen(page, pen)
    draw_with_mouse(page, strokes)
    expect(prediction(page)).to_have_text(digit, timeout=PREDICTION_TIMEOUT_MS)
    save_settled_screenshot(page, results_dir / f"answer-{name}.png")
    expect(page.locator('[data-role="unsure"]')).to_be_hidden()
    assert page.console_errors == []


@pytest.mark.parametrize(("name", "strokes"), [("letter-b", LETTER_B), ("plus", PLUS), ("smiley", SMILEY)])
def test_things_that_are_not_digits_are_not_sure(live_server, page, results_dir, name, strokes):
    open_page(page, live_server)
    draw_with_mouse(page, strokes)
    expect(page.locator('[data-role="unsure"]')).to_be_visible(timeout=PREDICTION_TIMEOUT_MS)
    save_settled_screenshot(page, results_dir / f"answer-{name}.png")
    expect(page.locator('[data-role="unsure"]')).to_be_visible()
    assert page.console_errors == []


def test_the_pen_choice_changes_the_ink_width(live_server, page):
    canvas = open_page(page, live_server)
    choose_pen(page, "thin")
    draw_with_mouse(page, [[(0.2, 0.5), (0.8, 0.5)]])
    thin = _ink_pixels(canvas)
    choose_pen(page, "thick")
    assert _ink_pixels(canvas) > 4 * thin > 0


def _ink_pixels(canvas) -> int:
    return canvas.evaluate(
        """canvas => {
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let ink = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 128) ink += 1;
            return ink;
        }"""
    )
