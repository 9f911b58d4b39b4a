// The "Create product" form of the products list. The API checks the name
// (empty, too long, taken) and its message lands under the field; a new
// product opens on its own page, where its thing model is written next.
import { api } from "../api";
import { h } from "../dom";
import { clearFields, ErrorSlot } from "../errors";
import { navigate } from "../router";
import { card, field, input, select } from "../ui";
import type { Product } from "./product-api";
import { showFieldError } from "./product-field-errors";

export function createProductForm(): HTMLElement {
  const name = input({ autocomplete: "off", maxlength: 64 });
  const nodeType = select([["device", "device"], ["gateway", "gateway"]], "device");
  const dataFormat = select([["alink", "alink (JSON)"], ["raw", "raw (binary)"]], "alink");
  // The platform authenticates devices by their secret only.
  const authType = select([["secret", "secret (device secret)"]], "secret");
  const error = new ErrorSlot();
  const submit = h("button", { type: "submit", class: "btn primary" }, "Create product");

  const form = h(
    "form",
    { class: "product-create", novalidate: true },
    h(
      "div",
      { class: "row" },
      field("Name", name),
      field("Node type", nodeType),
      field("Data format", dataFormat),
      field("Auth type", authType),
      h("div", { class: "submit" }, submit),
    ),
    error.el,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearFields(form);
    error.clear();
    submit.disabled = true;
    try {
      const product = await api<Product>("POST", "/products", {
        name: name.value,
        nodeType: nodeType.value,
        dataFormat: dataFormat.value,
        authType: authType.value,
      });
      navigate(`/products/${encodeURIComponent(product.productKey)}`);
    } catch (e) {
      showFieldError(e, error, { name, nodeType, dataFormat, authType });
    } finally {
      submit.disabled = false;
    }
  });
  return card("Create product", form);
}
