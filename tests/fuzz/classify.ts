/**
 * Sorting divergences by cause. Each known cause has a reason (used by the
 * expected-failure list) and a test that tells it from the divergence and the
 * probes of the run (probe.ts); a divergence no known cause explains is new.
 */
import { allStatements, type Program } from "./ast.ts";
import type { Divergence, Outcome } from "./compare.ts";
import type { Style } from "./emit_ts.ts";

/** The known causes of divergence, each with what is wrong. */
export const CAUSES = {
  lateCancel: "async body: a cancel() made while the awaited future is completing (cancel() " +
    "returns true but cannot cancel the future) is not thrown at that await; the body gets the " +
    "future's outcome and the request waits for a later await",
  earlyCancel: "async body: a cancel request pending when the body awaits is thrown at that " +
    "await at once; CPython's step cancels the awaited future (or runs the awaited coroutine " +
    "to its first suspension) and throws a loop iteration later",
  nestedUncancel: "async body: uncancel() bringing cancelling() to 0 does not drop a cancel " +
    "request made while a coroutine the body awaits runs (it sits on that coroutine's driver " +
    "and cancels the task later); 3.13's uncancel drops it",
  waitRetrieve: "wait() with FIRST_EXCEPTION does not mark the exceptions it looks at as " +
    "retrieved (CPython's calls exception()): a false 'Task exception was never retrieved' for " +
    "a failed task only wait() saw",
  gatherReport: "a task cancelled while its awaited gather completes with an exception does " +
    "not retrieve it: a false 'exception was never retrieved' report for the GatheringFuture",
} as const;

/** A known cause, or "new". */
export type Cause = keyof typeof CAUSES | "new";

/** Whether ours differs from CPython's trace only by extra report lines of a kind. */
function onlyExtraReports(d: Divergence, kind: string): boolean {
  const extra = d.oursTrace.slice(d.line);
  const rest = d.pythonTrace.slice(d.line);
  const isReport = (l: string) => l.startsWith(`report ${kind} `);
  return extra.some(isReport) &&
    rest.every((l) => extra.includes(l)) &&
    extra.every((l) => rest.includes(l) || isReport(l));
}

function waitsForFirstException(p: Program): boolean {
  for (const s of allStatements(p)) {
    if (s.op === "wait" && s.when === "FIRST_EXCEPTION") return true;
  }
  return false;
}

/** The causes that explain a style's divergence (["new"] when none does). */
export function causes(o: Outcome, style: Style): Cause[] {
  const d = o.styles[style];
  if (d === null) return [];
  if (onlyExtraReports(d, "GatheringFuture")) return ["gatherReport"];
  if (onlyExtraReports(d, "Task") && waitsForFirstException(o.program)) return ["waitRetrieve"];
  const out: Cause[] = [];
  if (style === "async") {
    // The generator style of the same program matches (or fails only by
    // the report), so what differs is the async facade.
    if (o.probes.async.lateCancel > 0) out.push("lateCancel");
    if (o.probes.async.earlyCancel > 0) out.push("earlyCancel");
    if (o.probes.async.nestedUncancel > 0) out.push("nestedUncancel");
  }
  return out.length > 0 ? out : ["new"];
}
