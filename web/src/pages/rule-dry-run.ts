// The dry-run panel: the editor's SQL and actions, as typed, run against one
// made-up message (POST /rules:test); nothing is sent anywhere. The output
// says whether the topic reaches the rule, the row it makes, and where each
// action would send it. Errors show under the panel, and the control they
// name (SQL, an action's field, the sample topic) is marked as well.
import { ApiError, api } from "../api";
import { h, replace } from "../dom";
import { ErrorSlot, clearFields, markField } from "../errors";
import { card, field, input, textarea } from "../ui";
import type { RuleForm } from "./rule-form";
import { actionTarget, type DryRunAction, type DryRunResult } from "./rule-types";

export function dryRunPanel(form: RuleForm, signal: AbortSignal): HTMLElement {
  const topic = input({ placeholder: "default: the FROM topic (required when it has + or #)" });
  const payload = textarea({ class: "code", rows: 5 }, '{"temp": 35}');
  // Labels without "name" in them: the editor's "Name" must stay the only
  // control a label search for "Name" finds.
  const deviceName = input({ autocomplete: "off", placeholder: "for deviceName()" });
  const productKey = input({ autocomplete: "off", placeholder: "for productKey()" });
  const run = h("button", { type: "submit", class: "btn primary" }, "Run dry run");
  const error = new ErrorSlot();
  const output = h("div", { id: "dry-run-output", class: "dry-run-output", "aria-live": "polite" });
  output.append(h("p", { class: "empty" }, "Runs the editor's SQL and actions, as typed, against this message; nothing is sent."));

  const panel = h(
    "form",
    { class: "form", novalidate: true },
    field("Sample topic", topic),
    field("Sample payload", payload, "JSON, or any text: sent as the raw payload a device would publish."),
    h("div", { class: "row" }, field("Sample device", deviceName), field("Sample product", productKey)),
    h("div", { class: "row" }, run),
    error.el,
    output,
  );
  panel.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearFields(panel);
    form.clearErrors();
    error.clear();
    const draft = form.draft();
    if (!draft) {
      error.show("An action's settings are not valid JSON (marked in the editor).");
      return;
    }
    const body: Record<string, unknown> = { sql: draft.sql, payload: payload.value, actions: draft.actions };
    if (topic.value.trim()) body.topic = topic.value.trim();
    if (deviceName.value.trim()) body.deviceName = deviceName.value.trim();
    if (productKey.value.trim()) body.productKey = productKey.value.trim();
    run.disabled = true;
    try {
      const result = await api<DryRunResult>("POST", "/rules:test", body, signal);
      showResult(output, result);
    } catch (e) {
      if (signal.aborted) return;
      replace(output);
      error.show(e);
      const own: Record<string, HTMLElement> = { topic, payload, deviceName, productKey };
      const key = e instanceof ApiError ? /^(\w+): /.exec(e.message)?.[1] : undefined;
      if (key && own[key]) markField(own[key], (e as ApiError).message);
      else form.place(e);
    } finally {
      run.disabled = false;
    }
  });
  return card("Dry run", panel);
}

function showResult(out: HTMLElement, r: DryRunResult): void {
  const rows = r.rows ?? [];
  let verdict: string;
  if (!r.matched) verdict = "matched: no (the topic does not match the FROM filter)";
  else if (r.error) verdict = "matched: yes, but the SQL failed on this message";
  else if (rows.length === 0) verdict = "matched: yes, but WHERE does not hold: no row";
  else verdict = "matched: yes, one row";
  replace(
    out,
    h("p", { class: `dry-run-verdict ${r.matched && rows.length ? "yes" : "no"}` }, verdict),
    r.error ? h("p", { class: "error" }, r.error) : null,
    h("h3", { class: "rule-subhead" }, "Rows"),
    h("pre", {}, JSON.stringify(rows, null, 2)),
    h("h3", { class: "rule-subhead" }, "Actions"),
    r.actions.length
      ? h("ol", { class: "dry-run-actions" }, ...r.actions.map(actionLine))
      : h("p", { class: "empty" }, "No actions."),
  );
}

function actionLine(a: DryRunAction): HTMLElement {
  const where = actionTarget(a);
  const key = a.topic !== undefined ? "topic" : a.url !== undefined ? "url" : a.subject !== undefined ? "subject" : "table";
  return h(
    "li",
    {},
    h("strong", {}, a.type),
    a.fires ? " fires → " : " does not fire",
    a.fires && where ? [`${key} `, h("code", {}, where)] : null,
    !a.fires && where ? [" (", `${key} `, h("code", {}, where), ")"] : null,
    a.error ? h("span", { class: "field-error" }, ` ${a.error}`) : null,
  );
}
