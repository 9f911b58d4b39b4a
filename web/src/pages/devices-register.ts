// "Register device": one device (a name, or none to have one generated) or
// a batch (names one per line, or a count). The secrets are shown (one) or
// offered as a CSV download (batch) right after; errors appear at the form.
import { api, seg } from "../api";
import { h, replace } from "../dom";
import { ErrorSlot, markField } from "../errors";
import { button, copyButton, download, field, input, textarea } from "../ui";
import type { Device } from "./device-data";
import { clearFormError, showFormError } from "./device-errors";

export function registerPanel(pk: string, onRegistered: (devices: Device[]) => void): HTMLElement {
  const body = h("div");
  const tabs = h("div", { class: "tabs", role: "tablist" });
  const choose = (which: "one" | "batch") => {
    tabs.replaceChildren(tab("One device", which === "one", () => choose("one")), tab("A batch", which === "batch", () => choose("batch")));
    // Only one form is in the page at a time, so "Device name" and the
    // submit buttons are unambiguous.
    replace(body, which === "one" ? oneForm(pk, onRegistered) : batchForm(pk, onRegistered));
  };
  choose("one");
  return h("section", { class: "card register-panel" }, h("h2", {}, "Register devices"), tabs, body);
}

function tab(text: string, selected: boolean, onClick: () => void): HTMLButtonElement {
  return h("button", { type: "button", role: "tab", "aria-selected": String(selected), onclick: onClick }, text);
}

function oneForm(pk: string, onRegistered: (devices: Device[]) => void): HTMLElement {
  const name = input({ name: "deviceName", autocomplete: "off", placeholder: "generated when empty" });
  const submit = h("button", { type: "submit", class: "btn primary" }, "Register");
  const error = new ErrorSlot();
  const result = h("div");
  const form = h(
    "form",
    {},
    h("div", { class: "row" }, field("Device name", name, "4–32 letters, digits or _ - . @ :"), h("div", {}, submit)),
    error.el,
    result,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearFormError(form, error);
    result.replaceChildren();
    submit.disabled = true;
    try {
      const body = name.value.trim() ? { deviceName: name.value.trim() } : {};
      const d = await api<Device>("POST", `/products/${seg(pk)}/devices`, body);
      name.value = "";
      result.replaceChildren(newSecret(d));
      onRegistered([d]);
    } catch (e) {
      showFormError(e, error, { deviceName: name });
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// The secret of a device just made, with a copy button. The device page also
// shows it on request, but this is where people expect it.
function newSecret(d: Device): HTMLElement {
  const secret = d.deviceSecret ?? "";
  return h(
    "div",
    { class: "notice new-device" },
    h("p", {}, "Registered ", h("strong", {}, d.deviceName), "."),
    h("p", {}, "Device secret: ", h("code", { class: "secret" }, secret), " ", copyButton(() => secret, "Copy secret")),
  );
}

function batchForm(pk: string, onRegistered: (devices: Device[]) => void): HTMLElement {
  const names = textarea({ name: "deviceNames", rows: 5, placeholder: "sensor_0001\nsensor_0002" });
  const count = input({ type: "number", name: "count", min: 1, max: 10000, placeholder: "e.g. 100" });
  const submit = h("button", { type: "submit", class: "btn primary" }, "Register batch");
  const error = new ErrorSlot();
  const result = h("div");
  const form = h(
    "form",
    {},
    h(
      "div",
      { class: "row" },
      field("Names, one per line", names),
      field("Or a count", count, "names are generated; at most 10,000"),
    ),
    h("div", {}, submit),
    error.el,
    result,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearFormError(form, error);
    result.replaceChildren();
    const list = names.value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    const n = count.value.trim();
    if (list.length === 0 && !n) {
      markField(names, "Give names, one per line, or a count.");
      return;
    }
    if (list.length > 0 && n) {
      markField(count, "Give names or a count, not both.");
      return;
    }
    submit.disabled = true;
    try {
      const body = list.length ? { deviceNames: list } : { count: Number(n) };
      const { items } = await api<{ items: Device[] }>("POST", `/products/${seg(pk)}/devices:batch`, body);
      names.value = "";
      count.value = "";
      result.replaceChildren(batchDone(pk, items));
      onRegistered(items);
    } catch (e) {
      showFormError(e, error, { deviceNames: names, count });
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function batchDone(pk: string, items: Device[]): HTMLElement {
  const save = () => download(`devices-${pk}-${stamp()}.csv`, credentialsCsv(items), "text/csv");
  return h(
    "div",
    { class: "notice new-device" },
    h("p", {}, `Registered ${items.length} device${items.length === 1 ? "" : "s"}. `,
      "Their secrets are in the CSV file."),
    h("p", {}, button("Download CSV", save, "primary")),
  );
}

export function credentialsCsv(items: Device[]): string {
  const cell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ["productKey,deviceName,deviceSecret"];
  for (const d of items) lines.push([d.productKey, d.deviceName, d.deviceSecret ?? ""].map(cell).join(","));
  return lines.join("\r\n") + "\r\n";
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
}
