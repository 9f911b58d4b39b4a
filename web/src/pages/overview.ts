// #/overview: the platform at a glance, from GET /overview every 2 s:
// devices online, messages per second into and out of the broker (from the
// running totals of two samples), rule failures and connections; below,
// the rules that have failures.
import "./rules.css";
import { api } from "../api";
import { h } from "../dom";
import { ErrorSlot } from "../errors";
import { href, type Params } from "../router";
import { pageHeader } from "../ui";
import { FailingRules, type RuleFailures } from "./overview-failing-rules";
import { poll } from "./overview-poll";
import { RateMeter, formatRate } from "./overview-rates";

// The contract of GET /api/v1/overview.
interface Overview {
  time: number;
  products: number;
  devices: { total: number; online: number; offline: number; inactive: number; disabled: number };
  connections: number;
  messages: { received: number; sent: number };
  rules: {
    total: number;
    enabled: number;
    running: number;
    failed: number;
    lost: number;
    actionsFailed: number;
    actionsDropped: number;
    withFailures: RuleFailures[];
  };
}

class Tile {
  readonly value = h("div", { class: "value" }, "—");
  readonly sub = h("div", { class: "tile-sub" });
  readonly el: HTMLElement;
  constructor(id: string, label: string, link?: string) {
    const title = link ? h("a", { href: href(link) }, label) : label;
    this.el = h("div", { class: "tile", id }, h("div", { class: "label" }, title), this.value, this.sub);
  }
  set(value: string, sub: string, bad = false): void {
    this.value.textContent = value;
    this.sub.textContent = sub;
    this.el.classList.toggle("tile-bad", bad);
  }
}

const n = (x: number) => x.toLocaleString("en-US");

export function renderOverview(root: HTMLElement, _params: Params, signal: AbortSignal): void {
  const error = new ErrorSlot();
  const online = new Tile("tile-online", "Devices online", "/devices");
  const inRate = new Tile("tile-in-rate", "Messages in / s");
  const outRate = new Tile("tile-out-rate", "Messages out / s");
  const failures = new Tile("tile-rule-failures", "Rule failures", "/rules");
  const connections = new Tile("tile-connections", "Connections");
  const received = new RateMeter();
  const sent = new RateMeter();
  const failing = new FailingRules();

  root.replaceChildren(
    pageHeader("Overview"),
    error.el,
    h("div", { class: "tiles" }, online.el, inRate.el, outRate.el, failures.el, connections.el),
    failing.el,
  );

  poll(
    async () => {
      try {
        const o = await api<Overview>("GET", "/overview", undefined, signal);
        error.clear();
        show(o);
      } catch (e) {
        if (signal.aborted) return;
        error.show(e);
      }
    },
    2000,
    signal,
  );

  function show(o: Overview): void {
    const d = o.devices;
    failing.render(o.rules.withFailures, o.rules.running);
    online.set(`${n(d.online)} / ${n(d.total)}`, `${n(d.offline)} offline · ${n(d.inactive)} inactive · ${n(d.disabled)} disabled · ${n(o.products)} products`);
    const time = o.time || Date.now();
    inRate.set(formatRate(received.sample(o.messages.received, time)), `${n(o.messages.received)} received since start`);
    outRate.set(formatRate(sent.sample(o.messages.sent, time)), `${n(o.messages.sent)} sent since start`);
    const r = o.rules;
    const total = r.failed + r.lost + r.actionsFailed + r.actionsDropped;
    failures.set(
      n(total),
      `rows: ${n(r.failed)} failed, ${n(r.lost)} lost · actions: ${n(r.actionsFailed)} failed, ${n(r.actionsDropped)} dropped · ${n(r.enabled)} of ${n(r.total)} rules on`,
      total > 0,
    );
    connections.set(n(o.connections), "MQTT clients connected");
  }
}
