/*
 * The draw-and-predict page: live predictions while drawing, a final one on pen-up, feedback.
 * URLs, timings and label names come from the page (#draw-config), set by the view.
 *
 * An answer the model does not accept is put in words ("looks like a letter or a shape, not
 * a digit", "could be 8 or 3") instead of a digit and percentages: the ten probabilities only
 * say which digit it would be if it were one, so their bars are dimmed and shown without numbers.
 */
import { DrawingPad } from "./canvas.js";
import { bindPenChoice } from "./pen.js";

const config = JSON.parse(document.getElementById("draw-config").textContent);
const app = document.getElementById("draw-app");
const csrfToken = app.querySelector("[name=csrfmiddlewaretoken]").value;
const part = (role) => app.querySelector(`[data-role="${role}"]`);
const digitView = app.querySelector('[data-testid="prediction"]');
const resultPanel = app.querySelector(".result");
const MAX_RETRY_SECONDS = 60;

let inFlight = null; // AbortController of the request whose answer the page waits for
let liveTimer = null;
let shown = null; // {id, digit, accepted, image, strokes, revision}: the prediction on screen and the drawing it was made from
let revision = 0; // Counts changes to the drawing: "Right?" is only asked about the drawing on the canvas.
const labelName = (label) => config.labelNames[label] ?? String(label);

const pad = new DrawingPad(app.querySelector("canvas"), {
  onChange: () => {
    revision += 1;
    if (pad.isEmpty()) return reset();
    syncFeedback();
    scheduleLivePrediction();
  },
  onStrokeEnd: () => predictNow(),
});
bindPenChoice(app, pad);

function scheduleLivePrediction() {
  // A first touch of a thin pen is too small to be read (the server would answer "blank"):
  // live answers wait until the drawing is clearly bigger than the server's smallest ink (its
  // edges fade when the image is shrunk); the answer on pen-up is always asked.
  if (pad.inkExtent() < 2 * config.minInkExtent) return;
  setBusy(true);
  if (liveTimer === null) liveTimer = setTimeout(predictNow, config.livePredictionIntervalMs);
}

// aria-busy says a newer answer is on its way: screen readers wait, and so do browser tests
// before they answer "Right?" about what is on screen.
function setBusy(busy) {
  app.setAttribute("aria-busy", String(busy));
}

async function predictNow() {
  clearTimeout(liveTimer);
  liveTimer = null;
  if (pad.isEmpty()) return setBusy(false);
  inFlight?.abort();
  const request = new AbortController();
  inFlight = request;
  const drawn = { image: pad.toDataURL(), strokes: pad.strokes(), revision };
  try {
    const { response, body } = await postJson(config.predictUrl, { image: drawn.image }, request.signal);
    if (request !== inFlight) return;
    if (response.ok) showPrediction(body, drawn);
    else if (response.status === 429) retryLater(response.headers.get("Retry-After"));
    else showFailure(errorMessage(body));
  } catch (error) {
    if (error.name !== "AbortError" && request === inFlight) {
      showFailure("The server could not be reached; keep drawing to try again.");
    }
  } finally {
    if (request === inFlight) {
      inFlight = null;
      setBusy(liveTimer !== null);
    }
  }
}

// The answer on screen, if any, is for an older drawing now: dim it; its "Right?" stays off.
function showFailure(message) {
  setStatus(part("status"), message, true);
  resultPanel.classList.toggle("stale", shown !== null);
}

// Rate limited (live predictions count too): ask again once the server's delay has passed.
function retryLater(retryAfter) {
  const seconds = Math.min(Math.max(Math.ceil(Number(retryAfter)) || 1, 1), MAX_RETRY_SECONDS);
  showFailure(`Too many predictions in a row; trying again in ${seconds} s.`);
  clearTimeout(liveTimer);
  liveTimer = setTimeout(predictNow, seconds * 1000);
}

async function postJson(url, payload, signal) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify(payload),
    signal,
  });
  const body = await response.json().catch(() => ({}));
  return { response, body };
}

function errorMessage(body) {
  return body?.error?.message ?? "Something went wrong; please try again.";
}

function setStatus(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle("error", isError);
}

function showPrediction(body, drawn) {
  shown = { id: body.prediction_id, digit: body.digit, accepted: body.accepted, ...drawn };
  setStatus(part("status"), "");
  resultPanel.classList.remove("stale");
  resultPanel.classList.toggle("rejected", !body.accepted);
  digitView.textContent = body.accepted ? String(body.digit) : "?";
  digitView.classList.toggle("unsure", !body.accepted);
  part("unsure").hidden = body.accepted;
  part("unsure-reason").textContent = body.accepted ? "" : unsureReason(body);
  part("bars-caption").hidden = body.accepted;
  showBars(body.probabilities, body.digit, body.accepted);
  part("top3").replaceChildren(...(body.accepted ? body.top.map(topItem) : []));
  const modelInput = part("model-input");
  modelInput.src = body.input_image;
  modelInput.hidden = false;
  part("model-version").textContent = `Model ${body.model_version}`;
  resetFeedback(false);
}

