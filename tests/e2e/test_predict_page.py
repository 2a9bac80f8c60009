"""The draw-and-predict page in headless Chromium: mouse, touch, keyboard and feedback."""

import base64
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from collector.models import Drawing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Digits as strokes of points in the unit square of the canvas.
ONE = [[(0.5, 0.15), (0.5, 0.85)]]
SEVEN = [[(0.25, 0.2), (0.75, 0.2)], [(0.75, 0.2), (0.4, 0.85)]]
STEPS_PER_SEGMENT = 12
PREDICTION_TIMEOUT_MS = 10_000


def open_page(page, live_server):
    page.goto(live_server.url + "/")
    return page.locator("canvas")


def canvas_point(box, x: float, y: float) -> tuple[float, float]:
    return box["x"] + x * box["width"], box["y"] + y * box["height"]


def segment_points(stroke):
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
        for step in range(1, STEPS_PER_SEGMENT + 1):
            yield x0 + (x1 - x0) * step / STEPS_PER_SEGMENT, y0 + (y1 - y0) * step / STEPS_PER_SEGMENT


def draw_with_mouse(page, strokes) -> None:
    box = page.locator("canvas").bounding_box()
    for stroke in strokes:
        page.mouse.move(*canvas_point(box, *stroke[0]))
        page.mouse.down()
        for point in segment_points(stroke):
            page.mouse.move(*canvas_point(box, *point))
        page.mouse.up()


def draw_with_finger(page, strokes) -> None:
    """Touch events through the DevTools protocol, as a phone's touchscreen sends them."""
    box = page.locator("canvas").bounding_box()
    touch = page.context.new_cdp_session(page)
    for stroke in strokes:
        x, y = canvas_point(box, *stroke[0])
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for point in segment_points(stroke):
            x, y = canvas_point(box, *point)
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


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
    assert drawing.predictions.get().feedback_correct is False
    assert page.console_errors == []


def test_touch_drawing_is_recognized_without_scrolling(live_server, browser, results_dir):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True, is_mobile=True)
    page = context.new_page()
    sent = []
    page.on("request", lambda request: sent.append(request.post_data_json) if request.url.endswith("/api/predict") else None)
    try:
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
    finally:
        context.close()


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
    box = page.locator("canvas").bounding_box()
    page.mouse.move(*canvas_point(box, 0.5, 0.15))
    page.mouse.down()
    for point in segment_points([(0.5, 0.15), (0.5, 0.85)]):
        page.mouse.move(*canvas_point(box, *point))
        page.wait_for_timeout(30)
    expect(prediction(page)).not_to_have_text("", timeout=PREDICTION_TIMEOUT_MS)
    page.mouse.up()
    # The pen-up prediction must finish before teardown flushes the database under it.
    expect(page.locator("#draw-app")).to_have_attribute("aria-busy", "false")


def test_unsure_answer_asks_whether_a_digit_was_drawn(live_server, page):
    unsure = {
        "digit": 3, "confidence": 0.31, "probabilities": [0.05, 0.05, 0.1, 0.31, 0.09, 0.1, 0.1, 0.05, 0.1, 0.05],
        "top": [{"digit": 3, "probability": 0.31}, {"digit": 2, "probability": 0.1}, {"digit": 5, "probability": 0.1}],
        "accepted": False, "model_version": "v-test", "input_image": "data:image/png;base64,", "prediction_id": "00000000-0000-0000-0000-000000000000",
    }
    page.route("**/api/predict", lambda route: route.fulfill(json=unsure))
    open_page(page, live_server)
    draw_with_mouse(page, ONE)
    expect(page.get_by_text("Not sure — did you draw a digit?")).to_be_visible()
    expect(prediction(page)).to_have_text("3")
    expect(page.locator('[data-role="model-version"]')).to_have_text("Model v-test")


def test_server_error_is_shown_as_its_sentence(live_server, page):
    error = {"error": {"code": "model_unavailable", "message": "No model is available to answer right now; please try again shortly."}}
    page.route("**/api/predict", lambda route: route.fulfill(status=503, json=error))
    open_page(page, live_server)
    draw_with_mouse(page, ONE)
    expect(page.locator('[data-role="status"]')).to_have_text(error["error"]["message"])
    expect(prediction(page)).to_have_text("")
