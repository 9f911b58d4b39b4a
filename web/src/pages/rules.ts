// #/rules: every rule with its FROM topic, SQL, actions, state and
// counters, a page at a time (the API's token paging), and "New rule".
import "./rules.css";
import { api, query, type Page } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { href, type Params } from "../router";
import { Pager, button, card, emptyRow, loading, pageHeader, statusBadge, table } from "../ui";
import { actionFailures, ruleState, type Rule } from "./rule-types";

const pageSize = 50;

export function renderRules(root: HTMLElement, _params: Params, signal: AbortSignal): void {
  const error = new ErrorSlot();
  const body = h("div", {}, loading());
  const pager = new Pager(() => void load());

  async function load(): Promise<void> {
    error.clear();
    try {
      const page = await api<Page<Rule>>("GET", "/rules" + query({ pageSize, pageToken: pager.current }), undefined, signal);
      body.replaceChildren(page.items.length ? rulesTable(page.items) : emptyRow("No rules yet. A rule turns messages into rows and sends them on."));
      pager.render(page.nextPageToken || undefined, page.items.length);
    } catch (e) {
      if (!signal.aborted) error.show(e);
    }
  }

  root.replaceChildren(
    pageHeader(
      "Rules",
      button("Refresh", () => void load()),
      h("a", { class: "btn primary", href: href("/rules/new") }, "New rule"),
    ),
    error.el,
    card(null, body, pager.el),
  );
  void load();
}

function rulesTable(rules: Rule[]): HTMLElement {
  const rows = rules.map((r) => {
    const s = r.stats;
    const failed = s ? s.failed + s.lost : null;
    const actionFailed = s ? actionFailures(s) : null;
    return [
      h("a", { href: href(`/rules/${r.id}`), class: "rule-name" }, r.name),
      h(
        "div",
        { class: "rule-source" },
        h("code", {}, r.source || "(SQL does not compile)"),
        h("div", { class: "rule-sql-excerpt", title: r.sql }, excerpt(r.sql)),
      ),
      r.actions.map((a) => a.type).join(", ") || "—",
      statusBadge(ruleState(r)),
      s ? s.matched : "—",
      s ? s.passed : "—",
      count(failed),
      count(actionFailed),
    ];
  });
  return table(["Name", "FROM / SQL", "Actions", "State", "Matched", "Passed", "Failed + lost", "Action failures"], rows, {
    class: "rules-table",
  });
}

// The SQL on one line, cut to what a table cell can show.
function excerpt(sql: string): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? flat.slice(0, 79) + "…" : flat;
}

function count(n: number | null): HTMLElement | string | number {
  if (n === null) return "—";
  return n > 0 ? h("span", { class: "rule-bad" }, n) : n;
}
