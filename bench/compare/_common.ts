/** Shared by the TypeScript runners of the side-by-side benchmark. */

/** One result line, as the orchestrator reads it. */
export interface Result {
  system: string;
  workload: string;
  seconds: number;
  unit: string;
  value: number;
}

/** The same pseudo-random delays as asyncio_bench.py (fixed seed), in seconds. */
export function lcgDelays(n: number, maxSeconds: number): number[] {
  let seed = 42;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out[i] = (seed / 2147483648) * maxSeconds;
  }
  return out;
}

/** Resident set size after a full garbage collection (needs --v8-flags=--expose-gc). */
export function rssAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  gc();
  gc();
  return Deno.memoryUsage().rss;
}

/** Print the result line. */
export function report(r: Result): void {
  console.log(JSON.stringify(r));
}

/** `WORKLOAD SIZE...` from the command line. */
export function args(): [string, number[]] {
  const [workload, ...sizes] = Deno.args.filter((a) => !a.startsWith("--"));
  return [workload, sizes.map(Number)];
}

/**
 * `--once` on the command line: the first run in a fresh process. The
 * workload runs once, with no warm-up, so its time includes the JIT
 * compiling the code on the way (module loading and process start-up are
 * not timed).
 */
export const ONCE = Deno.args.includes("--once");

/** A workload: its sizes in, `[seconds, unit, value]` out. */
export type Workload = (...sizes: number[]) => Promise<readonly [number, string, number]>;

/** How long the workload is repeated before the timed run. */
export const WARMUP_MS = 1000;

/**
 * Run the workload named on the command line and print its result line.
 * Before the timed run it warms up: the workload repeated for at least a
 * second, so the JIT has compiled it (the table compares throughput, not
 * JIT warm-up; every system does the same, CPython included); for W7, one
 * run at a tenth of the size (enough to compile it, without growing the
 * heap the measurement starts from). With `--once` there is no warm-up: the
 * workload's first run in this process is the one timed. A workload the
 * system cannot express is reported as unsupported.
 */
export async function runWorkload(system: string, fns: Record<string, Workload>): Promise<void> {
  const [workload, sizes] = args();
  const fn = fns[workload];
  if (fn === undefined) {
    console.log(JSON.stringify({ system, workload, unsupported: true }));
    return;
  }
  if (ONCE) {
    // the first run in a fresh process: no warm-up
  } else if (workload === "W7") {
    await fn(...sizes.map((n) => Math.max(1, Math.floor(n / 10))));
  } else {
    const end = performance.now() + WARMUP_MS;
    do await fn(...sizes); while (performance.now() < end);
  }
  const [seconds, unit, value] = await fn(...sizes);
  report({ system, workload, seconds, unit, value });
}

/**
 * W6's echo server: this runner started again as `WORKLOAD=W6serve` in a
 * child process (each system serves its own clients from a second process,
 * as a server and its clients run in practice). The child prints its port
 * and serves until its stdin closes, which happens when this process exits.
 */
export async function echoServerChild(args: string[]): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-q",
      "--allow-net",
      "--allow-read",
      "--allow-env",
      new URL(Deno.mainModule).pathname,
      "W6serve",
      ...args,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the W6 echo server ended before printing its port");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  child.stdout.cancel();
  child.unref();
  return Number(text.trim());
}

/** In the W6 server child: print the port, and exit when stdin closes (the parent is gone). */
export function servedUntilStdinCloses(port: number): void {
  console.log(port);
  (async () => {
    for await (const _ of Deno.stdin.readable) {
      // nothing is sent: wait for the end
    }
    Deno.exit(0);
  })();
}

/** W6's sizes from the command line: clients, round trips each, bytes per message. */
export const W6_DEFAULTS = [50, 1000, 100];
