// #/products/{pk}: a product's details, its devices, and the tabs for its
// thing model and custom topic classes.
import "./products.css";
import { api, ApiError, seg } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { href, Params } from "../router";
import { card, link, loading, pageHeader } from "../ui";
import type { Product } from "./product-api";
import { productDetails } from "./product-details";
import { thingModelTab } from "./product-thing-model";
import { topicClassesTab } from "./product-topic-classes";

export async function renderProduct(root: HTMLElement, params: Params, signal: AbortSignal): Promise<void> {
  const pk = params.pk;
  root.replaceChildren(pageHeader(pk), loading());
  let product: Product;
  try {
    product = await api<Product>("GET", `/products/${seg(pk)}`, undefined, signal);
  } catch (e) {
    if (signal.aborted) return;
    const error = new ErrorSlot();
    error.show(e);
    const gone = e instanceof ApiError && e.status === 404;
    root.replaceChildren(
      pageHeader(gone ? "Product not found" : pk),
      error.el,
      h("p", {}, link("Back to the products", href("/products"))),
    );
    return;
  }

  root.replaceChildren(
    pageHeader(
      product.name,
      h("a", { class: "btn secondary", href: href("/devices", { product: pk }) }, "Devices of this product"),
    ),
    h("p", { class: "sub crumbs" }, link("Products", href("/products")), " / ", h("code", {}, pk)),
    productDetails(product, signal),
    card(null, tabs([
      ["Thing model", () => thingModelTab(pk, signal)],
      ["Topic classes", () => topicClassesTab(pk, signal)],
    ])),
  );
}

// Tabs whose panels are built on first view and then kept (hidden), so
// unsaved edits in one survive a look at the other.
function tabs(panels: [string, () => HTMLElement][]): HTMLElement {
  const bar = h("div", { class: "tabs", role: "tablist" });
  const body = h("div", {});
  const built = new Map<number, HTMLElement>();
  const select = (index: number) => {
    bar.querySelectorAll("button").forEach((b, i) => b.setAttribute("aria-selected", String(i === index)));
    for (const panel of built.values()) panel.hidden = true;
    let panel = built.get(index);
    if (!panel) {
      panel = h("div", { role: "tabpanel" }, panels[index][1]());
      built.set(index, panel);
      body.append(panel);
    }
    panel.hidden = false;
  };
  panels.forEach(([title], i) =>
    bar.append(h("button", { type: "button", role: "tab", onclick: () => select(i) }, title)),
  );
  select(0);
  return h("div", {}, bar, body);
}
