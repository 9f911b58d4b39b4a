// The overview's list of rules that have lost or failed rows, worst first,
// from the rules' own counters (GET /rules, the first 1000).
import { api, type Page } from "../api";
import { h, replace } from "../dom";
import { ErrorSlot } from "../errors";
import { href } from "../router";
import { card, emptyRow, table } from "../ui";
import type { Rule } from "./rule-types";

const shown = 10;

export class FailingRules {
  readonly error = new ErrorSlot();
  private readonly body = h("div", {}, h("p", { class: "loading" }, "Loading…"));
  readonly el = card("Rules with failures", this.error.el, this.body);

  async refresh(signal: AbortSignal): Promise<void> {
    try {
      const page = await api<Page<Rule>>("GET", "/rules?pageSize=1000", undefined, signal);
      this.error.clear();
      this.render(page.items, Boolean(page.nextPageToken));
    } catch (e) {
      if (!signal.aborted) this.error.show(e);
    }
  }

  private render(rules: Rule[], more: boolean): void {
    const failing = rules
      .map((r) => ({ r, ...failures(r) }))
      .filter((x) => x.rows + x.actions > 0)
      .sort((a, b) => b.rows + b.actions - (a.rows + a.actions));
    if (failing.length === 0) {
      replace(this.body, emptyRow(rules.length ? "No rule has failed rows." : "No rules yet."));
      return;
    }
    replace(
      this.body,
      table(
        ["Rule", "Failed", "Lost", "Action failures", "Dropped"],
        failing.slice(0, shown).map(({ r }) => [
          h("a", { href: href(`/rules/${r.id}`) }, r.name),
          r.stats!.failed,
          r.stats!.lost,
          r.stats!.actions.reduce((n, a) => n + a.failed, 0),
          r.stats!.actions.reduce((n, a) => n + a.dropped, 0),
        ]),
        { class: "rules-table" },
      ),
      failing.length > shown ? h("p", { class: "hint" }, `and ${failing.length - shown} more`) : null,
      more ? h("p", { class: "hint" }, "Only the first 1000 rules are looked at.") : null,
    );
  }
}

// Rows the rule failed or lost; rows its actions gave up on or dropped.
function failures(r: Rule): { rows: number; actions: number } {
  const s = r.stats;
  if (!s) return { rows: 0, actions: 0 };
  return { rows: s.failed + s.lost, actions: s.actions.reduce((n, a) => n + a.failed + a.dropped, 0) };
}
