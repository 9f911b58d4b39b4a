// "Set properties": an input per writable property of the thing model that
// writes into a JSON box, and the JSON box is what is sent (POST
// …/properties {"params"}), so what goes to the device is always in view and
// properties the inputs do not cover can be typed in. The outcome (sent, then
// the device's reply) or the error appears under the button.
import { api, devicePath } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { card, field, input, select, textarea } from "../ui";
import { label, specsObject, unitOf, type CallResult, type ThingModel, type TslProperty } from "./device-data";
import { clearFormError, parseJsonField, showFormError } from "./device-errors";
import { Replies, replyView } from "./device-replies";

export function setPropertiesCard(pk: string, dn: string, model: ThingModel, replies: Replies): HTMLElement {
  const writable = model.properties.filter((p) => p.accessMode === "rw");
  const box = textarea({ class: "code", rows: 4, name: "params" }, "{}");
  const inputs: Record<string, HTMLElement> = { params: box };
  const controls = writable.flatMap((p) => {
    const control = controlFor(p);
    if (!control) return [];
    inputs[p.identifier] = control;
    control.addEventListener("change", () => writeInto(box, p, control));
    return [field(label(p), control, hintFor(p))];
  });
  const submit = h("button", { type: "submit", class: "btn primary" }, "Set properties");
  const error = new ErrorSlot();
  const result = h("div", { class: "result" });
  const form = h(
    "form",
    { class: "set-properties" },
    controls.length ? h("div", { class: "row" }, ...controls) : h("p", { class: "hint" }, "The thing model has no writable properties; write them as JSON."),
    field("Properties to set (JSON)", box, 'e.g. {"temperature": 21.5}'),
    h("div", {}, submit),
    error.el,
    result,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearFormError(form, error);
    result.replaceChildren();
    const params = parseJsonField(box, "Properties to set");
    if (!params.ok) {
      error.show(params.message);
      return;
    }
    submit.disabled = true;
    try {
      const r = await api<CallResult>("POST", `${devicePath(pk, dn)}/properties`, { params: params.value });
      result.replaceChildren(h("p", { class: "hint" }, `Sent to the device (message ${r.messageId}); waiting for its reply…`));
      replies.wait(r.messageId, (reply) => result.replaceChildren(replyView(reply)));
    } catch (e) {
      showFormError(e, error, inputs);
    } finally {
      submit.disabled = false;
    }
  });
  return card("Set properties", form);
}

function controlFor(p: TslProperty): HTMLInputElement | HTMLSelectElement | null {
  const t = p.dataType;
  switch (t.type) {
    case "int":
    case "float":
    case "double":
      return input({ type: "number", step: t.type === "int" ? "1" : "any", name: p.identifier });
    case "enum":
    case "bool":
      return select([["", "(unchanged)"], ...Object.entries(specsObject(t)).map(([k, v]): [string, string] => [k, `${k} · ${String(v)}`])], "", { name: p.identifier });
    case "text":
    case "date":
      return input({ name: p.identifier, autocomplete: "off" });
    default:
      return null; // struct and array values are written in the JSON box
  }
}

function hintFor(p: TslProperty): string | undefined {
  const s = specsObject(p.dataType);
  const unit = unitOf(p.dataType);
  if (s.min !== undefined && s.max !== undefined) return `${s.min} to ${s.max}${unit ? " " + unit : ""}`;
  if (p.dataType.type === "text" && s.length) return `at most ${s.length} bytes`;
  if (p.dataType.type === "date") return "ms since 1970 (UTC)";
  return unit || undefined;
}

// One input changed: its value goes into the JSON box (or leaves it when
// emptied), keeping whatever else the box holds.
function writeInto(box: HTMLTextAreaElement, p: TslProperty, control: HTMLInputElement | HTMLSelectElement): void {
  let params: Record<string, unknown> = {};
  try {
    const v = JSON.parse(box.value || "{}");
    if (v && typeof v === "object" && !Array.isArray(v)) params = v;
  } catch {
    // the box holds broken JSON; the input's value starts it afresh
  }
  const raw = control.value.trim();
  if (raw === "") delete params[p.identifier];
  else params[p.identifier] = ["int", "float", "double", "enum", "bool"].includes(p.dataType.type) ? Number(raw) : raw;
  box.value = JSON.stringify(params, null, 2);
}
