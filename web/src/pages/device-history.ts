// "History": a chart of one property over a chosen range. Up to 1,000 stored
// values are drawn as they are; a range with more is drawn from the API's
// per-interval aggregates (average line, min..max band), so a week of
// 3-second posts is still one request. Live values extend a raw chart.
import { api, devicePath, query, seg, type Page } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { card, emptyRow, field, select } from "../ui";
import { drawChart, type Band, type ChartData, type Point } from "./device-chart";
import { isNumeric, label, unitOf, type ThingModel } from "./device-data";

const ranges: [string, string][] = [
  ["900000", "Last 15 minutes"],
  ["3600000", "Last hour"],
  ["21600000", "Last 6 hours"],
  ["86400000", "Last 24 hours"],
  ["604800000", "Last 7 days"],
];
const rawLimit = 1000;

interface Bucket {
  start: number;
  min: number;
  max: number;
  avg: number;
}

export class HistoryCard {
  readonly el: HTMLElement;
  private readonly property: HTMLSelectElement;
  private readonly range = select(ranges, "3600000");
  private readonly plot = h("div", { class: "chart" });
  private readonly caption = h("p", { class: "hint" });
  private readonly error = new ErrorSlot();
  private data: ChartData | null = null;
  private raw = false; // points are single values (live ones may be added)
  private seq = 0;

  constructor(
    private readonly pk: string,
    private readonly dn: string,
    private readonly model: ThingModel,
    private readonly signal: AbortSignal,
  ) {
    const numeric = model.properties.filter((p) => isNumeric(p.dataType));
    const choices = (numeric.length ? numeric : model.properties).map((p): [string, string] => [p.identifier, label(p)]);
    this.property = select(choices);
    this.property.addEventListener("change", () => void this.load());
    this.range.addEventListener("change", () => void this.load());
    this.el = !choices.length ? card("History", emptyRow("Nothing to chart: the thing model has no properties.")) : card(
      "History",
      h("div", { class: "row chart-controls" }, field("Property", this.property), field("Range", this.range)),
      this.error.el,
      this.plot,
      this.caption,
    );
    this.el.classList.add("wide");
    // Redrawn at the new width (a phone turned, a window resized).
    const resize = new ResizeObserver(() => this.draw());
    resize.observe(this.plot);
    signal.addEventListener("abort", () => resize.disconnect(), { once: true });
  }

  show(identifier: string): void {
    if ([...this.property.options].some((o) => o.value === identifier)) {
      this.property.value = identifier;
      void this.load();
      this.el.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  }

  async load(): Promise<void> {
    const id = this.property.value;
    if (!id) return;
    const seq = ++this.seq;
    const to = Date.now();
    const from = to - Number(this.range.value);
    const unit = unitOf(this.model.properties.find((p) => p.identifier === id)?.dataType ?? { type: "" });
    const base = `${devicePath(this.pk, this.dn)}/properties/${seg(id)}`;
    this.error.clear();
    try {
      const page = await api<Page<{ value: unknown; time: number }>>(
        "GET", `${base}/history` + query({ from, to, pageSize: rawLimit }), undefined, this.signal);
      if (seq !== this.seq) return;
      if (!page.nextPageToken) {
        const points = page.items.filter((i) => typeof i.value === "number").map((i) => ({ t: i.time, v: i.value as number }));
        this.raw = true;
        this.data = { points: points.reverse(), from, to, unit };
        this.caption.textContent = `${points.length} value${points.length === 1 ? "" : "s"}` +
          (page.items.length > points.length ? " (values that are not numbers are left out)" : "");
      } else {
        const interval = Math.max(1000, Math.ceil((to - from) / 240));
        const agg = await api<{ items: Bucket[] }>(
          "GET", `${base}/aggregate` + query({ from, to, interval }), undefined, this.signal);
        if (seq !== this.seq) return;
        const points: Point[] = agg.items.map((b) => ({ t: b.start + interval / 2, v: b.avg }));
        const band: Band[] = agg.items.map((b) => ({ t: b.start + interval / 2, min: b.min, max: b.max }));
        this.raw = false;
        this.data = { points, band, from, to, unit };
        this.caption.textContent = `More than ${rawLimit} values: averages per ${duration(interval)}, with the min–max range shaded.`;
      }
      this.draw();
    } catch (e) {
      if (seq !== this.seq || this.signal.aborted) return;
      this.error.show(e);
    }
  }

  // A live value of the charted property joins a raw chart; the window
  // slides to now.
  push(identifier: string, value: unknown, time: number): void {
    if (!this.data || !this.raw || identifier !== this.property.value || typeof value !== "number") return;
    const to = Math.max(Date.now(), time);
    const from = to - Number(this.range.value);
    const points = this.data.points.filter((p) => p.t >= from && p.t !== time);
    points.push({ t: time, v: value });
    points.sort((a, b) => a.t - b.t);
    this.data = { ...this.data, points, from, to };
    this.caption.textContent = `${points.length} value${points.length === 1 ? "" : "s"} (updating live)`;
    this.draw();
  }

  private draw(): void {
    if (this.data && this.plot.isConnected) drawChart(this.plot, this.data);
  }
}

function duration(ms: number): string {
  if (ms < 60000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3600000) return `${Math.round(ms / 60000)} min`;
  return `${(ms / 3600000).toFixed(1)} h`;
}
