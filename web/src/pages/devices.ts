// #/devices?product=pk&status=&name=&tag=: one product's devices, filtered
// and paged, with live status badges and the "Register device" panel. The
// filters live in the URL (replaced, not pushed) so a reload keeps them.
import { api, type Page } from "../api";
import { h, replace } from "../dom";
import { ErrorSlot, clearFields } from "../errors";
import { openStream } from "../live";
import { currentLocation, href } from "../router";
import { button, card, field, input, loading, pageHeader, select } from "../ui";
import type { Device, Product } from "./device-data";
import { showFormError } from "./device-errors";
import { DeviceList, type DeviceFilter } from "./devices-list";
import { registerPanel } from "./devices-register";
import "./devices.css";

const statuses: [string, string][] = [
  ["", "All"],
  ["online", "Online"],
  ["offline", "Offline"],
  ["inactive", "Inactive (never connected)"],
  ["disabled", "Disabled"],
];

export async function renderDevices(root: HTMLElement, _params: unknown, signal: AbortSignal): Promise<void> {
  root.replaceChildren(pageHeader("Devices"), loading());
  let products: Product[];
  try {
    products = (await api<Page<Product>>("GET", "/products?pageSize=500", undefined, signal)).items;
  } catch (e) {
    if (signal.aborted) return;
    const err = new ErrorSlot();
    err.show(e);
    root.replaceChildren(pageHeader("Devices"), err.el);
    return;
  }
  if (products.length === 0) {
    root.replaceChildren(
      pageHeader("Devices"),
      card(null, h("p", { class: "empty" }, "No products yet. Devices belong to a product: ", h("a", { href: href("/products") }, "create one first"), ".")),
    );
    return;
  }

  const q = currentLocation().query;
  let pk = q.get("product") || products[0].productKey;
  if (!products.some((p) => p.productKey === pk)) products = [{ productKey: pk, name: pk }, ...products];

  const product = select(products.map((p) => [p.productKey, p.name === p.productKey ? p.name : `${p.name} (${p.productKey})`]), pk);
  const status = select(statuses, q.get("status") ?? "");
  const name = input({ type: "search", placeholder: "prefix", autocomplete: "off", value: q.get("name") ?? "" });
  const tag = input({ placeholder: "key or key:value", autocomplete: "off", value: q.get("tag") ?? "" });
  const filterError = new ErrorSlot();
  const productField = field("Product", product);
  productField.classList.add("product-field");
  const filters = h(
    "div",
    { class: "card devices-filters" },
    h("div", { class: "row" }, productField, field("Status", status), field("Name starts with", name), field("Tag", tag)),
    filterError.el,
  );
  const filter = (): DeviceFilter => ({ status: status.value, name: name.value.trim(), tag: tag.value.trim() });

  const panelSlot = h("div");
  const listSlot = h("section", { class: "card" });
  let list: DeviceList;
  let stream: AbortController | null = null;

  // A new list (and stream) per product; the filters only restart the list.
  const showProduct = () => {
    stream?.abort();
    stream = new AbortController();
    const stop = stream;
    // Ends with the page, and is forgotten when the next product replaces it.
    signal.addEventListener("abort", () => stop.abort(), { once: true, signal: stop.signal });
    list = new DeviceList(pk, filter, onListError, stop.signal);
    replace(listSlot, list.el);
    const shown = list;
    // Status changes of this product's devices; after a (re)connect or an
    // overflow the page is refetched, so nothing missed stays stale.
    openStream(
      { productKey: pk, types: "status" },
      (e) => {
        if (e.type === "status") shown.applyStatus(e.data);
        else if (e.type === "overflow") void shown.load(true);
      },
      stop.signal,
      () => void shown.load(true),
    );
    void list.load();
  };
  const onListError = (e: unknown) => {
    clearFields(filters);
    if (e === null) filterError.clear();
    else showFormError(e, filterError, { tag, name, status });
  };
  const keepInUrl = () => {
    const f = filter();
    history.replaceState(null, "", href("/devices", { product: pk, status: f.status, name: f.name, tag: f.tag }));
  };
  const refilter = () => {
    keepInUrl();
    list.restart();
  };

  product.addEventListener("change", () => {
    pk = product.value;
    keepInUrl();
    if (panelOpen) openPanel(); // the panel registers into the chosen product
    showProduct();
  });
  status.addEventListener("change", refilter);
  tag.addEventListener("change", refilter);
  let typing = 0;
  name.addEventListener("input", () => {
    clearTimeout(typing);
    typing = window.setTimeout(refilter, 300);
  });

  let panelOpen = false;
  const onRegistered = (devices: Device[]) => {
    void list.load(true).then(() => {
      if (devices.length === 1) list.ensureShown(devices[0]);
    });
  };
  const openPanel = () => replace(panelSlot, registerPanel(pk, onRegistered));
  const toggle = button("Register device", () => {
    panelOpen = !panelOpen;
    toggle.textContent = panelOpen ? "Close" : "Register device";
    if (panelOpen) openPanel();
    else replace(panelSlot);
  }, "primary");

  root.replaceChildren(pageHeader("Devices", toggle), filters, panelSlot, listSlot);
  showProduct();
}
