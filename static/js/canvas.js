/*
 * DrawingPad: the drawing surface shared by the draw page (/) and the collect page (/collect/).
 *
 * Pointer Events cover mouse, touch and pen alike. Strokes are kept as points in CSS pixels
 * (Quick, Draw! format) and rendered as quadratic curves through the midpoints of successive
 * points; the backing store has devicePixelRatio times the CSS size so lines stay crisp.
 * Keyboard shortcuts belong to the pages, not to this module.
 */

// Ink width as a share of the canvas side: the same look on a phone and on a desktop. People
// draw with fine pens as well as fat brushes; the page offers these three.
export const PEN_WIDTHS = { thin: 0.015, medium: 0.055, thick: 0.1 };
const DEFAULT_PEN = "medium";
// Points closer than this (CSS px) to the previous one add nothing but noise.
const MIN_POINT_DISTANCE = 1;
const INK = "#000";

export class DrawingPad {
  #canvas;
  #context;
  #onChange;
  #onStrokeEnd;
  #strokes = []; // [{points: [{x, y, t}]}], CSS px, t in ms since the drawing's first point
  #undone = [];
  #active = null; // {pointerId, stroke}
  #startTime = null;
  #cssSize = { width: 0, height: 0 };
  #penRatio = PEN_WIDTHS[DEFAULT_PEN];

