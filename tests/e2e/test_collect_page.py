"""The collect page in headless Chromium: draw the prompted digit, press Enter, find it stored."""

import json
import math
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import expect

from collector.models import Drawing
from ml.constants import NOT_A_DIGIT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# A first save loads the model in the live server; on a busy machine that takes seconds.
SAVED_WITHIN_MS = 20_000

# Each digit as pen strokes, polylines in the unit square.
_ZERO = [(0.5 + 0.25 * math.sin(a / 12 * 2 * math.pi), 0.5 - 0.35 * math.cos(a / 12 * 2 * math.pi)) for a in range(13)]
DIGIT_STROKES = {
    0: [_ZERO],
    1: [[(0.4, 0.25), (0.52, 0.15), (0.52, 0.85)]],
    2: [[(0.25, 0.3), (0.4, 0.15), (0.65, 0.15), (0.75, 0.3), (0.7, 0.45), (0.25, 0.85), (0.8, 0.85)]],
    3: [[(0.25, 0.2), (0.7, 0.2), (0.45, 0.45), (0.7, 0.6), (0.65, 0.8), (0.25, 0.85)]],
    4: [[(0.6, 0.15), (0.2, 0.6), (0.8, 0.6)], [(0.6, 0.15), (0.6, 0.9)]],
    5: [[(0.75, 0.15), (0.3, 0.15), (0.28, 0.45), (0.6, 0.42), (0.75, 0.6), (0.6, 0.85), (0.25, 0.82)]],
    6: [[(0.65, 0.15), (0.35, 0.45), (0.3, 0.7), (0.5, 0.85), (0.7, 0.7), (0.6, 0.5), (0.35, 0.6)]],
    7: [[(0.2, 0.15), (0.8, 0.15), (0.4, 0.9)]],
    8: [[(0.5, 0.5), (0.3, 0.35), (0.5, 0.15), (0.7, 0.35), (0.5, 0.5), (0.3, 0.7), (0.5, 0.88), (0.7, 0.7), (0.5, 0.5)]],
    9: [[(0.7, 0.35), (0.5, 0.15), (0.3, 0.3), (0.5, 0.48), (0.7, 0.35), (0.7, 0.88)]],
}


@pytest.fixture(autouse=True)
def fresh_counts():
    """The live server shares this process's cache: counts cached by an earlier test must go."""
    cache.clear()


@pytest.fixture(autouse=True)
def digit_prompts(monkeypatch):
    """Prompts are digits only, so a test can draw what it is asked for; the live server runs in
    this process, so it sees the patched share. A test that wants not-a-digit prompts sets it again."""
    monkeypatch.setattr("collector.selectors.NOT_A_DIGIT_PROMPT_SHARE", 0.0)


def test_the_shared_canvas_module_is_there():
    assert (Path(settings.BASE_DIR) / "static" / "js" / "canvas.js").is_file()


def open_collect_page(page, live_server) -> list[int]:
    """Open /collect/ and return the server's prompt plan."""
    page.goto(live_server.url + "/collect/")
    page.wait_for_load_state("networkidle")
    return json.loads(page.locator("#collect-config").text_content())["prompts"]


def draw(page, digit: int) -> None:
    draw_strokes(page, DIGIT_STROKES[digit])


def prompted(page) -> int:
    return int(page.get_by_test_id("prompt").text_content())


def test_the_prompted_digit_drawn_and_saved_with_enter_is_stored(live_server, page, results_dir):
    plan = open_collect_page(page, live_server)
    first = prompted(page)
    assert first == plan[0]
    draw(page, first)
    page.keyboard.press("Enter")
    assert prompted(page) == plan[1]  # The next prompt is there before the save finishes.
    expect(page.locator("[data-testid=saves] li.saved")).to_have_count(1, timeout=SAVED_WITHIN_MS)
    expect(page.get_by_test_id("contributor-count")).to_have_text("1")
    expect(page.locator(f'.label-counts li[data-label="{first}"] .count-value')).to_have_text("1")

    stored = Drawing.objects.get()
    assert (stored.label, stored.source, stored.status) == (first, "collect", "pending")
    assert len(stored.strokes) == len(DIGIT_STROKES[first])
    assert all(len(xs) == len(ys) == len(ts) > 1 for xs, ys, ts in stored.strokes)
    with stored.image.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    assert image.format == "PNG" and image.size == (stored.width, stored.height)

    second = prompted(page)
    draw(page, second)
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=saves] li.saved")).to_have_count(2, timeout=SAVED_WITHIN_MS)
    assert sorted(Drawing.objects.values_list("label", flat=True)) == sorted([first, second])
    page.screenshot(path=results_dir / "collect.png", full_page=True)
    assert page.console_errors == []


