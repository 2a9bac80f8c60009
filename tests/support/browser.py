"""Headless Debian Chromium driven by Playwright (no Playwright browser download)."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package (make browser).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors in `page.console_errors`."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield _page_recording_errors(context)
    context.close()


@pytest.fixture
def phone_page(browser):
    """A page in a phone-sized touch context (2x pixels), recording console errors like `page`."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True, is_mobile=True)
    yield _page_recording_errors(context)
    context.close()


def _page_recording_errors(context):
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def stroke_points(page, stroke, steps_per_segment: int = 12) -> list[tuple[float, float]]:
    """A polyline in the unit square of the page's canvas, as page points every 1/steps of a segment."""
    box = page.locator("canvas").bounding_box()
    points = [stroke[0]]
    for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
        points += [(x0 + (x1 - x0) * step / steps_per_segment, y0 + (y1 - y0) * step / steps_per_segment) for step in range(1, steps_per_segment + 1)]
    return [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]


def draw_with_finger(page, strokes) -> None:
    """Touch events through the DevTools protocol, as a phone's touchscreen sends them."""
    touch = page.context.new_cdp_session(page)
    for stroke in strokes:
        (x, y), *rest = stroke_points(page, stroke)
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for x, y in rest:
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
