// The overview's list of running rules that have failed or lost rows, worst
// first, from /overview's `rules.withFailures` (the engine sums them, so the
// console never fetches every rule to find the few that fail).
import { h, replace } from "../dom";
import { href } from "../router";
import { card, emptyRow, table } from "../ui";

export interface RuleFailures {
  id: number;
  name: string;
  failed: number;
  lost: number;
  actionsFailed: number;
  actionsDropped: number;
}

const shown = 10;

export class FailingRules {
  private readonly body = h("div", {}, h("p", { class: "loading" }, "Loading…"));
  readonly el = card("Rules with failures", this.body);

  render(rules: RuleFailures[], running: number): void {
    const total = (r: RuleFailures) => r.failed + r.lost + r.actionsFailed + r.actionsDropped;
    const failing = [...rules].sort((a, b) => total(b) - total(a));
    if (failing.length === 0) {
      replace(this.body, emptyRow(running ? "No rule has failed rows." : "No rule is running."));
      return;
    }
    replace(
      this.body,
      table(
        ["Rule", "Failed", "Lost", "Action failures", "Dropped"],
        failing.slice(0, shown).map((r) => [
          h("a", { href: href(`/rules/${r.id}`) }, r.name),
          r.failed,
          r.lost,
          r.actionsFailed,
          r.actionsDropped,
        ]),
        { class: "rules-table" },
      ),
      failing.length > shown ? h("p", { class: "hint" }, `and ${failing.length - shown} more`) : null,
    );
  }
}
