// "Properties": each property's latest value and its time, in the thing
// model's order (properties without a value yet show "—"), kept current by
// the live stream. The value itself is in an element with data-property="id"
// whose text is exactly the value, so tests and people read the same thing.
import { api, devicePath } from "../api";
import { formatTime, formatValue, h } from "../dom";
import { ErrorSlot } from "../errors";
import { button, card, emptyRow } from "../ui";
import { isNumeric, label, meaning, shortTime, unitOf, type LatestProperty, type ThingModel, type TslProperty } from "./device-data";
import { flash } from "./device-flash";

interface Cells {
  value: HTMLElement;
  note: HTMLElement; // unit, or what an enum value means
  time: HTMLElement;
  last: { value: unknown; time: number } | null;
  spec?: TslProperty;
}

export class PropertiesCard {
  readonly el: HTMLElement;
  private readonly tbody = h("tbody");
  private readonly error = new ErrorSlot();
  private readonly cells = new Map<string, Cells>();
  private readonly empty = emptyRow("The thing model has no properties and the device has posted none.");
  private loadedOnce = false; // after the first load, a first value is news too

  constructor(
    private readonly pk: string,
    private readonly dn: string,
    model: ThingModel,
    private readonly onChart: (identifier: string) => void,
    private readonly signal: AbortSignal,
  ) {
    for (const p of model.properties) this.addRow(p.identifier, p);
    const t = h(
      "div",
      { class: "table-wrap" },
      h("table", { class: "properties-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "Property"), h("th", {}, "Value"), h("th", {}, "Updated"), h("th", {}))),
        this.tbody),
    );
    this.empty.hidden = this.cells.size > 0;
    this.el = card("Properties", this.error.el, t, this.empty);
    this.el.classList.add("wide");
  }

  async load(): Promise<void> {
    try {
      const { items } = await api<{ items: LatestProperty[] }>("GET", `${devicePath(this.pk, this.dn)}/properties`, undefined, this.signal);
      this.error.clear();
      for (const i of items) this.set(i.identifier, i.value, i.time, i.name);
      this.loadedOnce = true;
    } catch (e) {
      if (!this.signal.aborted) this.error.show(e);
    }
  }

  // A value from the API or the stream. Only a different value flashes (a
  // repeat only moves its time), so a refetch after a reconnect or a device
  // that reports the same serial every 3 s does not light up the table.
  set(identifier: string, value: unknown, time: number, name?: string): void {
    const c = this.cells.get(identifier) ?? this.addRow(identifier, undefined, name);
    if (c.last && c.last.time > time) return; // an older value arriving late
    const changed = c.last !== null && formatValue(c.last.value) !== formatValue(value);
    const fresh = c.last === null;
    c.last = { value, time };
    c.value.textContent = formatValue(value);
    c.note.textContent = c.spec ? meaning(c.spec.dataType, value) || unitOf(c.spec.dataType) : "";
    c.time.textContent = shortTime(time);
    c.time.title = formatTime(time);
    if (changed || (fresh && this.loadedOnce)) flash(c.value.parentElement!);
  }

  private addRow(identifier: string, spec?: TslProperty, name?: string): Cells {
    const value = h("span", { class: "prop-value", "data-property": identifier }, "—");
    // The unit (or an enum's meaning) follows the value once there is one.
    const m = h("span", { class: "muted" });
    const time = h("td", { class: "muted nowrap" }, "—");
    const chart = spec && isNumeric(spec.dataType) ? button("Chart", () => this.onChart(identifier), "secondary", { class: "btn link" }) : null;
    const title = spec ? label(spec) : name && name !== identifier ? `${name} (${identifier})` : identifier;
    this.tbody.append(
      h("tr", {},
        h("td", {}, title, spec?.accessMode === "rw" ? h("span", { class: "muted" }, " · writable") : null),
        h("td", {}, value, " ", m),
        time,
        h("td", {}, chart)),
    );
    const cells: Cells = { value, note: m, time, last: null, spec };
    this.cells.set(identifier, cells);
    this.empty.hidden = true;
    return cells;
  }
}
