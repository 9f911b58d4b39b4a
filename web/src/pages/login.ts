// Log in with the admin token (printed by `thingstead serve` on first start
// and kept in <data>/admin.token). The token is checked against the API
// before it is kept.
import { api } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { setToken, clearToken } from "../session";
import { field } from "../ui";

export function renderLogin(root: HTMLElement, onDone: () => void): void {
  const tokenInput = h("input", { type: "password", autocomplete: "current-password", required: true });
  const error = new ErrorSlot();
  const submit = h("button", { type: "submit", class: "btn primary" }, "Log in");
  const form = h(
    "form",
    { class: "login card" },
    h("h1", {}, "Thingstead"),
    h("p", { class: "hint" }, "Log in with the admin token (kept in thingstead-data/admin.token)."),
    field("Admin token", tokenInput),
    error.el,
    submit,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.clear();
    submit.disabled = true;
    setToken(tokenInput.value.trim());
    try {
      await api("GET", "/products?pageSize=1");
      onDone();
    } catch (e) {
      clearToken();
      error.show(e);
    } finally {
      submit.disabled = false;
    }
  });
  root.replaceChildren(h("main", { class: "login-page" }, form));
  tokenInput.focus();
}