// What the model thinks of a drawing it does not accept as a digit, in a visitor's words.
function unsureReason(body) {
  if (body.not_a_digit > body.confidence) return "looks like a letter or a shape, not a digit.";
  const [first, second] = body.top;
  return `could be ${first.digit} or ${second.digit}.`;
}

function showBars(probabilities, digit, withValues = true) {
  for (const bar of part("bars").children) {
    const p = probabilities?.[Number(bar.dataset.digit)] ?? 0;
    bar.querySelector(".bar-fill").style.width = `${(p * 100).toFixed(1)}%`;
    bar.querySelector(".bar-value").textContent = probabilities && withValues ? `${Math.round(p * 100)}%` : "";
    bar.classList.toggle("top", probabilities !== null && Number(bar.dataset.digit) === digit);
  }
}

function topItem({ digit, probability }) {
  const item = document.createElement("li");
  const strong = document.createElement("b");
  strong.textContent = String(digit);
  item.append(strong, ` ${Math.round(probability * 100)}%`);
  return item;
}

function reset() {
  clearTimeout(liveTimer);
  liveTimer = null;
  inFlight?.abort();
  inFlight = null;
  setBusy(false);
  shown = null;
  digitView.textContent = "";
  digitView.classList.remove("unsure");
  resultPanel.classList.remove("rejected");
  part("unsure").hidden = true;
  part("bars-caption").hidden = true;
  showBars(null, null);
  part("top3").replaceChildren();
  part("model-input").hidden = true;
  part("model-version").textContent = "";
  setStatus(part("status"), "");
  resultPanel.classList.remove("stale");
  resetFeedback(true);
}

// An accepted answer asks "Right?" (No opens the picker); an answer the model is not sure of
// has nothing to say yes to, so it asks what was drawn, the picker open at once.
const unsureShown = () => shown !== null && !shown.accepted;

function resetFeedback(hide) {
  part("feedback").hidden = hide;
  part("right").hidden = unsureShown();
  openPicker(unsureShown());
  setStatus(part("feedback-status"), "");
  syncFeedback();
}

function openPicker(open) {
  part("picker").hidden = !open;
  part("picker-question").textContent = unsureShown() ? "What did you draw?" : "No, it was:";
}

// Answers are taken only while the prediction on screen is of the drawing on the canvas.
function syncFeedback() {
  const current = shown !== null && shown.revision === revision;
  for (const button of part("feedback").querySelectorAll("button")) button.disabled = !current;
  if (!current && shown?.accepted) part("picker").hidden = true;
}

async function sendFeedback(label) {
  if (!shown || shown.revision !== revision) return;
  const target = shown;
  const drawing = { image: target.image, strokes: target.strokes };
  const payload = label === null ? { correct: true, ...drawing } : { correct: label === target.digit, label, ...drawing };
  for (const button of part("feedback").querySelectorAll("button")) button.disabled = true;
  setStatus(part("feedback-status"), "Saving…");
  try {
    const url = config.feedbackUrl.replace(config.predictionIdPlaceholder, target.id);
    const { response, body } = await postJson(url, payload);
    if (response.ok) {
      const kept = body.label === config.notADigit ? labelName(body.label) : `a ${labelName(body.label)}`;
      setStatus(part("feedback-status"), `Thank you! Kept as ${kept} for review.`);
      part("picker").hidden = true;
      return;
    }
    setStatus(part("feedback-status"), errorMessage(body), true);
  } catch {
    setStatus(part("feedback-status"), "The server could not be reached; please answer again.", true);
  }
  if (shown === target) resetFeedback(false);
}

app.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.action) runAction(button.dataset.action);
  else if (button.dataset.answer === "yes") sendFeedback(null);
  else if (button.dataset.answer === "no") openPicker(true);
  else if (button.dataset.label) sendFeedback(Number(button.dataset.label));
});

function runAction(action) {
  if (action === "clear") pad.clear();
  else if (action === "undo") pad.undo();
  else if (action === "redo") pad.redo();
}

document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const withModifier = event.ctrlKey || event.metaKey;
  let action = null;
  if (!withModifier && (event.key === "Backspace" || event.key === "Delete")) action = "clear";
  else if (withModifier && event.key.toLowerCase() === "z") action = event.shiftKey ? "redo" : "undo";
  if (action === null) return;
  event.preventDefault();
  runAction(action);
});
