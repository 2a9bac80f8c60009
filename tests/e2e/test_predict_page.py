"""The draw-and-predict page in headless Chromium: mouse, touch, keyboard and feedback."""

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from collector.models import Drawing
from ml.constants import NOT_A_DIGIT
from recognizer.predicting import png_data_url
from tests.support.browser import draw_with_finger, stroke_points

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Digits as strokes of points in the unit square of the canvas.
ONE = [[(0.5, 0.15), (0.5, 0.85)]]
SEVEN = [[(0.25, 0.2), (0.75, 0.2)], [(0.75, 0.2), (0.4, 0.85)]]
PREDICTION_TIMEOUT_MS = 10_000


def open_page(page, live_server):
    page.goto(live_server.url + "/")
    return page.locator("canvas")


def draw_with_mouse(page, strokes) -> None:
    for stroke in strokes:
        (x, y), *rest = stroke_points(page, stroke)
        page.mouse.move(x, y)
        page.mouse.down()
        for point in rest:
            page.mouse.move(*point)
        page.mouse.up()


def prediction(page):
    return page.get_by_test_id("prediction")


def save_settled_screenshot(page, path) -> None:
    """A screenshot of the final answer with its probability bars at rest (they glide for 120 ms)."""
    expect(page.locator("#draw-app")).to_have_attribute("aria-busy", "false")
    # evaluate(), not wait_for_function(): the page's Content-Security-Policy forbids the eval behind the latter.
    page.evaluate("() => Promise.all(document.getAnimations().map(animation => animation.finished.catch(() => null)))")
    page.screenshot(path=path, full_page=True)


def test_page_has_one_canvas_and_no_prediction_before_drawing(live_server, page):
    open_page(page, live_server)
    expect(page.locator("canvas")).to_have_count(1)
    expect(prediction(page)).to_have_text("")
    assert page.locator("canvas").evaluate("canvas => getComputedStyle(canvas).touchAction") == "none"


def test_one_drawn_as_one_stroke_is_recognized(live_server, page, results_dir):
    open_page(page, live_server)
    draw_with_mouse(page, ONE)
    expect(prediction(page)).to_have_text("1", timeout=PREDICTION_TIMEOUT_MS)
    expect(page.locator('[data-role="unsure"]')).to_be_hidden()  # A clear digit is accepted.
    expect(page.locator('[data-role="model-input"]')).to_be_visible()
    save_settled_screenshot(page, results_dir / "predict-one.png")
    assert page.console_errors == []


def test_seven_drawn_as_two_strokes_is_recognized(live_server, page, results_dir):
    open_page(page, live_server)
    draw_with_mouse(page, SEVEN)
    expect(prediction(page)).to_have_text("7", timeout=PREDICTION_TIMEOUT_MS)
    expect(page.locator('[data-role="unsure"]')).to_be_hidden()
    expect(page.locator('[data-role="model-version"]')).to_contain_text("Model ")
    save_settled_screenshot(page, results_dir / "predict-seven.png")
    assert page.console_errors == []


def test_feedback_no_it_was_4_stores_a_pending_labeled_drawing(live_server, page, results_dir):
    open_page(page, live_server)
    draw_with_mouse(page, SEVEN)
    expect(prediction(page)).to_have_text("7", timeout=PREDICTION_TIMEOUT_MS)
    expect(page.locator("#draw-app")).to_have_attribute("aria-busy", "false")  # The final answer is in.
    page.get_by_role("button", name="No", exact=True).click()
    page.locator('[data-role="picker"] [data-label="4"]').click()
    expect(page.locator('[data-role="feedback-status"]')).to_have_text("Thank you! Kept as a 4 for review.")
    save_settled_screenshot(page, results_dir / "predict-feedback.png")
    drawing = Drawing.objects.get()
    assert (drawing.label, drawing.status, drawing.source, drawing.predicted_label) == (4, "pending", "feedback", 7)
    assert len(drawing.strokes) == len(SEVEN)  # Kept with the image, as the collection page keeps them.
    assert drawing.predictions.get().feedback_correct is False
    assert page.console_errors == []


