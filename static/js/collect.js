/*
 * The collect page: prompt a digit (now and then something that is not a digit), save drawings
 * in the background, never lose one.
 *
 * A save clears the canvas and shows the next prompt at once; the drawing waits in a list of
 * pending saves (mirrored in localStorage, so a closed tab resends it on the next visit) until
 * the server answers 201. Server or network failures retry with growing delays; refused
 * drawings stay listed with the server's reason until the contributor retries or discards them.
 */
import { DrawingPad } from "./canvas.js";

const config = JSON.parse(document.getElementById("collect-config").textContent);
const STORAGE_KEY = "digitsite.collect.unsent";
const RETRYABLE = (status) => status >= 500 || status === 408 || status === 429;

const root = document.querySelector(".collect");
const promptDigit = root.querySelector("[data-testid=prompt]");
const promptAsk = root.querySelector("[data-role=ask]");
const promptReason = root.querySelector("[data-role=reason]");
const statusLine = root.querySelector("[data-testid=status]");
const savesList = root.querySelector("[data-testid=saves]");
const contributorCount = root.querySelector("[data-testid=contributor-count]");
const labelButtons = [...root.querySelectorAll(".label-picker button")];

const pad = new DrawingPad(root.querySelector("canvas"), { onChange: () => showStatus("") });
const pending = new Map(); // id -> {id, body, element, timer, attempts}
let plan = config.prompts;
let upcoming = plan.slice(1);
let label = plan[0];

// Label names come from the server (collector.labels): "7", or "not a digit" for label 10.
const labelName = (value) => config.labelNames[value] ?? String(value);
// "your 7", "your not-a-digit drawing".
const yourLabel = (value) => (value === config.notADigit ? "not-a-digit drawing" : labelName(value));

function setLabel(value) {
  label = value;
  const notADigit = value === config.notADigit;
  promptAsk.textContent = notADigit ? "Draw something that is" : "Draw a";
  promptDigit.textContent = labelName(value);
  promptReason.hidden = !notADigit;
  promptAsk.parentElement.classList.toggle("not-a-digit", notADigit);
  for (const button of labelButtons) button.setAttribute("aria-pressed", String(Number(button.dataset.label) === value));
}

function nextPrompt() {
  if (!upcoming.length) upcoming = plan.slice();
  setLabel(upcoming.shift());
}

function showStatus(message, kind = "") {
  statusLine.textContent = message;
  statusLine.className = `status ${kind}`;
}

function save() {
  if (pad.isEmpty()) {
    showStatus(label === config.notADigit ? "Draw something first, then press Enter." : "Draw the digit first, then press Enter.", "error");
    return;
  }
  const item = { id: `${Date.now()}-${Math.random().toString(36).slice(2)}`, attempts: 0 };
  item.body = { image: pad.toDataURL(), label, strokes: pad.strokes() };
  pad.clear();
  nextPrompt();
  track(item);
  send(item);
}

function track(item) {
  item.element = document.createElement("li");
  savesList.prepend(item.element);
  pending.set(item.id, item);
  remember();
}

async function send(item) {
  clearTimeout(item.timer);
  render(item, "sending", `Saving your ${yourLabel(item.body.label)}…`);
  let response;
  try {
    response = await fetch(config.apiUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(item.body),
      credentials: "same-origin",
    });
  } catch {
    retryLater(item, "No connection to the server.");
    return;
  }
  const data = await response.json().catch(() => ({}));
  if (response.status === 201) saved(item, data);
  else if (RETRYABLE(response.status)) retryLater(item, errorMessage(data, response));
  else refused(item, errorMessage(data, response));
}

function saved(item, data) {
  pending.delete(item.id);
  remember();
  render(item, "saved", `Saved your ${yourLabel(data.label)} (#${data.id})${modelSaw(data.prediction)}${data.duplicate ? " · same image as an earlier drawing" : ""}`);
  [...savesList.querySelectorAll("li.saved")].slice(config.receiptsShown).forEach((old) => old.remove());
  contributorCount.textContent = String(data.contributor_count);
  showCounts(data.counts);
  plan = data.prompts;
  upcoming = plan.slice();
}

function modelSaw(prediction) {
  if (!prediction) return "";
  return prediction.digit === config.notADigit ? " · the model saw no digit" : ` · the model saw a ${prediction.digit}`;
}

function retryLater(item, reason) {
  const delays = config.retryDelaysMs;
  const delay = delays[Math.min(item.attempts, delays.length - 1)];
  item.attempts += 1;
  render(item, "waiting", `Not saved yet: ${reason} Retrying in ${Math.round(delay / 1000)} s.`, ["Retry now"]);
  item.timer = setTimeout(() => send(item), delay);
}

function refused(item, reason) {
  render(item, "failed", `Not saved: ${reason}`, ["Retry", "Discard"]);
}

function render(item, state, message, actions = []) {
  const { element } = item;
  element.className = state;
  element.dataset.state = state;
  element.replaceChildren(thumbnail(item.body.image), text(message));
  for (const action of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = action;
    button.addEventListener("click", () => (action === "Discard" ? discard(item) : send(item)));
    element.append(button);
  }
}

function discard(item) {
  clearTimeout(item.timer);
  pending.delete(item.id);
  remember();
  item.element.remove();
}

function thumbnail(src) {
  const image = document.createElement("img");
  image.src = src;
  image.alt = "";
  return image;
}

function text(message) {
  const span = document.createElement("span");
  span.textContent = message;
  return span;
}

function errorMessage(data, response) {
  return data?.error?.message || `The server answered ${response.status}.`;
}

function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

function showCounts(counts) {
  const values = Object.values(counts).map(Number);
  const most = Math.max(1, ...values);
  for (const row of root.querySelectorAll(".label-counts li")) {
    const count = Number(counts[row.dataset.label] ?? 0);
    row.querySelector(".count-value").textContent = String(count);
    row.querySelector(".count-fill").style.width = `${(100 * count) / most}%`;
  }
}

function remember() {
  const unsent = [...pending.values()].map(({ id, body }) => ({ id, body }));
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(unsent));
  } catch {
    showStatus("This browser cannot keep a copy of unsent drawings: keep this tab open until they are saved.", "error");
  }
}

function resendRemembered() {
  let unsent = [];
  try {
    unsent = JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]");
  } catch {
    return;
  }
  for (const { id, body } of unsent) {
    const item = { id, body, attempts: 0 };
    track(item);
    send(item);
  }
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (/^[0-9]$/.test(event.key)) {
    setLabel(Number(event.key));
  } else if (event.key === "n" || event.key === "N") {
    setLabel(config.notADigit);
  } else if (event.key === "Enter") {
    event.preventDefault(); // A focused button must not also be clicked.
    if (!event.repeat) save();
  } else if (event.key === "Backspace" || event.key === "Delete") {
    event.preventDefault();
    pad.clear();
  }
}

for (const button of labelButtons) button.addEventListener("click", () => setLabel(Number(button.dataset.label)));
root.querySelector("[data-action=save]").addEventListener("click", save);
root.querySelector("[data-action=undo]").addEventListener("click", () => pad.undo());
root.querySelector("[data-action=clear]").addEventListener("click", () => pad.clear());
document.addEventListener("keydown", onKey);
window.addEventListener("beforeunload", (event) => {
  if (pending.size) event.preventDefault();
});
showCounts(config.counts);
resendRemembered();