  constructor(canvas, { onChange = () => {}, onStrokeEnd = () => {} } = {}) {
    this.#canvas = canvas;
    this.#context = canvas.getContext("2d");
    this.#onChange = onChange;
    this.#onStrokeEnd = onStrokeEnd;
    canvas.style.touchAction = "none";
    // touch-action stops scrolling, but Chromium still reads a quick stroke as a fling and then
    // swallows the next tap (on Save, Clear or Yes) as the tap that stops it. Cancelling the
    // touch events keeps a stroke from being a gesture at all; pointer events still arrive.
    for (const type of ["touchstart", "touchmove"]) {
      canvas.addEventListener(type, (event) => event.preventDefault(), { passive: false });
    }
    canvas.addEventListener("pointerdown", (event) => this.#penDown(event));
    canvas.addEventListener("pointermove", (event) => this.#penMove(event));
    for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) {
      canvas.addEventListener(type, (event) => this.#penUp(event));
    }
    this.#fitBackingStore();
    new ResizeObserver(() => this.#fitBackingStore()).observe(canvas);
  }

  clear() {
    this.#strokes = [];
    this.#undone = [];
    this.#active = null;
    this.#startTime = null;
    this.#render();
    this.#onChange();
  }

  undo() {
    if (!this.#strokes.length) return;
    this.#active = null;
    this.#undone.push(this.#strokes.pop());
    this.#render();
    this.#onChange();
  }

  redo() {
    if (!this.#undone.length) return;
    this.#strokes.push(this.#undone.pop());
    this.#render();
    this.#onChange();
  }

  /* The pen for the whole drawing (one of PEN_WIDTHS' names); the drawing is redrawn with it. */
  setPen(name) {
    const ratio = PEN_WIDTHS[name];
    if (!ratio || ratio === this.#penRatio) return;
    this.#penRatio = ratio;
    this.#render();
    if (!this.isEmpty()) this.#onChange();
  }

  /* The drawing's longer side, pen included, as a share of the canvas's longer side. */
  inkExtent() {
    const points = this.#strokes.flatMap((stroke) => stroke.points);
    if (!points.length) return 0;
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const side = Math.max(this.#cssSize.width, this.#cssSize.height) || 1;
    const pen = Math.min(this.#cssSize.width, this.#cssSize.height) * this.#penRatio;
    return (Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) + pen) / side;
  }

  isEmpty() {
    return this.#strokes.length === 0;
  }

  /*
   * A PNG of the drawing at its CSS size. On a high-DPI screen the backing store holds up to
   * 9x the pixels; the model needs 28x28, so sending them would only cost upload time and
   * server decoding (about 0.6 ms per 280x280, growing with the pixel count).
   */
  toDataURL() {
    const { width, height } = this.#cssSize;
    if (!width || (this.#canvas.width === width && this.#canvas.height === height)) {
      return this.#canvas.toDataURL("image/png");
    }
    const copy = document.createElement("canvas");
    copy.width = width;
    copy.height = height;
    const ctx = copy.getContext("2d");
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(this.#canvas, 0, 0, width, height);
    return copy.toDataURL("image/png");
  }

  strokes() {
    return this.#strokes.map(({ points }) => [
      points.map((p) => round1(p.x)),
      points.map((p) => round1(p.y)),
      points.map((p) => Math.round(p.t)),
    ]);
  }

  #penDown(event) {
    if (this.#active || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    this.#canvas.setPointerCapture(event.pointerId);
    if (this.#startTime === null || this.isEmpty()) this.#startTime = event.timeStamp;
    const stroke = { points: [this.#point(event)] };
    this.#strokes.push(stroke);
    this.#undone = [];
    this.#active = { pointerId: event.pointerId, stroke };
    this.#drawDot(stroke.points[0]);
    this.#onChange();
  }

  #penMove(event) {
    if (!this.#active || event.pointerId !== this.#active.pointerId) return;
    event.preventDefault();
    const { points } = this.#active.stroke;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    let added = false;
    for (const sample of events.length ? events : [event]) {
      const point = this.#point(sample);
      const last = points[points.length - 1];
      if (Math.hypot(point.x - last.x, point.y - last.y) < MIN_POINT_DISTANCE) continue;
      points.push(point);
      this.#drawPiece(points, points.length - 2);
      added = true;
    }
    if (added) this.#onChange();
  }

  #penUp(event) {
    if (!this.#active || event.pointerId !== this.#active.pointerId) return;
    const { points } = this.#active.stroke;
    this.#active = null;
    if (points.length > 1) this.#drawPiece(points, points.length - 1);
    this.#onStrokeEnd();
  }

  #point(event) {
    const rect = this.#canvas.getBoundingClientRect();
    const x = event.clientX - rect.left - this.#canvas.clientLeft;
    const y = event.clientY - rect.top - this.#canvas.clientTop;
    return { x, y, t: event.timeStamp - this.#startTime };
  }

  #fitBackingStore() {
    // The drawing area is the content box: the CSS border is not part of the picture.
    const size = { width: this.#canvas.clientWidth, height: this.#canvas.clientHeight };
    if (!size.width || !size.height) return;
    const old = this.#cssSize;
    if (old.width && (old.width !== size.width || old.height !== size.height)) {
      this.#scalePoints(size.width / old.width, size.height / old.height);
    }
    this.#cssSize = size;
    const ratio = window.devicePixelRatio || 1;
    this.#canvas.width = Math.round(size.width * ratio);
    this.#canvas.height = Math.round(size.height * ratio);
    this.#render();
  }

  #scalePoints(sx, sy) {
    for (const { points } of [...this.#strokes, ...this.#undone]) {
      for (const p of points) {
        p.x *= sx;
        p.y *= sy;
      }
    }
  }

  #prepareContext() {
    const ctx = this.#context;
    const ratio = this.#canvas.width / this.#cssSize.width;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = Math.max(1, Math.min(this.#cssSize.width, this.#cssSize.height) * this.#penRatio);
    return ctx;
  }

  #render() {
    const ctx = this.#prepareContext();
    ctx.clearRect(0, 0, this.#cssSize.width, this.#cssSize.height);
    for (const { points } of this.#strokes) {
      this.#drawDot(points[0]);
      for (let index = 0; index < points.length; index += 1) this.#drawPiece(points, index);
    }
  }

  #drawDot(point) {
    const ctx = this.#prepareContext();
    ctx.beginPath();
    ctx.arc(point.x, point.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
  }

  /*
   * Piece `index` of a stroke runs from the midpoint before points[index] to the midpoint after
   * it, curving through points[index]; the first and last pieces start or end on the point
   * itself. Drawing piece by piece while the pen moves gives the same line as a full redraw.
   */
  #drawPiece(points, index) {
    if (points.length < 2) return;
    const last = points.length - 1;
    const start = index === 0 ? points[0] : midpoint(points[index - 1], points[index]);
    const end = index === last ? points[last] : midpoint(points[index], points[index + 1]);
    const ctx = this.#prepareContext();
    ctx.beginPath();
    ctx.moveTo(start.x, start.y);
    ctx.quadraticCurveTo(points[index].x, points[index].y, end.x, end.y);
    ctx.stroke();
  }
}

function midpoint(a, b) {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

function round1(value) {
  return Math.round(value * 10) / 10;
}