def test_keys_pick_the_label_and_backspace_clears(live_server, page):
    open_collect_page(page, live_server)
    page.keyboard.press("4")
    expect(page.locator(".label-picker button[aria-pressed=true]")).to_have_text("4")
    draw(page, 1)
    page.keyboard.press("Backspace")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("status")).to_contain_text("Draw the digit first")
    draw(page, 4)
    page.keyboard.press("4")
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=saves] li.saved")).to_have_count(1, timeout=SAVED_WITHIN_MS)
    assert list(Drawing.objects.values_list("label", flat=True)) == [4]


def test_a_failed_save_is_shown_and_retried_until_stored(live_server, page, results_dir):
    attempts = []

    def fail_first(route):
        attempts.append(route.request.url)
        if len(attempts) == 1:
            route.fulfill(status=503, content_type="application/json", body=json.dumps({"error": {"code": "storage_unavailable", "message": "The image store is unavailable; please try again in a moment."}}))
        else:
            route.continue_()

    page.route("**/api/drawings", fail_first)
    open_collect_page(page, live_server)
    label = prompted(page)
    draw(page, label)
    page.keyboard.press("Enter")
    waiting = page.locator("[data-testid=saves] li.waiting")
    expect(waiting).to_contain_text("Not saved yet: The image store is unavailable")
    page.screenshot(path=results_dir / "collect-retrying.png", full_page=True)
    expect(page.locator("[data-testid=saves] li.saved")).to_have_count(1, timeout=SAVED_WITHIN_MS)
    assert len(attempts) == 2
    assert list(Drawing.objects.values_list("label", flat=True)) == [label]


def test_a_drawing_unsent_when_the_tab_closes_is_sent_on_the_next_visit(live_server, page):
    page.route("**/api/drawings", lambda route: route.abort())
    open_collect_page(page, live_server)
    label = prompted(page)
    draw(page, label)
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=saves] li.waiting")).to_have_count(1)
    assert not Drawing.objects.exists()

    page.unroute("**/api/drawings")
    page.on("dialog", lambda dialog: dialog.accept())  # "Leave the page?" while a save is pending.
    open_collect_page(page, live_server)
    expect(page.locator("[data-testid=saves] li.saved")).to_have_count(1, timeout=SAVED_WITHIN_MS)
    assert list(Drawing.objects.values_list("label", flat=True)) == [label]


# A cross in a box: something that is not a digit.
NOT_A_DIGIT_STROKES = [[(0.2, 0.2), (0.8, 0.2), (0.8, 0.8), (0.2, 0.8), (0.2, 0.2)], [(0.2, 0.2), (0.8, 0.8)], [(0.8, 0.2), (0.2, 0.8)]]


def draw_strokes(page, strokes) -> None:
    box = page.locator("canvas").bounding_box()
    for stroke in strokes:
        points = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point, steps=6)
        page.mouse.up()


def test_a_not_a_digit_prompt_says_why_and_stores_label_10(live_server, page, results_dir, monkeypatch):
    monkeypatch.setattr("collector.selectors.NOT_A_DIGIT_PROMPT_SHARE", 1.0)
    plan = open_collect_page(page, live_server)
    assert set(plan) == {NOT_A_DIGIT}
    expect(page.locator("#prompt")).to_have_text("Draw something that is not a digit")
    expect(page.locator("[data-role=reason]")).to_have_text("A letter, a symbol or a doodle: it teaches the model what to refuse.")
    expect(page.locator(".label-picker button[aria-pressed=true]")).to_have_text("not a digit")
    draw_strokes(page, NOT_A_DIGIT_STROKES)
    page.keyboard.press("Enter")
    saved = page.locator("[data-testid=saves] li.saved")
    expect(saved).to_have_count(1, timeout=SAVED_WITHIN_MS)
    expect(saved).to_contain_text("Saved your not-a-digit drawing")
    expect(page.locator('.label-counts li[data-label="10"] .count-value')).to_have_text("1")
    page.screenshot(path=results_dir / "collect-not-a-digit.png", full_page=True)
    stored = Drawing.objects.get()
    assert (stored.label, stored.source, stored.status) == (NOT_A_DIGIT, "collect", "pending")
    assert page.console_errors == []


def test_key_n_picks_not_a_digit_and_a_digit_key_picks_back(live_server, page):
    open_collect_page(page, live_server)
    page.keyboard.press("n")
    expect(page.locator(".label-picker button[aria-pressed=true]")).to_have_text("not a digit")
    expect(page.locator("[data-role=reason]")).to_be_visible()
    draw_strokes(page, NOT_A_DIGIT_STROKES)
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=saves] li.saved")).to_have_count(1, timeout=SAVED_WITHIN_MS)
    assert list(Drawing.objects.values_list("label", flat=True)) == [NOT_A_DIGIT]
    page.keyboard.press("3")
    expect(page.locator("#prompt")).to_have_text("Draw a 3")
    expect(page.locator("[data-role=reason]")).to_be_hidden()
