// The "Thing model" tab: the product's TSL document as a form or as raw
// JSON, saved whole with PUT /products/{pk}/thing-model. The platform
// reports a document's first problem with its path; the form shows it at
// the control for that path and in the slot at the top.
import { api, seg } from "../api";
import { h } from "../dom";
import { clearFields, ErrorSlot, markField } from "../errors";
import { button, loading } from "../ui";
import { EditorContext } from "./product-tsl-controls";
import { FieldIndex, markProblem, tslProblem } from "./product-tsl-errors";
import { thingModelForm } from "./product-tsl-form";
import { toDocument, toEditorState, TslDocument } from "./product-tsl-model";
import { RawView, rawView } from "./product-tsl-raw";

type Mode = "form" | "raw";

export function thingModelTab(pk: string, signal: AbortSignal): HTMLElement {
  const path = `/products/${seg(pk)}/thing-model`;
  let doc: TslDocument = { properties: [], events: [], services: [] };
  let mode: Mode = "form";
  let raw: RawView | null = null;

  const error = new ErrorSlot();
  const body = h("div", { class: "tsl-body" }, loading());
  const notice = h("p", { class: "notice", role: "status", hidden: true });
  const save = button("Save thing model", () => void saveForm(), "primary");
  // Hidden until the model is loaded: saving the empty start would replace it.
  const footer = h("div", { class: "tsl-footer", hidden: true }, save, notice);
  const formButton = button("Form", () => switchTo("form"));
  const rawButton = button("Raw TSL JSON", () => switchTo("raw"));
  const ctx: EditorContext = { index: new FieldIndex(), checks: [], changed: () => (notice.hidden = true) };

  function render(): void {
    formButton.setAttribute("aria-pressed", String(mode === "form"));
    rawButton.setAttribute("aria-pressed", String(mode === "raw"));
    footer.hidden = mode !== "form";
    if (mode === "form") {
      raw = null;
      ctx.index = new FieldIndex();
      ctx.checks = [];
      body.replaceChildren(thingModelForm(ctx, doc));
    } else {
      raw = rawView(pk, JSON.stringify(toDocument(doc), null, 2), accept, signal);
      body.replaceChildren(raw.el);
    }
  }

  // The platform's answer to a save is the model as stored.
  function accept(saved: unknown): void {
    const state = toEditorState(saved);
    if (typeof state !== "string") doc = state;
  }

  function switchTo(next: Mode): void {
    if (next === mode) return;
    error.clear();
    notice.hidden = true;
    if (raw) {
      // The text may have been edited: the form shows what it says.
      const parsed = raw.parse();
      if (parsed === null) return;
      const state = toEditorState(parsed);
      if (typeof state === "string") {
        raw.showError(new Error(`the form cannot show this document: ${state}`));
        return;
      }
      doc = state;
    }
    mode = next;
    render();
  }

  async function saveForm(): Promise<void> {
    clearFields(body);
    error.clear();
    notice.hidden = true;
    for (const check of ctx.checks) {
      const problem = check();
      if (problem) {
        markField(problem[0], problem[1]);
        problem[0].focus();
        error.show(new Error(problem[1]));
        return;
      }
    }
    save.disabled = true;
    try {
      accept(await api("PUT", path, toDocument(doc), signal));
      render();
      const n = doc.properties.length;
      notice.textContent = `Thing model saved: ${n} ${n === 1 ? "property" : "properties"}, ` +
        `${doc.events.length} event(s), ${doc.services.length} service(s).`;
      notice.hidden = false;
    } catch (e) {
      if (signal.aborted) return;
      error.show(e);
      const problem = tslProblem(e);
      if (problem) markProblem(ctx.index, problem);
    } finally {
      save.disabled = false;
    }
  }

  async function load(): Promise<void> {
    try {
      accept(await api("GET", path, undefined, signal));
      render();
    } catch (e) {
      if (signal.aborted) return;
      body.replaceChildren();
      error.show(e);
    }
  }
  void load();

  return h(
    "div",
    { class: "thing-model" },
    h("div", { class: "tsl-toolbar", role: "group", "aria-label": "Thing model view" }, formButton, rawButton),
    error.el,
    body,
    footer,
  );
}
