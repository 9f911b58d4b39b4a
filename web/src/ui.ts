// Building blocks shared by the pages: headers, cards, tables, form fields,
// buttons, status badges and a token pager. Pages compose these so the
// console looks and behaves the same everywhere.
import { Child, h } from "./dom";

export function pageHeader(title: string, ...actions: Child[]): HTMLElement {
  return h("div", { class: "page-header" }, h("h1", {}, title), h("div", { class: "actions" }, ...actions));
}

export function card(title: string | null, ...children: Child[]): HTMLElement {
  return h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...children);
}

// A table whose rows are already-built cells. On a phone the table scrolls
// sideways inside its box instead of widening the page.
export function table(headers: string[], rows: Child[][], attrs: Record<string, string> = {}): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      attrs,
      h("thead", {}, h("tr", {}, ...headers.map((t) => h("th", {}, t)))),
      h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((c) => h("td", {}, c))))),
    ),
  );
}

export function emptyRow(text: string): HTMLElement {
  return h("p", { class: "empty" }, text);
}

export function button(
  text: string,
  onClick: (ev: Event) => void,
  kind: "primary" | "secondary" | "danger" = "secondary",
  attrs: Record<string, string> = {},
): HTMLButtonElement {
  return h("button", { type: "button", class: `btn ${kind}`, onclick: onClick as EventListener, ...attrs }, text);
}

// A labelled field; `input` is any control. The label's `for` ties them so
// tests and screen readers find the control by its label.
let fieldIds = 0;
export function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  if (!input.id) input.id = `f${++fieldIds}`;
  return h(
    "div",
    { class: "field" },
    h("label", { for: input.id }, label),
    input,
    hint ? h("small", { class: "hint" }, hint) : null,
  );
}

export function input(attrs: Record<string, string | number | boolean> = {}): HTMLInputElement {
  return h("input", { type: "text", ...attrs });
}

export function select(options: [string, string][], value?: string, attrs: Record<string, string> = {}): HTMLSelectElement {
  const s = h("select", attrs, ...options.map(([v, label]) => h("option", { value: v }, label)));
  if (value !== undefined) s.value = value;
  return s;
}

export function textarea(attrs: Record<string, string | number> = {}, value = ""): HTMLTextAreaElement {
  const t = h("textarea", { spellcheck: "false", ...attrs });
  t.value = value;
  return t;
}

export function statusBadge(status: string): HTMLElement {
  return h("span", { class: `badge status-${status}`, "data-status": status }, status);
}

export function link(text: string, href: string): HTMLAnchorElement {
  return h("a", { href }, text);
}

export function keyValues(pairs: [string, Child][]): HTMLElement {
  return h("dl", { class: "kv" }, ...pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

// Token paging (the API's pageToken/nextPageToken): "Previous" walks back a
// stack of the tokens that led here.
export class Pager {
  private stack: string[] = [];
  current = "";
  readonly el = h("div", { class: "pager" });

  constructor(private load: () => void) {}

  reset(): void {
    this.stack = [];
    this.current = "";
  }

  render(next: string | undefined, shown: number): void {
    const page = this.stack.length + 1;
    this.el.replaceChildren(
      button("Previous", () => {
        this.current = this.stack.pop() ?? "";
        this.load();
      }, "secondary", this.stack.length ? {} : { disabled: "" }),
      h("span", { class: "page-no" }, `page ${page} · ${shown} shown`),
      button("Next", () => {
        this.stack.push(this.current);
        this.current = next ?? "";
        this.load();
      }, "secondary", next ? {} : { disabled: "" }),
    );
  }
}

export function loading(): HTMLElement {
  return h("p", { class: "loading" }, "Loading…");
}

// Copies text, with a visible confirmation on the button.
export function copyButton(text: () => string, label = "Copy"): HTMLButtonElement {
  const b = button(label, async () => {
    try {
      await navigator.clipboard.writeText(text());
      b.textContent = "Copied";
    } catch {
      b.textContent = "Copy failed";
    }
    setTimeout(() => (b.textContent = label), 1500);
  });
  return b;
}

// Saves `content` as a file the browser downloads.
export function download(filename: string, content: string, type = "text/plain"): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = h("a", { href: url, download: filename });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
