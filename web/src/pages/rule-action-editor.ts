// One action of a rule as a small form: a type select, the fields of that
// type people set most (topic, URL, subject, table, ...) as inputs, and
// every other setting (retry, queueLimit, overflow, headers, columns) as a
// JSON object in "More settings". The API names a bad field by its path
// (`actions[0].url: …`); markError puts the message under the input that
// holds it, or under "More settings" for the rest.
import { h } from "../dom";
import { markField } from "../errors";
import { button, field, input, select, textarea } from "../ui";
import type { ActionObject } from "./rule-types";

interface FieldSpec {
  key: string;
  label: string;
  kind: "text" | "integer" | "select" | "checkbox";
  options?: [string, string][];
  fallback?: string | boolean; // the API's default, left out of the body when unchanged
  placeholder?: string;
}

const typeFields: Record<string, FieldSpec[]> = {
  republish: [
    { key: "topic", label: "Topic", kind: "text", placeholder: "/${productKey}/${deviceName}/user/out" },
    { key: "qos", label: "QoS", kind: "select", options: [["0", "0"], ["1", "1"]], fallback: "0" },
  ],
  webhook: [
    { key: "url", label: "URL", kind: "text", placeholder: "https://example.com/hook/${deviceName}" },
    { key: "timeoutMs", label: "Timeout (ms)", kind: "integer", placeholder: "5000" },
    { key: "insecure", label: "Skip certificate checks (https)", kind: "checkbox", fallback: false },
  ],
  database: [
    { key: "table", label: "Table", kind: "text", placeholder: "readings" },
    { key: "connection", label: "Connection", kind: "text", placeholder: "empty: embedded SQLite; or postgresql://…" },
  ],
  nats: [
    { key: "url", label: "Server URL", kind: "text", placeholder: "nats://127.0.0.1:4222" },
    { key: "subject", label: "Subject", kind: "text", placeholder: "things.${deviceName}" },
    { key: "jetstream", label: "JetStream (wait for the stream's ack)", kind: "checkbox", fallback: true },
  ],
};

const extrasHint: Record<string, string> = {
  republish: '{"retry": {"maxAttempts": 3}, "queueLimit": 1000, "overflow": "dropOldest"}',
  webhook: '{"headers": {"Authorization": "Bearer …"}, "retry": {"maxAttempts": 3}}',
  database: '{"columns": {"temp": "t", "dev": "deviceName"}, "timeoutMs": 5000}',
  nats: '{"timeoutMs": 5000, "retry": {"maxAttempts": 3}}',
};

export const actionTypes = Object.keys(typeFields);

// Thrown by value() when "More settings" is not a JSON object; the message
// is already shown under it.
export class ActionInputError extends Error {}

export class ActionEditor {
  readonly el: HTMLElement;
  private readonly title = h("h3", { class: "rule-action-title" });
  private readonly typeSelect: HTMLSelectElement;
  private readonly fieldsBox = h("div", { class: "row" });
  private readonly extras: HTMLTextAreaElement;
  private readonly extrasField: HTMLElement;
  private readonly note = h("p", { class: "field-error", role: "alert", hidden: true });
  private inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  private given: ActionObject | null;

  // `optional`: the type select has "none" (the error action).
  constructor(initial: ActionObject | null, optional: boolean, onRemove?: () => void) {
    this.given = initial;
    const types: [string, string][] = actionTypes.map((t) => [t, t]);
    if (optional) types.unshift(["", "none"]);
    this.typeSelect = select(types, initial?.type ?? (optional ? "" : "republish"));
    this.typeSelect.addEventListener("change", () => this.showTypeFields());
    const extra = extrasOf(initial);
    this.extras = textarea({ class: "code", rows: Math.min(8, Math.max(2, extra.split("\n").length)) }, extra);
    this.extrasField = field("More settings (JSON)", this.extras);
    this.el = h(
      "div",
      { class: "rule-action" },
      h(
        "div",
        { class: "rule-action-head" },
        this.title,
        onRemove ? button("Remove", onRemove, "danger") : null,
      ),
      h("div", { class: "row" }, field("Type", this.typeSelect)),
      this.fieldsBox,
      this.extrasField,
      this.note,
    );
    this.showTypeFields();
  }

  setTitle(text: string): void {
    this.title.textContent = text;
  }

