// Puts an API error where it belongs on a device form: the message in the
// form's slot (under its button), and the input it is about marked invalid
// and focused. The API names the field first ("deviceName: must be …",
// "params.temperature: the property is read-only"), which finds the input.
import { ApiError } from "../api";
import { ErrorSlot, clearFields } from "../errors";

export function showFormError(
  err: unknown,
  slot: ErrorSlot,
  inputs: Record<string, HTMLElement | undefined> = {},
): void {
  slot.show(err);
  const input = inputFor(err, inputs);
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

export function clearFormError(form: HTMLElement, slot: ErrorSlot): void {
  slot.clear();
  clearFields(form);
}

function inputFor(err: unknown, inputs: Record<string, HTMLElement | undefined>): HTMLElement | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const m = /^([A-Za-z0-9_.[\]]+):/.exec(err.message);
  if (!m) return undefined;
  // "params.temperature" -> "temperature"; "deviceNames[3]" -> "deviceNames".
  // …or, without an input of its own, the box for all params.
  const path = m[1].replace(/^params\./, "");
  return inputs[path] ?? inputs[path.split(/[.[]/)[0]] ?? inputs[m[1].split(/[.[]/)[0]];
}

// Reads a JSON box. On a problem the box is marked invalid and the message
// ("Properties to set: not valid JSON: …") is returned for the form's slot.
export function parseJsonField(
  box: HTMLTextAreaElement,
  what: string,
  mustBeObject = true,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const text = box.value.trim() || "{}";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    box.setAttribute("aria-invalid", "true");
    return { ok: false, message: `${what}: not valid JSON: ${(e as Error).message}` };
  }
  if (mustBeObject && (typeof value !== "object" || value === null || Array.isArray(value))) {
    box.setAttribute("aria-invalid", "true");
    return { ok: false, message: `${what}: must be a JSON object, like {"temperature": 21.5}` };
  }
  return { ok: true, value };
}
