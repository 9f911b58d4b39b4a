// The product's settings card: keys (the secret only on request), what it
// was created as, the validation mode (changed in place), and deletion.
import { api, seg } from "../api";
import { formatTime, h } from "../dom";
import { clearFields, ErrorSlot } from "../errors";
import { navigate } from "../router";
import { button, card, copyButton, keyValues, select } from "../ui";
import { Product, validationModes } from "./product-api";
import { showFieldError } from "./product-field-errors";

export function productDetails(product: Product, signal: AbortSignal): HTMLElement {
  const pk = product.productKey;
  return card(
    "Details",
    keyValues([
      ["Product key", h("span", { class: "key" }, h("code", {}, pk), copyButton(() => pk))],
      ["Product secret", secretReveal(product.productSecret ?? "")],
      ["Node type", product.nodeType],
      ["Data format", product.dataFormat],
      ["Auth type", product.authType],
      ["Description", product.description || "—"],
      ["Created", formatTime(product.createdTime)],
    ]),
    validationModeControl(product, signal),
    deleteControl(pk, signal),
  );
}

function secretReveal(secret: string): HTMLElement {
  const value = h("code", {}, "••••••••••••••••");
  const box = h("span", { class: "key" }, value);
  const reveal = button("Reveal secret", () => {
    value.textContent = secret;
    reveal.replaceWith(copyButton(() => secret));
  });
  box.append(reveal);
  return box;
}

function validationModeControl(product: Product, signal: AbortSignal): HTMLElement {
  const mode = select(validationModes, product.validationMode, { id: "validation-mode" });
  const error = new ErrorSlot();
  const notice = h("span", { class: "notice inline", role: "status", hidden: true });
  let current = product.validationMode;
  const box = h(
    "div",
    { class: "field validation-mode" },
    h("label", { for: mode.id }, "Validation mode"),
    h("div", { class: "key" }, mode, notice),
    h("small", { class: "hint" }, "For device posts with values that do not fit the thing model."),
    error.el,
  );
  mode.addEventListener("change", async () => {
    clearFields(box);
    error.clear();
    notice.hidden = true;
    mode.disabled = true;
    try {
      const saved = await api<Product>("PATCH", `/products/${seg(product.productKey)}`, { validationMode: mode.value }, signal);
      current = saved.validationMode;
      notice.textContent = `Saved: ${current}`;
      notice.hidden = false;
    } catch (e) {
      if (signal.aborted) return;
      mode.value = current;
      showFieldError(e, error, { validationMode: mode });
    } finally {
      mode.disabled = false;
    }
  });
  return box;
}

function deleteControl(pk: string, signal: AbortSignal): HTMLElement {
  const error = new ErrorSlot();
  const remove = button("Delete product", async () => {
    if (!confirm(`Delete the product ${pk}? Its thing model and topic classes go with it.`)) return;
    error.clear();
    remove.disabled = true;
    try {
      await api("DELETE", `/products/${seg(pk)}`, undefined, signal);
      navigate("/products");
    } catch (e) {
      if (!signal.aborted) error.show(e);
    } finally {
      remove.disabled = false;
    }
  }, "danger");
  return h("div", { class: "product-delete" }, remove, error.el);
}
