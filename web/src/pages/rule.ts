// #/rules/new and #/rules/{id}: the rule editor beside its dry-run panel;
// for a stored rule also Enable/Disable/Delete and its counters, refreshed
// every 2 s until the page is left.
import "./rules.css";
import { ApiError, api, seg } from "../api";
import { h, replace } from "../dom";
import { ErrorSlot } from "../errors";
import { currentLocation, href, navigate, type Params } from "../router";
import { button, loading, pageHeader, statusBadge } from "../ui";
import { poll } from "./overview-poll";
import { dryRunPanel } from "./rule-dry-run";
import { RuleForm } from "./rule-form";
import { RuleStatsCard } from "./rule-stats";
import { ruleState, type Rule } from "./rule-types";

const back = () => h("a", { class: "rule-back", href: href("/rules") }, "← Rules");

export async function renderRule(root: HTMLElement, params: Params, signal: AbortSignal): Promise<void> {
  if (params.id === "new") {
    renderNew(root, signal);
    return;
  }
  root.replaceChildren(back(), loading());
  const path = `/rules/${seg(params.id)}`;
  let rule: Rule;
  try {
    rule = await api<Rule>("GET", path, undefined, signal);
  } catch (e) {
    if (signal.aborted) return;
    const slot = new ErrorSlot();
    slot.show(e);
    root.replaceChildren(back(), pageHeader(`Rule ${params.id}`), slot.el);
    return;
  }
  renderExisting(root, rule, path, signal);
}

function renderNew(root: HTMLElement, signal: AbortSignal): void {
  const form = new RuleForm(null, async (body) => {
    const created = await api<Rule>("POST", "/rules", body, signal);
    navigate(`/rules/${created.id}`, { created: "1" });
  });
  root.replaceChildren(
    back(),
    pageHeader("New rule"),
    h("div", { class: "rule-layout" }, h("section", { class: "card" }, form.el), dryRunPanel(form, signal)),
  );
}

function renderExisting(root: HTMLElement, initial: Rule, path: string, signal: AbortSignal): void {
  let rule = initial;
  const headerError = new ErrorSlot();
  const stats = new RuleStatsCard();
  const badge = h("span", { class: "rule-state" });
  const title = h("span", {});

  const enable = button("Enable", () => void setEnabled(true));
  const disable = button("Disable", () => void setEnabled(false));
  const remove = button("Delete", () => void deleteRule(), "danger");
  const header = pageHeader("", enable, disable, remove);
  header.querySelector("h1")!.replaceChildren(title, " ", badge);

  const form = new RuleForm(rule, async (body) => {
    show(await api<Rule>("PATCH", path, body, signal));
    form.flashSaved(rule.enabled ? "Saved; the rule restarted with these settings." : "Saved.");
  });

  // What changes on the page when the rule does (saved, enabled, polled);
  // the form keeps what the user is typing.
  function show(r: Rule): void {
    rule = r;
    title.textContent = r.name;
    badge.replaceChildren(statusBadge(ruleState(r)));
    enable.disabled = r.enabled && r.stats !== null;
    disable.disabled = !r.enabled;
    stats.update(r);
  }

  async function setEnabled(on: boolean): Promise<void> {
    headerError.clear();
    form.clearErrors();
    try {
      show(await api<Rule>("POST", `${path}:${on ? "enable" : "disable"}`, {}, signal));
      form.enabled.checked = rule.enabled;
    } catch (e) {
      // Enabling checks the rule again: an error about its SQL or an
      // action belongs under that control.
      if (!signal.aborted && !form.place(e)) headerError.show(e);
    }
  }

  async function deleteRule(): Promise<void> {
    if (!confirm(`Delete the rule "${rule.name}"? It stops at once and cannot be brought back.`)) return;
    headerError.clear();
    try {
      await api("DELETE", path, undefined, signal);
      navigate("/rules");
    } catch (e) {
      if (!signal.aborted) headerError.show(e);
    }
  }

  // "Rule created." once: drop the marker so a reload does not say it again
  // (replaceState fires no hashchange, so the page stays).
  const created = currentLocation().query.has("created");
  if (created) history.replaceState(null, "", href(`/rules/${rule.id}`));
  replace(
    root,
    back(),
    header,
    headerError.el,
    created ? h("p", { class: "notice rule-created" }, "Rule created.") : null,
    stats.el,
    h("div", { class: "rule-layout" }, h("section", { class: "card" }, form.el), dryRunPanel(form, signal)),
  );
  show(rule);

  let first = true;
  poll(
    async () => {
      if (first) return void (first = false); // just shown
      try {
        show(await api<Rule>("GET", path, undefined, signal));
        stats.error.clear();
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof ApiError && e.code === "RuleNotFound") {
          stats.error.show("This rule was deleted.");
          return;
        }
        stats.error.show(e);
      }
    },
    2000,
    signal,
  );
}
