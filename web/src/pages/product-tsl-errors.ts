// The platform reports a thing model's first problem with its path in the
// document, "properties[3].dataType.specs.max: must not be less than min".
// The form registers each control under the path it edits, so the message
// can be put under the control that caused it.
import { ApiError } from "../api";
import { markField } from "../errors";

const topKeys = ["properties", "events", "services", "profile", "schema", "functionBlockId"];
// One step of a path: `.word`, `[3]` or `["any key"]`.
const step = String.raw`(?:\.[A-Za-z0-9_]+|\[\d+\]|\["(?:[^"\\]|\\.)*"\])`;
const located = new RegExp(String.raw`^([A-Za-z][A-Za-z0-9_]*${step}*): ([\s\S]*)$`);
const lastStep = new RegExp(`${step}$`);

export interface TslProblem {
  path: string; // "" when the problem is the document as a whole
  reason: string;
}

export function tslProblem(err: unknown): TslProblem | null {
  if (!(err instanceof ApiError) || err.code !== "InvalidThingModel") return null;
  const m = located.exec(err.message);
  if (m && topKeys.includes(m[1].split(/[.[]/)[0])) return { path: m[1], reason: m[2] };
  return { path: "", reason: err.message };
}

export class FieldIndex {
  private controls = new Map<string, HTMLElement>();

  set(path: string, control: HTMLElement): void {
    this.controls.set(path, control);
  }

  // The control for `path`, or for the nearest enclosing path the form
  // shows (a key the form has no control for is reported at its owner).
  find(path: string): HTMLElement | null {
    for (let p = path; p; p = p.replace(lastStep, "")) {
      const control = this.controls.get(p);
      if (control?.isConnected) return control;
      if (!lastStep.test(p)) break;
    }
    return null;
  }
}

// Marks the control the problem names; false when the form has none.
export function markProblem(index: FieldIndex, problem: TslProblem): boolean {
  const control = problem.path ? index.find(problem.path) : null;
  if (!control) return false;
  markField(control, problem.reason);
  control.scrollIntoView({ block: "center" });
  if (control.matches("input, select, textarea")) control.focus({ preventScroll: true });
  return true;
}
