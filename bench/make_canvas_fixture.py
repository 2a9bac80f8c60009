"""Draw a "7" with the site's own canvas module in headless Chromium and save the PNG it sends.

    .venv/bin/python bench/make_canvas_fixture.py [--out bench/fixtures/canvas_seven.png]

The speed benches post this file: a typical request is what a browser's canvas encoder makes
(Chromium: every row "Up"-filtered, light zlib compression), not what Pillow makes of a
similar drawing, and the two cost the decoder different amounts. The page holds only a
280x280 CSS-pixel canvas driven by static/js/canvas.js (DrawingPad), at a device pixel ratio
of 1, drawn with mouse events as a visitor would.
"""

import argparse
import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://fixture.invalid"
SIDE = 280
# The "7": a bar, then a diagonal down to the lower left, in canvas fractions.
SEVEN = [[(0.25, 0.22), (0.75, 0.22)], [(0.75, 0.22), (0.43, 0.82)]]
PAGE = f"""<!doctype html><meta charset="utf-8">
<canvas style="width:{SIDE}px;height:{SIDE}px;display:block"></canvas>
<script type="module">
import {{ DrawingPad }} from "/static/js/canvas.js";
window.pad = new DrawingPad(document.querySelector("canvas"));
</script>"""
STEPS_PER_STROKE = 24


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "bench" / "fixtures" / "canvas_seven.png"))
    args = parser.parse_args()
    png = draw_seven()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(png)
    print(f"wrote {args.out}: {len(png)} bytes")


def draw_seven() -> bytes:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(device_scale_factor=1)
        page.route(f"{ORIGIN}/", lambda route: route.fulfill(body=PAGE, content_type="text/html"))
        page.route(f"{ORIGIN}/static/**", lambda route: route.fulfill(path=ROOT / route.request.url.removeprefix(ORIGIN + "/")))
        page.goto(f"{ORIGIN}/")
        page.wait_for_function("window.pad !== undefined")
        box = page.locator("canvas").bounding_box()
        for start, end in SEVEN:
            page.mouse.move(box["x"] + start[0] * SIDE, box["y"] + start[1] * SIDE)
            page.mouse.down()
            page.mouse.move(box["x"] + end[0] * SIDE, box["y"] + end[1] * SIDE, steps=STEPS_PER_STROKE)
            page.mouse.up()
        data_url = page.evaluate("pad.toDataURL()")
        browser.close()
    return base64.b64decode(data_url.partition(",")[2])


if __name__ == "__main__":
    main()
