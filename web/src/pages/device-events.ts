// "Events": the device's events, newest first, 10 at a time ("Show older"
// pages back), with live ones put on top as they come.
import { api, devicePath, query, type Page } from "../api";
import { formatTime, formatValue, h } from "../dom";
import { ErrorSlot } from "../errors";
import { button, card } from "../ui";
import { shortTime, timeOf, type DeviceEvent, type ThingModel } from "./device-data";
import { flash } from "./device-flash";

const pageSize = 10;

export class EventsCard {
  readonly el: HTMLElement;
  private readonly tbody = h("tbody");
  private readonly error = new ErrorSlot();
  private readonly empty = h("p", { class: "empty" }, "No events yet.");
  private readonly more = button("Show older", () => void this.page(), "secondary");
  private next = "";
  private readonly names = new Map<string, string>();

  constructor(
    private readonly pk: string,
    private readonly dn: string,
    model: ThingModel,
    private readonly signal: AbortSignal,
  ) {
    for (const e of model.events) this.names.set(e.identifier, e.name || e.identifier);
    this.more.hidden = true;
    this.el = card(
      "Events",
      this.error.el,
      h("div", { class: "table-wrap" },
        h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Time"), h("th", {}, "Event"), h("th", {}, "Value"))), this.tbody)),
      this.empty,
      this.more,
    );
  }

  // The newest page again (first show, or after the stream reconnects).
  async load(): Promise<void> {
    this.next = "";
    await this.page(true);
  }

  // An event from the stream: {identifier, type, value, time, …}.
  prepend(data: Record<string, unknown>): void {
    const tr = this.row({
      identifier: String(data.identifier ?? ""),
      type: String(data.type ?? ""),
      value: data.value,
      time: timeOf(data.time),
    });
    this.tbody.prepend(tr);
    this.empty.hidden = true;
    flash(tr);
  }

  private async page(fresh = false): Promise<void> {
    try {
      const p = await api<Page<DeviceEvent>>(
        "GET", `${devicePath(this.pk, this.dn)}/events` + query({ pageSize, pageToken: this.next }), undefined, this.signal);
      this.error.clear();
      if (fresh) this.tbody.replaceChildren();
      this.tbody.append(...p.items.map((e) => this.row(e)));
      this.next = p.nextPageToken ?? "";
      this.more.hidden = !this.next;
      this.empty.hidden = this.tbody.childElementCount > 0;
    } catch (e) {
      if (!this.signal.aborted) this.error.show(e);
    }
  }

  private row(e: DeviceEvent): HTMLTableRowElement {
    const type = e.type ? h("span", { class: `badge event-${e.type}` }, e.type) : null;
    return h("tr", {},
      h("td", { class: "nowrap", title: formatTime(e.time) }, shortTime(e.time)),
      h("td", { title: e.identifier }, this.names.get(e.identifier) ?? e.identifier, " ", type),
      h("td", {}, h("code", {}, formatValue(e.value))));
  }
}
