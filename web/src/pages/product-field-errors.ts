// The API starts a message about one field with the field's name ("name: a
// product named 'x' already exists", docs/api-errors.md). Such an error goes
// under that field's control; anything else goes into the form's slot.
import { ApiError } from "../api";
import { ErrorSlot, markField } from "../errors";

export function showFieldError(err: unknown, slot: ErrorSlot, fields: Record<string, HTMLElement>): void {
  const text = err instanceof ApiError ? err.message : "";
  const colon = text.indexOf(": ");
  const name = colon > 0 ? text.slice(0, colon) : "";
  const control = Object.hasOwn(fields, name) ? fields[name] : undefined;
  if (control) {
    markField(control, text.slice(colon + 2));
    control.focus();
  } else {
    slot.show(err);
  }
}