def test_feedback_no_it_was_not_a_digit_stores_a_pending_label_10_drawing(live_server, page, results_dir):
    open_page(page, live_server)
    draw_with_mouse(page, SEVEN)
    expect(prediction(page)).to_have_text("7", timeout=PREDICTION_TIMEOUT_MS)
    expect(page.locator("#draw-app")).to_have_attribute("aria-busy", "false")
    page.get_by_role("button", name="No", exact=True).click()
    expect(page.locator('[data-role="picker-question"]')).to_have_text("No, it was:")
    page.get_by_role("button", name="not a digit").click()
    expect(page.locator('[data-role="feedback-status"]')).to_have_text("Thank you! Kept as not a digit for review.")
    save_settled_screenshot(page, results_dir / "predict-feedback-not-a-digit.png")
    page.locator(".result").screenshot(path=results_dir / "predict-feedback-not-a-digit-panel.png")
    drawing = Drawing.objects.get()
    assert (drawing.label, drawing.status, drawing.source, drawing.predicted_label) == (NOT_A_DIGIT, "pending", "feedback", 7)
    assert drawing.predictions.get().feedback_label == NOT_A_DIGIT
    assert page.console_errors == []


def test_touch_drawing_is_recognized_without_scrolling(live_server, phone_page, results_dir):
    page, sent = phone_page, []
    page.on("request", lambda request: sent.append(request.post_data_json) if request.url.endswith("/api/predict") else None)
    canvas = open_page(page, live_server)
    canvas.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    css_size = canvas.evaluate("c => [c.clientWidth, c.clientHeight]")
    draw_with_finger(page, ONE)
    expect(prediction(page)).to_have_text("1", timeout=PREDICTION_TIMEOUT_MS)
    assert page.evaluate("window.scrollY") == scrolled
    save_settled_screenshot(page, results_dir / "predict-touch.png")
    # The answer panel must not resize the canvas: that rescales a stroke under the finger.
    assert canvas.evaluate("c => [c.clientWidth, c.clientHeight]") == css_size
    # The crisp 2x backing store stays on the phone: the API gets the drawing at CSS size.
    assert canvas.evaluate("c => [c.width, c.height]") == [2 * side for side in css_size]
    image = Image.open(io.BytesIO(base64.b64decode(sent[-1]["image"].partition(",")[2])))
    assert list(image.size) == css_size
    assert page.console_errors == []


def test_a_tap_right_after_a_touch_stroke_is_a_click(live_server, phone_page):
    open_page(phone_page, live_server).scroll_into_view_if_needed()
    draw_with_finger(phone_page, SEVEN)
    phone_page.get_by_role("button", name="Clear").tap()  # At once: Chromium used to swallow it.
    expect(prediction(phone_page)).to_have_text("")
    expect(phone_page.locator("#draw-app")).to_have_attribute("aria-busy", "false")


def test_keyboard_clears_undoes_and_redoes(live_server, page):
    open_page(page, live_server)
    draw_with_mouse(page, SEVEN)
    expect(prediction(page)).to_have_text("7", timeout=PREDICTION_TIMEOUT_MS)
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    expect(prediction(page)).to_have_text("")
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+Shift+z")
    expect(prediction(page)).to_have_text("7", timeout=PREDICTION_TIMEOUT_MS)
    page.keyboard.press("Delete")
    expect(prediction(page)).to_have_text("")


def test_live_predictions_arrive_while_the_pen_is_down(live_server, page):
    open_page(page, live_server)
    (x, y), *rest = stroke_points(page, ONE[0])
    page.mouse.move(x, y)
    page.mouse.down()
    for point in rest:
        page.mouse.move(*point)
        page.wait_for_timeout(30)
    expect(prediction(page)).not_to_have_text("", timeout=PREDICTION_TIMEOUT_MS)
    page.mouse.up()
    # The pen-up prediction must finish before teardown flushes the database under it.
    expect(page.locator("#draw-app")).to_have_attribute("aria-busy", "false")


