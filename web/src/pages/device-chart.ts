// A small SVG line chart of one property over time (no chart library): the
// values as a line, optionally a min..max band (for averaged buckets), a few
// value ticks on the left and times along the bottom. It is drawn at the
// container's pixel width so text is never stretched; callers redraw when
// the width changes.
import { formatTime } from "../dom";

export interface Point {
  t: number; // ms since the epoch
  v: number;
}

export interface Band {
  t: number;
  min: number;
  max: number;
}

export interface ChartData {
  points: Point[]; // oldest first
  band?: Band[];
  from: number;
  to: number;
  unit?: string;
}

const NS = "http://www.w3.org/2000/svg";
const height = 220;
const pad = { left: 52, right: 14, top: 12, bottom: 26 };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export function drawChart(container: HTMLElement, data: ChartData): void {
  const width = Math.max(container.clientWidth, 260);
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
  const values = data.points.map((p) => p.v).concat((data.band ?? []).flatMap((b) => [b.min, b.max]));
  root.setAttribute("aria-label", `${data.points.length} values from ${formatTime(data.from)} to ${formatTime(data.to)}`);

  if (values.length === 0) {
    root.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle" }, "No values in this range"));
    container.replaceChildren(root);
    return;
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const ticks = niceTicks(lo, hi, 4);
  lo = Math.min(lo, ticks[0]);
  hi = Math.max(hi, ticks[ticks.length - 1]);
  const span = Math.max(data.to - data.from, 1);
  const x = (t: number) => pad.left + ((t - data.from) / span) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - (v - lo) / (hi - lo)) * (height - pad.top - pad.bottom);

  for (const tv of ticks) {
    root.append(
      svg("line", { class: "axis", x1: pad.left, x2: width - pad.right, y1: y(tv), y2: y(tv) }),
      svg("text", { x: pad.left - 6, y: y(tv) + 4, "text-anchor": "end" }, tickLabel(tv, ticks)),
    );
  }
  const showDate = span > 24 * 3600 * 1000;
  const xLabels = width < 420 ? [data.from, data.to] : [data.from, data.from + span / 2, data.to];
  xLabels.forEach((t, i) => {
    const anchor = i === 0 ? "start" : i === xLabels.length - 1 ? "end" : "middle";
    root.append(svg("text", { x: x(t), y: height - 8, "text-anchor": anchor }, timeLabel(t, showDate)));
  });
  if (data.unit) root.append(svg("text", { x: 4, y: pad.top + 4 }, data.unit));

  if (data.band && data.band.length > 1) {
    const top = data.band.map((b) => `${x(b.t).toFixed(1)},${y(b.max).toFixed(1)}`);
    const bottom = data.band.map((b) => `${x(b.t).toFixed(1)},${y(b.min).toFixed(1)}`).reverse();
    root.append(svg("polygon", { class: "band", points: top.concat(bottom).join(" ") }));
  }
  const d = data.points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join("");
  root.append(svg("path", { class: "line", d }));
  // Dots (with a hover title) while they are few enough to tell apart.
  if (data.points.length <= 80) {
    for (const p of data.points) {
      const dot = svg("circle", { class: "dot", cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2.5 });
      dot.append(svg("title", {}, `${formatTime(p.t)}: ${p.v}${data.unit ? " " + data.unit : ""}`));
      root.append(dot);
    }
  }
  container.replaceChildren(root);
}

// Round tick values (1, 2 or 5 times a power of ten apart) covering lo..hi.
function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < hi) out.push(out[out.length - 1] + step);
  return out;
}

function tickLabel(v: number, ticks: number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step))));
  return v.toFixed(decimals);
}

function timeLabel(t: number, withDate: boolean): string {
  const s = formatTime(t); // "2026-11-26 23:08:13"
  return withDate ? s.slice(5, 16) : s.slice(11, 16);
}
