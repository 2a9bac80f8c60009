/*
 * The pen-width choice beside a drawing pad: radio buttons named "pen" whose values are
 * DrawingPad's PEN_WIDTHS names. The choice is remembered for the next visit.
 */
const STORAGE_KEY = "digitsite.pen";

export function bindPenChoice(root, pad) {
  const choices = [...root.querySelectorAll('input[name="pen"]')];
  if (!choices.length) return;
  const saved = safeStorage()?.getItem(STORAGE_KEY);
  const initial = choices.find((input) => input.value === saved) || choices.find((input) => input.checked) || choices[0];
  initial.checked = true;
  pad.setPen(initial.value);
  for (const input of choices) {
    input.addEventListener("change", () => {
      if (!input.checked) return;
      pad.setPen(input.value);
      safeStorage()?.setItem(STORAGE_KEY, input.value);
    });
  }
}

function safeStorage() {
  try {
    return window.localStorage;
  } catch {
    return null; // Storage blocked (private mode, strict settings): the choice lasts for the page only.
  }
}
