// API errors shown as readable messages next to what caused them: a form's
// error slot, or the field the error names (an input gets aria-invalid and a
// message right under it).
import { ApiError } from "./api";
import { h } from "./dom";

export function describe(err: unknown): string {
  if (err instanceof ApiError) {
    let text = err.message;
    const line = err.body.line;
    const column = err.body.column;
    if (typeof line === "number" && typeof column === "number" && !text.includes("line ")) {
      text = `line ${line}, column ${column}: ${text}`;
    }
    return err.code && err.code !== `HTTP${err.status}` ? `${text} (${err.code})` : text;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

// A slot that shows one error (or none). Put it where the error belongs.
export class ErrorSlot {
  readonly el = h("p", { class: "error", role: "alert", hidden: true });

  show(err: unknown): void {
    this.el.textContent = describe(err);
    this.el.hidden = false;
  }

  clear(): void {
    this.el.textContent = "";
    this.el.hidden = true;
  }
}

// An error under one input (e.g. `actions[0].url: …` under the action's URL).
export function markField(input: HTMLElement, message: string): void {
  input.setAttribute("aria-invalid", "true");
  let note = input.nextElementSibling;
  if (!note || !note.classList.contains("field-error")) {
    note = h("span", { class: "field-error", role: "alert" });
    input.insertAdjacentElement("afterend", note);
  }
  note.textContent = message;
}

export function clearFields(form: HTMLElement): void {
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  form.querySelectorAll(".field-error").forEach((el) => el.remove());
}
