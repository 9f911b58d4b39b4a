// The table of one product's devices: one page of 50 at a time (a product can
// have 100,000; the API pages by token), filtered by status, name prefix and
// tag, with status badges the live stream keeps current.
import { api, query, seg, type Page } from "../api";
import { formatTime, h, replace } from "../dom";
import { href } from "../router";
import { Pager, emptyRow, link, loading, statusBadge, table } from "../ui";
import { timeOf, type Device } from "./device-data";
import { flash } from "./device-flash";

export interface DeviceFilter {
  status: string;
  name: string;
  tag: string;
}

const pageSize = 50;

interface Row {
  status: HTMLElement;
  lastOnline: HTMLElement;
  ip: HTMLElement;
  tr: HTMLTableRowElement;
}

export class DeviceList {
  readonly el = h("div", { class: "devices-list" });
  private readonly body = h("div");
  private readonly pager = new Pager(() => void this.load());
  private rows = new Map<string, Row>();
  private shown: Device[] = [];
  private seq = 0; // answers to superseded requests are dropped

  constructor(
    private readonly pk: string,
    private readonly filter: () => DeviceFilter,
    private readonly onError: (err: unknown) => void,
    private readonly signal: AbortSignal,
  ) {
    this.el.append(this.body, this.pager.el);
  }

  // From the first page (the filter changed).
  restart(): void {
    this.pager.reset();
    void this.load();
  }

  // `quiet` keeps the current rows on screen while refetching (after a
  // reconnect of the stream), so the table does not blink.
  async load(quiet = false): Promise<void> {
    const seq = ++this.seq;
    if (!quiet) replace(this.body, loading());
    const f = this.filter();
    try {
      const page = await api<Page<Device>>(
        "GET",
        `/products/${seg(this.pk)}/devices` +
          query({ pageSize, pageToken: this.pager.current, status: f.status, name: f.name, tag: f.tag }),
        undefined,
        this.signal,
      );
      if (seq !== this.seq) return;
      this.onError(null);
      this.show(page.items);
      this.pager.render(page.nextPageToken || undefined, page.items.length);
    } catch (e) {
      if (seq !== this.seq || this.signal.aborted) return;
      replace(this.body, emptyRow("The devices could not be loaded."));
      this.pager.el.replaceChildren();
      this.onError(e);
    }
  }

  // A device just registered that the current page does not show (the list
  // is by name) goes on top, so the person sees what they made.
  ensureShown(d: Device): void {
    if (this.rows.has(d.deviceName)) return;
    this.show([d, ...this.shown]);
    this.rows.get(d.deviceName)?.tr.classList.add("flash");
  }

  // A status event from the stream: {status, deviceName, utcTime, clientIp}.
  applyStatus(data: Record<string, unknown>): void {
    const row = this.rows.get(String(data.deviceName));
    if (!row) return;
    const status = String(data.status);
    // Disabling a device disconnects it; its "offline" must not hide "disabled".
    if (status === "offline" && row.status.querySelector('[data-status="disabled"]')) return;
    row.status.replaceChildren(statusBadge(status));
    if (status === "online") {
      row.lastOnline.textContent = formatTime(timeOf(data.utcTime));
      if (typeof data.clientIp === "string") row.ip.textContent = data.clientIp || "—";
    }
    flash(row.status);
  }

  private show(devices: Device[]): void {
    this.shown = devices;
    this.rows.clear();
    if (devices.length === 0) {
      replace(this.body, emptyRow("No devices match."));
      return;
    }
    const cells = devices.map((d) => [
      link(d.deviceName, href(`/devices/${seg(d.productKey)}/${seg(d.deviceName)}`)),
      statusBadge(d.status),
      formatTime(d.lastOnlineTime),
      d.ipAddress || "—",
      d.firmwareVersion || "—",
      tagsText(d.tags),
    ]);
    const t = table(["Device name", "Status", "Last online", "IP address", "Firmware", "Tags"], cells, {
      class: "devices-table",
    });
    const trs = t.querySelectorAll("tbody tr");
    devices.forEach((d, i) => {
      const tr = trs[i] as HTMLTableRowElement;
      tr.dataset.device = d.deviceName;
      this.rows.set(d.deviceName, { tr, status: tr.cells[1], lastOnline: tr.cells[2], ip: tr.cells[3] });
    });
    replace(this.body, t);
  }
}

function tagsText(tags: Record<string, string>): string {
  const pairs = Object.entries(tags ?? {});
  return pairs.length ? pairs.map(([k, v]) => (v ? `${k}=${v}` : k)).join(", ") : "—";
}
