// Controls of the thing model form bound to the document: an edit writes
// straight into the object it came from, and each control is registered
// under its document path so the platform's errors can be shown at it.
import { h } from "../dom";
import { button, input } from "../ui";
import type { FieldIndex } from "./product-tsl-errors";

export interface EditorContext {
  index: FieldIndex;
  // Client-side checks run before a save: the problem's control and message.
  checks: (() => [HTMLElement, string] | null)[];
  changed: () => void;
}

function text(v: unknown): string {
  return v === undefined || v === null ? "" : String(v);
}

// A text input for obj[key]. `dropEmpty` removes the key when cleared
// (optional specs such as min and max are left out, not sent as "").
export function boundInput(
  ctx: EditorContext,
  path: string,
  obj: Record<string, unknown>,
  key: string,
  attrs: Record<string, string | number | boolean> = {},
  dropEmpty = false,
): HTMLInputElement {
  const el = input({ value: text(obj[key]), autocomplete: "off", spellcheck: "false", ...attrs });
  el.addEventListener("input", () => {
    if (dropEmpty && el.value.trim() === "") delete obj[key];
    else obj[key] = dropEmpty ? el.value.trim() : el.value;
    ctx.changed();
  });
  ctx.index.set(path, el);
  return el;
}

export function boundSelect(
  ctx: EditorContext,
  path: string,
  obj: Record<string, unknown>,
  key: string,
  options: [string, string][],
  fallback: string,
): HTMLSelectElement {
  const current = text(obj[key]) || fallback;
  // A value the form does not offer (from an imported file) stays visible,
  // so the platform's error about it can be shown on it.
  if (!options.some(([v]) => v === current)) options = [...options, [current, current]];
  const el = h("select", {}, ...options.map(([v, label]) => h("option", { value: v }, label)));
  el.value = current;
  el.addEventListener("change", () => {
    obj[key] = el.value;
    ctx.changed();
  });
  ctx.index.set(path, el);
  return el;
}

export const numeric = { inputmode: "decimal" };

// A list of entries with Add and Remove: `row` builds one entry's controls
// for its path; the whole list is built again when an entry comes or goes,
// because the paths of the entries after it change.
export function entryList<T>(
  ctx: EditorContext,
  path: string,
  items: T[],
  opts: {
    row: (item: T, path: string, remove: HTMLButtonElement) => HTMLElement;
    create: () => T;
    addLabel: string;
    empty: string;
    removeLabel: string;
  },
): HTMLElement {
  const rows = h("div", { class: "tsl-entries" });
  const render = (focusLast = false) => {
    rows.replaceChildren(
      ...items.map((item, i) => {
        const remove = button(opts.removeLabel, () => {
          items.splice(i, 1);
          ctx.changed();
          render();
        }, "danger", { class: "btn danger remove" });
        return opts.row(item, `${path}[${i}]`, remove);
      }),
    );
    if (items.length === 0) rows.append(h("p", { class: "empty" }, opts.empty));
    if (focusLast) rows.lastElementChild?.querySelector<HTMLElement>("input, select")?.focus();
  };
  const add = button(opts.addLabel, () => {
    items.push(opts.create());
    ctx.changed();
    render(true);
  });
  const list = h("div", { class: "tsl-list" }, rows, h("div", { class: "tsl-add" }, add));
  ctx.index.set(path, rows);
  render();
  return list;
}
