// The rule editor's form: Name, Description, SQL, the actions, the error
// action, Enabled, and "Save rule". It builds the API body and puts the
// API's errors under the control they name (the SQL error under the SQL,
// `actions[1].url: …` under that action's URL); what names no control goes
// to the slot beside the Save button.
import { ApiError } from "../api";
import { h } from "../dom";
import { ErrorSlot, clearFields, describe, markField } from "../errors";
import { button, field, input, textarea } from "../ui";
import { ActionEditor, ActionInputError } from "./rule-action-editor";
import { selectLineColumn } from "./rule-sql-place";
import type { ActionObject, Rule, RuleBody } from "./rule-types";

const sqlExample = 'SELECT temp, deviceName() AS dev FROM "/+/+/user/up" WHERE temp > 30';
const maxActions = 16; // kMaxRuleActions in src/rules/rule_definition.hpp

export class RuleForm {
  readonly el: HTMLFormElement;
  readonly sql: HTMLTextAreaElement;
  readonly enabled: HTMLInputElement;
  readonly error = new ErrorSlot();
  private readonly name: HTMLInputElement;
  private readonly description: HTMLInputElement;
  private readonly saved = h("p", { class: "notice", role: "status", hidden: true });
  private readonly actionsBox = h("div", { class: "rule-actions" });
  private readonly actionsNote = h("p", { class: "field-error", role: "alert", hidden: true });
  private readonly addAction: HTMLButtonElement;
  private readonly saveButton = h("button", { type: "submit", class: "btn primary" }, "Save rule");
  private editors: ActionEditor[] = [];
  private errorAction: ActionEditor;

  constructor(rule: Rule | null, onSave: (body: RuleBody) => Promise<void>) {
    this.name = input({ required: true, maxlength: 128, autocomplete: "off" });
    this.name.value = rule?.name ?? "";
    this.description = input({ maxlength: 1024 });
    this.description.value = rule?.description ?? "";
    this.sql = textarea({ class: "code rule-sql", rows: 6, placeholder: sqlExample }, rule?.sql ?? "");
    this.enabled = input({ type: "checkbox" });
    this.enabled.checked = rule?.enabled ?? true;
    this.addAction = button("Add action", () => this.add(null));
    this.errorAction = new ActionEditor(rule?.errorAction ?? null, true);
    this.errorAction.setTitle("Error action");
    for (const a of rule?.actions ?? []) this.add(a);

    this.el = h(
      "form",
      { class: "form rule-form", novalidate: true },
      field("Name", this.name),
      field("Description", this.description),
      field("SQL", this.sql, "SELECT … FROM \"<topic filter>\" [WHERE …]; see docs/rules-sql.md"),
      h("h2", { class: "rule-subhead" }, "Actions"),
      this.actionsBox,
      this.actionsNote,
      h("div", {}, this.addAction),
      h("p", { class: "hint" }, "The error action gets the rows an action gave up on (optional)."),
      this.errorAction.el,
      h("label", { class: "rule-check" }, this.enabled, " Enabled (runs as soon as it is saved)"),
      this.error.el,
      this.saved,
      h("div", { class: "row" }, this.saveButton),
    );
    this.el.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      this.clearErrors();
      const body = this.body();
      if (!body) return;
      this.saveButton.disabled = true;
      try {
        await onSave(body);
      } catch (e) {
        this.showError(e);
      } finally {
        this.saveButton.disabled = false;
      }
    });
  }

  // The SQL and actions as typed, for the dry run; null (with the problem
  // shown) when an action's "More settings" is not JSON.
  draft(): { sql: string; actions: ActionObject[] } | null {
    try {
      return { sql: this.sql.value, actions: this.actionValues() };
    } catch (e) {
      if (e instanceof ActionInputError) return null;
      throw e;
    }
  }

  body(): RuleBody | null {
    try {
      return {
        name: this.name.value.trim(),
        description: this.description.value,
        sql: this.sql.value,
        actions: this.actionValues(),
        errorAction: this.errorAction.value(),
        enabled: this.enabled.checked,
      };
    } catch (e) {
      if (e instanceof ActionInputError) {
        this.error.show("An action's settings are not valid JSON (marked above).");
        return null;
      }
      throw e;
    }
  }

  flashSaved(text: string): void {
    this.saved.textContent = text;
    this.saved.hidden = false;
    setTimeout(() => (this.saved.hidden = true), 4000);
  }

  clearErrors(): void {
    clearFields(this.el);
    this.error.clear();
    this.actionsNote.hidden = true;
    for (const e of [...this.editors, this.errorAction]) e.clearNote();
  }

  showError(err: unknown): void {
    if (!this.place(err)) this.error.show(err);
  }

  // Marks the control an API error names; false when it names none here.
  place(err: unknown): boolean {
    if (!(err instanceof ApiError)) return false;
    const msg = err.message;
    if (err.code === "InvalidRuleSql") {
      markField(this.sql, msg.replace(/^sql: /, ""));
      const { line, column } = err.body;
      if (typeof line === "number" && typeof column === "number") selectLineColumn(this.sql, line, column);
      return true;
    }
    if (err.code === "RuleNameTaken") {
      markField(this.name, describe(err));
      this.name.focus();
      return true;
    }
    const action = /^(actions\[(\d+)\]|errorAction)([^:\s]*): /.exec(msg);
    if (action) {
      const editor = action[1] === "errorAction" ? this.errorAction : this.editors[Number(action[2])];
      if (!editor) return false;
      editor.markError(action[3], msg);
      editor.el.scrollIntoView({ block: "nearest" });
      return true;
    }
    if (msg.startsWith("actions: ")) {
      this.actionsNote.textContent = msg;
      this.actionsNote.hidden = false;
      return true;
    }
    const own: Record<string, HTMLElement> = { name: this.name, description: this.description, sql: this.sql };
    const key = /^(\w+): /.exec(msg)?.[1];
    if (key && own[key]) {
      markField(own[key], msg);
      return true;
    }
    return false;
  }

  private actionValues(): ActionObject[] {
    const out: ActionObject[] = [];
    let bad = false;
    for (const e of this.editors) {
      try {
        const v = e.value();
        if (v) out.push(v);
      } catch (err) {
        if (!(err instanceof ActionInputError)) throw err;
        bad = true; // keep going so every bad one is marked
      }
    }
    if (bad) throw new ActionInputError("bad action settings");
    return out;
  }

  private add(initial: ActionObject | null): void {
    const editor: ActionEditor = new ActionEditor(initial, false, () => {
      this.editors = this.editors.filter((e) => e !== editor);
      editor.el.remove();
      this.renumber();
    });
    this.editors.push(editor);
    this.actionsBox.append(editor.el);
    this.renumber();
  }

  private renumber(): void {
    this.editors.forEach((e, i) => e.setTitle(`Action ${i + 1}`));
    this.addAction.disabled = this.editors.length >= maxActions;
    if (this.editors.length === 0) this.actionsBox.replaceChildren(h("p", { class: "empty" }, "No actions: the rule only counts."));
    else this.actionsBox.querySelector(":scope > .empty")?.remove();
  }
}
