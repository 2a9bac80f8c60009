/* Draws the recorded strokes, then replays them at their recorded pace. */
(() => {
  const strokes = JSON.parse(document.getElementById("drawing-strokes").textContent);
  const svg = document.getElementById("stroke-replay");
  const xs = strokes.flatMap((s) => s[0]), ys = strokes.flatMap((s) => s[1]);
  const pad = 10, minX = Math.min(...xs) - pad, minY = Math.min(...ys) - pad;
  const side = Math.max(Math.max(...xs) - minX, Math.max(...ys) - minY) + pad;
  svg.setAttribute("viewBox", `${minX} ${minY} ${side} ${side}`);
  const paths = strokes.map(() => svg.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "path")));
  paths.forEach((path) => path.setAttribute("stroke-width", String(side / 20)));
  const draw = (until) => strokes.forEach(([sx, sy, st], i) => {
    const points = sx.map((x, j) => [x, sy[j], st[j]]).filter((p) => p[2] <= until);
    paths[i].setAttribute("d", points.map(([x, y], j) => `${j ? "L" : "M"}${x} ${y}`).join(" ") + (points.length === 1 ? " l0.01 0" : ""));
  });
  draw(Infinity);
  document.getElementById("replay-strokes").addEventListener("click", () => {
    const start = performance.now(), end = Math.max(...strokes.flatMap((s) => s[2]));
    const frame = (now) => { draw(now - start); if (now - start <= end) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
  });
})();
