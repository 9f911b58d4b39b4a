// #/devices/{pk}/{dn}: one device. Its cards (credentials, facts, latest
// properties, history chart, set properties, invoke service, events,
// shadow) each load their own data; this page lays them out and feeds them
// the live stream. On every (re)connect of the stream, and after an
// overflow, everything is refetched so nothing missed stays stale.
import { ApiError, api, seg } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { openStream, type LiveEvent } from "../live";
import { href, type Params } from "../router";
import { button, loading, statusBadge } from "../ui";
import { fetchDevice, fetchThingModel, timeOf, type Device, type Product, type ThingModel } from "./device-data";
import { CredentialsCard } from "./device-credentials";
import { EventsCard } from "./device-events";
import { FactsCard } from "./device-facts";
import { flash } from "./device-flash";
import { HistoryCard } from "./device-history";
import { PropertiesCard } from "./device-properties";
import { Replies } from "./device-replies";
import { invokeServiceCard } from "./device-service";
import { setPropertiesCard } from "./device-set";
import { ShadowCard } from "./device-shadow";
import "./devices.css";

export async function renderDevice(root: HTMLElement, params: Params, signal: AbortSignal): Promise<void> {
  const { pk, dn } = params;
  root.replaceChildren(loading());
  let device: Device;
  let model: ThingModel;
  let product: Product | null;
  try {
    [device, model, product] = await Promise.all([
      fetchDevice(pk, dn, signal),
      fetchThingModel(pk, signal),
      api<Product>("GET", `/products/${seg(pk)}`, undefined, signal).catch(() => null),
    ]);
  } catch (e) {
    if (signal.aborted) return;
    const err = new ErrorSlot();
    err.show(e);
    const notFound = e instanceof ApiError && e.status === 404;
    root.replaceChildren(
      h("div", { class: "page-header" }, h("h1", {}, notFound ? "Device not found" : dn)),
      err.el,
      h("p", {}, h("a", { href: href("/devices", { product: pk }) }, "← Back to the devices")),
    );
    return;
  }

  const status = h("span", { id: "device-status" }, statusBadge(device.status));
  const showDevice = (d: Device) => {
    device = d;
    status.replaceChildren(statusBadge(d.status));
    facts.update(d);
    credentials.update(d);
  };
  const reloadDevice = async () => {
    try {
      showDevice(await fetchDevice(pk, dn, signal));
    } catch {
      // the cards keep what they show; the next reconnect tries again
    }
  };

  const replies = new Replies(pk, dn, signal);
  const credentials = new CredentialsCard(device, showDevice);
  const facts = new FactsCard(device, showDevice);
  const history = new HistoryCard(pk, dn, model, signal);
  const properties = new PropertiesCard(pk, dn, model, (id) => history.show(id), signal);
  const events = new EventsCard(pk, dn, model, signal);
  const shadow = new ShadowCard(pk, dn, signal);
  const refreshAll = () => {
    void reloadDevice();
    void properties.load();
    void history.load();
    void events.load();
    void shadow.load();
  };

  const productName = product?.name ?? pk;
  root.replaceChildren(
    h("div", { class: "page-header" },
      h("div", {},
        h("div", { class: "device-title" }, h("h1", {}, dn), status),
        h("p", { class: "sub" },
          h("a", { href: href("/devices", { product: pk }) }, "Devices"), " · product ",
          h("a", { href: href(`/products/${seg(pk)}`) }, productName === pk ? pk : `${productName} (${pk})`))),
      h("div", { class: "actions" }, button("Refresh", refreshAll))),
    h("div", { class: "device-grid" },
      credentials.el,
      facts.el,
      properties.el,
      history.el,
      setPropertiesCard(pk, dn, model, replies),
      invokeServiceCard(pk, dn, model, replies),
      events.el,
      shadow.el),
  );
  void properties.load();
  void history.load();
  void events.load();
  void shadow.load();

  const onLive = (e: LiveEvent) => {
    const d = e.data;
    if (d.deviceName !== undefined && (d.deviceName !== dn || d.productKey !== pk)) return;
    switch (e.type) {
      case "status":
        // The badge at once; times and address from the registry.
        if (device.status !== "disabled" || d.status === "online") {
          status.replaceChildren(statusBadge(String(d.status)));
          flash(status);
        }
        void reloadDevice();
        break;
      case "properties": {
        const items = (d.items ?? {}) as Record<string, { value?: unknown; time?: unknown }>;
        for (const [id, v] of Object.entries(items)) {
          const t = timeOf(v?.time);
          properties.set(id, v?.value, t);
          history.push(id, v?.value, t);
        }
        break;
      }
      case "event":
        events.prepend(d);
        break;
      case "reply":
        replies.fromStream(d);
        break;
      case "overflow":
        refreshAll();
        break;
    }
  };
  openStream({ productKey: pk, deviceName: dn }, onLive, signal, refreshAll);
}
