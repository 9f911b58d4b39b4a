// #/products: every product, a page at a time, and the form that creates one.
import "./products.css";
import { api, Page, query } from "../api";
import { Child, formatTime, h } from "../dom";
import { ErrorSlot } from "../errors";
import { href, Params } from "../router";
import { card, emptyRow, link, loading, Pager, pageHeader, table } from "../ui";
import type { Product } from "./product-api";
import { createProductForm } from "./product-create-form";

const pageSize = 20;

export function renderProducts(root: HTMLElement, _params: Params, signal: AbortSignal): void {
  const list = h("div", {}, loading());
  const error = new ErrorSlot();
  const pager = new Pager(() => void load());

  async function load(): Promise<void> {
    error.clear();
    try {
      const page = await api<Page<Product>>(
        "GET",
        "/products" + query({ pageSize, pageToken: pager.current }),
        undefined,
        signal,
      );
      list.replaceChildren(page.items.length ? productTable(page.items) : emptyRow("No products yet."));
      pager.render(page.nextPageToken || undefined, page.items.length);
    } catch (e) {
      if (signal.aborted) return;
      list.replaceChildren();
      error.show(e);
    }
  }

  root.replaceChildren(
    pageHeader("Products"),
    createProductForm(),
    card("All products", error.el, list, pager.el),
  );
  void load();
}

function productTable(products: Product[]): HTMLElement {
  // Device counts only when the platform reports them.
  const counted = products.some((p) => typeof p.deviceCount === "number");
  const headers = ["Name", "Product key", "Node type", "Data format", "Validation", "Created"];
  if (counted) headers.push("Devices");
  const rows = products.map((p): Child[] => {
    const pk = encodeURIComponent(p.productKey);
    const cells: Child[] = [
      link(p.name, href(`/products/${pk}`)),
      h("a", { href: href(`/products/${pk}`) }, h("code", {}, p.productKey)),
      p.nodeType,
      p.dataFormat,
      p.validationMode,
      formatTime(p.createdTime),
    ];
    if (counted) cells.push(link(String(p.deviceCount ?? "—"), href("/devices", { product: p.productKey })));
    return cells;
  });
  return table(headers, rows, { class: "products-table" });
}
