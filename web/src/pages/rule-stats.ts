// A running rule's counters (GET /rules/{id} `stats`, docs/rules-sources.md):
// the rule's matched/passed/failed/lost, and per action what it was offered,
// delivered, gave up on, dropped, retried, still has queued, and its
// latency. Each action's status comes from how its counters moved since the
// previous refresh, since the counters themselves only ever grow.
import { h, replace } from "../dom";
import { ErrorSlot } from "../errors";
import { card, statusBadge, table } from "../ui";
import { actionTarget, type ActionStats, type Rule } from "./rule-types";

export class RuleStatsCard {
  readonly error = new ErrorSlot();
  readonly el: HTMLElement;
  private readonly body = h("div");
  private readonly stamp = h("small", { class: "hint" });
  private previous: (ActionStats | null)[] = [];
  private statuses: string[] = [];

  constructor() {
    this.el = card("Status and counters", this.stamp, this.error.el, this.body);
  }

  update(rule: Rule): void {
    this.stamp.textContent = `refreshed every 2 s · last ${new Date().toLocaleTimeString()}`;
    const s = rule.stats;
    if (!s) {
      this.previous = [];
      this.statuses = [];
      replace(
        this.body,
        h(
          "p",
          { class: "empty" },
          rule.enabled
            ? "Enabled but not running: it was refused when the platform started. Save it or press Enable to try again."
            : "Not running: the rule is disabled.",
        ),
      );
      return;
    }
    const counters: [string, number, string][] = [
      ["matched", s.matched, "messages on the FROM topic"],
      ["passed", s.passed, "WHERE held, a row was made"],
      ["failed", s.failed, "the SQL failed on the message"],
      ["lost", s.lost, "rows an action gave up on, with no error action"],
    ];
    const all = [...s.actions, s.errorAction];
    const rows = all.flatMap((a, i) => {
      if (!a) return [];
      const isError = i === s.actions.length;
      const def = isError ? rule.errorAction : rule.actions[i];
      this.statuses[i] = actionStatus(a, this.previous[i] ?? null, this.statuses[i]);
      const shown = this.statuses[i] === "ok" && a.queued > 0 ? "busy" : this.statuses[i];
      const badge = statusBadge(shown);
      badge.title = statusHelp[shown] ?? "";
      return [
        [
          isError ? "error action" : `${i + 1}`,
          h("span", { class: "rule-action-type" }, a.type, " ", badge),
          h("code", { class: "rule-target" }, actionTarget(def)),
          a.offered,
          a.passed,
          warn(a.failed),
          warn(a.dropped),
          a.retries,
          a.queued,
          `${a.latencyMs.avg.toFixed(1)} / ${a.latencyMs.max}`,
        ],
      ];
    });
    this.previous = all;
    replace(
      this.body,
      h(
        "div",
        { class: "rule-counters" },
        ...counters.map(([label, n, title]) =>
          h(
            "div",
            { class: `rule-counter${(label === "failed" || label === "lost") && n > 0 ? " bad" : ""}`, title, "data-counter": label },
            h("span", { class: "label" }, label),
            h("span", { class: "value" }, n),
          ),
        ),
      ),
      rows.length
        ? table(["#", "action", "target", "offered", "passed", "failed", "dropped", "retries", "queued", "latency ms avg / max"], rows, {
            class: "rule-action-stats",
          })
        : h("p", { class: "empty" }, "No actions."),
    );
  }
}

// An action's status is the last outcome its counters showed: "failing"
// once rows were given up on or dropped, "retrying" while retries grow, back
// to "ok" when rows are delivered again. The counters only ever grow, so
// the outcome is read from how they moved since the previous refresh (or,
// on the first, from an action that has failed and never delivered).
function actionStatus(now: ActionStats, before: ActionStats | null, last: string | undefined): string {
  let status = last ?? "ok";
  if (!before || before.type !== now.type) {
    status = now.failed + now.dropped > 0 && now.passed === 0 ? "failing" : "ok";
  } else if (now.failed > before.failed || now.dropped > before.dropped) {
    status = "failing";
  } else if (now.retries > before.retries) {
    status = "retrying";
  } else if (now.passed > before.passed) {
    status = "ok";
  }
  return status;
}

const statusHelp: Record<string, string> = {
  ok: "the last rows were delivered",
  failing: "rows were given up on or dropped (see failed / dropped)",
  retrying: "the target is being retried",
  busy: "rows are waiting in the queue",
};

function warn(n: number): HTMLElement | number {
  return n > 0 ? h("span", { class: "rule-bad" }, n) : n;
}