def fake_answer(**fields) -> dict:
    """A /api/predict answer for a Playwright route, unsure unless `fields` say otherwise."""
    answer = {
        "digit": 3, "confidence": 0.31, "probabilities": [0.05, 0.05, 0.1, 0.31, 0.09, 0.1, 0.1, 0.05, 0.1, 0.05],
        "top": [{"digit": 3, "probability": 0.31}, {"digit": 2, "probability": 0.1}, {"digit": 5, "probability": 0.1}],
        "accepted": False, "not_a_digit": 0.2, "model_version": "v-test", "input_image": png_data_url(np.zeros((28, 28, 1))),
        "prediction_id": "00000000-0000-0000-0000-000000000000",
    }
    return {**answer, **fields}


def test_an_unsure_digit_says_which_two_it_could_be(live_server, page, results_dir):
    page.route("**/api/predict", lambda route: route.fulfill(json=fake_answer()))
    open_page(page, live_server)
    draw_with_mouse(page, ONE)
    expect(page.locator('[data-role="unsure"]')).to_have_text("Not sure — could be 3 or 2.")
    expect(prediction(page)).to_have_text("?")
    expect(page.locator('[data-role="model-version"]')).to_have_text("Model v-test")
    assert "%" not in page.locator(".result").inner_text()
    save_settled_screenshot(page, results_dir / "predict-unsure-could-be.png")


# An "8" answer where "not a digit" takes nearly all the probability: the ten digit
# probabilities, which only say which digit it would be, still put 8 at 100%.
NOT_A_DIGIT_ANSWER = fake_answer(
    digit=8, confidence=0.0001, not_a_digit=0.97, probabilities=[0.0] * 8 + [0.9995, 0.0005],
    top=[{"digit": 8, "probability": 0.9995}, {"digit": 9, "probability": 0.0005}, {"digit": 0, "probability": 0.0}],
)


def test_an_answer_that_is_not_a_digit_says_so_in_words_without_100_percent(live_server, page, results_dir):
    page.route("**/api/predict", lambda route: route.fulfill(json=NOT_A_DIGIT_ANSWER))
    open_page(page, live_server)
    draw_with_mouse(page, ONE)
    unsure = page.locator('[data-role="unsure"]')
    expect(unsure).to_have_text("Not sure — looks like a letter or a shape, not a digit.")
    expect(prediction(page)).to_have_text("?")
    panel = page.locator(".result")
    expect(panel).to_have_class(re.compile(r"\brejected\b"))
    expect(page.locator('[data-role="bars-caption"]')).to_have_text("If it is a digit, which one:")
    expect(page.locator('[data-role="top3"] li')).to_have_count(0)
    assert "%" not in panel.inner_text()  # Neither "100%" beside "Not sure" nor any other share.
    assert float(page.locator('[data-role="bars"]').evaluate("bars => getComputedStyle(bars).opacity")) < 1
    assert float(page.locator('.bar[data-digit="8"] .bar-fill').evaluate("fill => fill.style.width").rstrip("%")) > 99  # The bars stay, dimmed.
    # Nothing to say "yes" to: the page asks what was drawn, "not a digit" among the answers.
    expect(page.get_by_role("button", name="Yes", exact=True)).to_be_hidden()
    expect(page.locator('[data-role="picker-question"]')).to_have_text("What did you draw?")
    expect(page.get_by_role("button", name="not a digit")).to_be_visible()
    save_settled_screenshot(page, results_dir / "predict-not-a-digit-words.png")
    panel.screenshot(path=results_dir / "predict-not-a-digit-panel.png")
    assert page.console_errors == []


