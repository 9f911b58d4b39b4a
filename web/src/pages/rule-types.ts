// The shapes of the rules API as the console reads them (docs/rules.md,
// src/rules/rule_definition.cpp, src/rules/dry_run.cpp). Action objects are
// kept loose: the API refuses unknown fields, and the console sends back
// whatever the user configured.
export type ActionObject = Record<string, unknown> & { type: string };

export interface ActionStats {
  type: string;
  offered: number;
  passed: number;
  failed: number;
  dropped: number;
  retries: number;
  queued: number;
  latencyMs: { avg: number; max: number };
}

// null while the rule is not running (disabled, or refused at start).
export interface RuleStats {
  matched: number;
  passed: number;
  failed: number;
  lost: number;
  actions: ActionStats[];
  errorAction: ActionStats | null;
}

export interface Rule {
  id: number;
  name: string;
  description: string;
  sql: string;
  source: string; // the FROM filter; "" when the stored SQL no longer compiles
  actions: ActionObject[];
  errorAction: ActionObject | null;
  enabled: boolean;
  createdTime: number;
  updatedTime: number;
  stats: RuleStats | null;
}

// The body of POST /rules and PATCH /rules/{id}.
export interface RuleBody {
  name: string;
  description: string;
  sql: string;
  actions: ActionObject[];
  errorAction: ActionObject | null;
  enabled: boolean;
}

export interface DryRunAction {
  type: string;
  fires: boolean;
  topic?: string;
  url?: string;
  subject?: string;
  table?: string;
  error?: string;
}

export interface DryRunResult {
  matched: boolean;
  rows: Record<string, unknown>[];
  actions: DryRunAction[];
  error?: string; // the SQL failed on this message
}

// Where an action sends its rows, as configured (a template for all but
// the database table).
export function actionTarget(a: ActionObject | DryRunAction | null | undefined): string {
  if (!a) return "";
  for (const key of ["topic", "url", "subject", "table"] as const) {
    const v = (a as Record<string, unknown>)[key];
    if (typeof v === "string" && v) return v;
  }
  return "";
}

// A rule's state in one word: "stopped" is enabled but not running (refused
// when the platform started, see docs/rules.md).
export function ruleState(r: Rule): "enabled" | "disabled" | "stopped" {
  if (!r.enabled) return "disabled";
  return r.stats ? "enabled" : "stopped";
}

// Rows an action gave up on or could not queue, over all actions.
export function actionFailures(s: RuleStats | null): number {
  if (!s) return 0;
  return s.actions.reduce((n, a) => n + a.failed + a.dropped, 0);
}