  // The action object, or null for "none".
  value(): ActionObject | null {
    const type = this.typeSelect.value;
    if (!type) return null;
    let extra: Record<string, unknown> = {};
    const text = this.extras.value.trim();
    if (text) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        markField(this.extras, `not valid JSON: ${(e as Error).message}`);
        throw new ActionInputError("not valid JSON");
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        markField(this.extras, 'must be a JSON object, e.g. {"queueLimit": 1000}');
        throw new ActionInputError("not an object");
      }
      extra = parsed as Record<string, unknown>;
    }
    const out: ActionObject = { type, ...extra };
    out.type = type;
    for (const spec of typeFields[type] ?? []) {
      const el = this.inputs.get(spec.key)!;
      const v = readInput(spec, el);
      const wasGiven = this.given?.type === type && spec.key in this.given;
      if (v === undefined) continue;
      if (spec.fallback !== undefined && String(v) === String(spec.fallback) && !wasGiven) continue;
      out[spec.key] = v;
    }
    return out;
  }

  // `path` is what follows `actions[i]` in the API's message: ".url",
  // ".retry.maxAttempts", "" (the action itself).
  markError(path: string, message: string): void {
    const key = path.replace(/^\./, "").split(/[.[]/)[0];
    const target = key === "type" ? this.typeSelect : this.inputs.get(key);
    if (target) markField(target, message);
    else if (key && key !== "action") markField(this.extras, message);
    else {
      this.note.textContent = message;
      this.note.hidden = false;
    }
  }

  clearNote(): void {
    this.note.hidden = true;
    this.note.textContent = "";
  }

  private showTypeFields(): void {
    const type = this.typeSelect.value;
    // Values typed so far survive a change of type where the key is shared
    // (webhook and NATS both have a URL).
    const typed = new Map<string, string | boolean>();
    for (const [k, el] of this.inputs) typed.set(k, el instanceof HTMLInputElement && el.type === "checkbox" ? el.checked : el.value);
    this.inputs = new Map();
    const source: Record<string, unknown> = this.given?.type === type ? this.given : {};
    const cells: HTMLElement[] = [];
    for (const spec of typeFields[type] ?? []) {
      const start = typed.has(spec.key) ? typed.get(spec.key) : source[spec.key] ?? spec.fallback;
      const [el, cell] = makeInput(spec, start);
      this.inputs.set(spec.key, el);
      cells.push(cell);
    }
    this.fieldsBox.replaceChildren(...cells);
    this.fieldsBox.hidden = cells.length === 0;
    this.extrasField.hidden = !type;
    this.extras.placeholder = extrasHint[type] ?? "";
  }
}

// The members of an action that have no input of their own.
function extrasOf(a: ActionObject | null): string {
  if (!a) return "";
  const shown = new Set(["type", ...(typeFields[a.type] ?? []).map((s) => s.key)]);
  const rest = Object.fromEntries(Object.entries(a).filter(([k]) => !shown.has(k)));
  return Object.keys(rest).length ? JSON.stringify(rest, null, 2) : "";
}

function makeInput(spec: FieldSpec, start: unknown): [HTMLInputElement | HTMLSelectElement, HTMLElement] {
  if (spec.kind === "checkbox") {
    const box = input({ type: "checkbox" });
    box.checked = start === true;
    return [box, h("div", { class: "rule-check-cell" }, h("label", { class: "rule-check" }, box, " ", spec.label))];
  }
  if (spec.kind === "select") {
    const s = select(spec.options ?? [], start === undefined ? undefined : String(start));
    return [s, field(spec.label, s)];
  }
  const attrs: Record<string, string> = { placeholder: spec.placeholder ?? "" };
  if (spec.kind === "integer") attrs.inputmode = "numeric";
  const i = input(attrs);
  i.value = start === undefined || start === null ? "" : String(start);
  return [i, field(spec.label, i)];
}

// undefined: leave the member out (an empty text field). A number field
// that is not an integer is sent as typed, so the API's message about it
// lands under it.
function readInput(spec: FieldSpec, el: HTMLInputElement | HTMLSelectElement): unknown {
  if (spec.kind === "checkbox") return (el as HTMLInputElement).checked;
  const v = el.value.trim();
  if (spec.kind === "select") return /^\d+$/.test(v) ? Number(v) : v;
  if (!v) return undefined;
  if (spec.kind === "integer") return /^-?\d+$/.test(v) ? Number(v) : v;
  return v;
}