def test_the_not_a_digit_answer_is_keyboard_usable(live_server, page):
    sent = []
    page.route("**/api/predict", lambda route: route.fulfill(json=NOT_A_DIGIT_ANSWER))
    page.route("**/feedback", lambda route: sent.append(route.request.post_data_json) or route.fulfill(status=201, json={"drawing_id": 1, "label": 10, "status": "pending"}))
    open_page(page, live_server)
    draw_with_mouse(page, ONE)
    expect(page.locator("#draw-app")).to_have_attribute("aria-busy", "false")
    nine = page.locator('[data-role="picker"] [data-label="9"]')
    nine.focus()
    page.keyboard.press("Tab")  # The button after 9 is "not a digit".
    expect(page.get_by_role("button", name="not a digit")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator('[data-role="feedback-status"]')).to_have_text("Thank you! Kept as not a digit for review.")
    assert [(body["correct"], body["label"]) for body in sent] == [(False, 10)]


def test_server_error_is_shown_as_its_sentence(live_server, page):
    error = {"error": {"code": "model_unavailable", "message": "No model is available to answer right now; please try again shortly."}}
    page.route("**/api/predict", lambda route: route.fulfill(status=503, json=error))
    open_page(page, live_server)
    draw_with_mouse(page, ONE)
    expect(page.locator('[data-role="status"]')).to_have_text(error["error"]["message"])
    expect(prediction(page)).to_have_text("")


def test_after_a_failed_update_right_is_not_asked_about_the_older_drawing(live_server, page):
    failing = {"on": False}
    error = {"error": {"code": "model_unavailable", "message": "No model is available to answer right now; please try again shortly."}}
    page.route("**/api/predict", lambda route: route.fulfill(status=503, json=error) if failing["on"] else route.continue_())
    open_page(page, live_server)
    draw_with_mouse(page, ONE)
    expect(prediction(page)).to_have_text("1", timeout=PREDICTION_TIMEOUT_MS)
    expect(page.locator("#draw-app")).to_have_attribute("aria-busy", "false")
    yes = page.get_by_role("button", name="Yes", exact=True)
    expect(yes).to_be_enabled()
    failing["on"] = True
    draw_with_mouse(page, [[(0.3, 0.3), (0.7, 0.3)]])  # The one becomes a different drawing; its update fails.
    expect(page.locator('[data-role="status"]')).to_have_text(error["error"]["message"])
    expect(page.locator(".result")).to_have_class(re.compile(r"\bstale\b"))
    expect(yes).to_be_disabled()
    expect(page.get_by_role("button", name="No", exact=True)).to_be_disabled()
    assert not Drawing.objects.exists()


def test_rate_limited_prediction_is_retried_after_the_servers_delay(live_server, page):
    limiter = {"refusing": True, "refused": 0}

    def answer(route):
        if limiter["refusing"]:  # As the rate limiter answers, until the test lets requests through.
            limiter["refused"] += 1
            error = {"error": {"code": "rate_limited", "message": "Too many requests; please wait 1 seconds and try again."}}
            return route.fulfill(status=429, headers={"Retry-After": "1"}, json=error)
        return route.continue_()

    page.route("**/api/predict", answer)
    open_page(page, live_server)
    draw_with_mouse(page, ONE)
    expect(page.locator('[data-role="status"]')).to_have_text("Too many predictions in a row; trying again in 1 s.")
    expect(page.locator("#draw-app")).to_have_attribute("aria-busy", "true")  # An answer is still on its way.
    limiter["refusing"] = False  # Nothing is drawn from here on: only the page's own retry can ask again.
    expect(prediction(page)).to_have_text("1", timeout=PREDICTION_TIMEOUT_MS)
    expect(page.locator('[data-role="status"]')).to_have_text("")
    expect(page.get_by_role("button", name="Yes", exact=True)).to_be_enabled()
    expect(page.locator("#draw-app")).to_have_attribute("aria-busy", "false")
    assert limiter["refused"] >= 1
