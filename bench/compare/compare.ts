/**
 * The side-by-side benchmark: `deno task bench:compare`.
 *
 * Runs each workload on @yieldfrom/asyncio (generator style, and the async
 * facade), CPython asyncio (skipped with a note when python3 is absent),
 * plain Deno async/await (the ceiling) and Effection 4.1.1, in interleaved
 * rounds (ours, theirs, ours, ...), one process per run, timing only the
 * workload inside each process. Reports the median of ROUNDS runs, each
 * system's ratio to CPython, and the project's targets; writes the tables
 * to bench/RESULTS.md.
 *
 * Two figures per system: steady state (the process repeats the workload for
 * a second before the timed run, so the JIT has compiled it) and the first
 * run in a fresh process (`--once`: the workload runs once, no warm-up; the
 * time is still the workload's alone, measured inside the process). The wall
 * time of the `--once` processes (start-up, module loading, the run, exit) is
 * reported too.
 *
 * `--quick` (`deno task bench:compare --quick`): 3 rounds, and no W1 size
 * sweep, no W6, no Effection (a couple of minutes instead of ~20).
 *
 * Sizes come from environment variables (defaults in brackets): W1_N
 * [100000], W2_R [200000], W3_M [1000000], W4_N [100000], W5_D [50], W5_R
 * [100000], W6_CLIENTS [50], W6_ROUNDS [1000], W6_BYTES [100], W7_N
 * [200000], W8_TASKS [1000], W8_ROUNDS [100], ROUNDS [5]; WORKLOADS=W1,W3
 * runs a subset; SYSTEMS=ours,cpython a subset of systems.
 *
 * W6 (TCP echo) also runs uvloop: Debian's python3-uvloop for
 * /usr/bin/python3.11, installed with apt-get when missing (skipped with a
 * note where it cannot be).
 */

interface Result {
  system: string;
  workload: string;
  seconds: number;
  unit: string;
  value: number;
  unsupported?: boolean;
}

const env = (k: string, d: number) => Number(Deno.env.get(k) ?? d);
const QUICK = Deno.args.includes("--quick");
const ROUNDS = env("ROUNDS", QUICK ? 3 : 5);
const W1_N = env("W1_N", 100_000);
const W2_R = env("W2_R", 200_000);
const W3_M = env("W3_M", 1_000_000);
const W4_N = env("W4_N", 100_000);
const W5_D = env("W5_D", 50);
const W5_R = env("W5_R", 100_000);
const W7_N = env("W7_N", 200_000);
const W6 = [env("W6_CLIENTS", 50), env("W6_ROUNDS", 1000), env("W6_BYTES", 100)];
const W8_TASKS = env("W8_TASKS", 1000);
const W8_ROUNDS = env("W8_ROUNDS", 100);

/** A row of the table: one workload at one size. */
interface Row {
  id: string;
  workload: string;
  title: string;
  sizes: number[];
  /** Higher is better, except wall time and bytes. */
  higherIsBetter: boolean;
  /** Left out by `--quick`. */
  slow?: boolean;
  /** No first-run column (one run of it is long enough to be its own warm-up). */
  steadyOnly?: boolean;
  /** Systems that run it at a smaller size (size-normalised figures). */
  reduced?: Record<string, number[]>;
  systems?: string[];
}

const rows: Row[] = [
  {
    id: "W1",
    workload: "W1",
    title: `W1 spawn: ${W1_N} tasks, each sleep(0), gathered`,
    sizes: [W1_N],
    higherIsBetter: true,
    reduced: { effection: [Math.min(W1_N, 20_000)] },
  },
  {
    id: "W1-10k",
    workload: "W1",
    title: "W1 spawn at N = 10 000",
    slow: true,
    sizes: [10_000],
    higherIsBetter: true,
    systems: ["ours", "ours-async", "cpython"],
  },
  {
    id: "W1-1M",
    workload: "W1",
    title: "W1 spawn at N = 1 000 000",
    slow: true,
    steadyOnly: true,
    sizes: [1_000_000],
    higherIsBetter: true,
    systems: ["ours", "ours-async", "cpython"],
  },
  {
    id: "W2a",
    workload: "W2a",
    title: `W2 ping-pong through futures: ${W2_R} rounds`,
    sizes: [W2_R],
    higherIsBetter: true,
  },
  {
    id: "W2b",
    workload: "W2b",
    title: `W2 ping-pong through two Queue(1): ${W2_R} rounds`,
    sizes: [W2_R],
    higherIsBetter: true,
  },
  {
    id: "W3",
    workload: "W3",
    title: `W3 callSoon: ${W3_M} callbacks`,
    sizes: [W3_M],
    higherIsBetter: true,
    systems: ["ours", "cpython", "deno-native"],
  },
  {
    id: "W4",
    workload: "W4",
    title: `W4 timers: ${W4_N} tasks sleeping 0–20 ms, gathered (wall)`,
    sizes: [W4_N],
    higherIsBetter: false,
    reduced: { effection: [Math.min(W4_N, 20_000)] },
  },
  {
    id: "W5-0",
    workload: "W5",
    title: `W5 deep chain D = 0: ${W5_R} resumes`,
    sizes: [0, W5_R],
    higherIsBetter: true,
  },
  {
    id: "W5-D",
    workload: "W5",
    title: `W5 deep chain D = ${W5_D}: ${W5_R} resumes`,
    sizes: [W5_D, W5_R],
    higherIsBetter: true,
  },
  {
    id: "W6a",
    workload: "W6a",
    title: `W6 TCP echo, streams: ${W6[0]} clients × ${W6[1]} round trips of ${W6[2]} B`,
    sizes: W6,
    higherIsBetter: true,
    systems: ["ours", "ours-async", "cpython", "uvloop", "deno-native"],
  },
  {
    id: "W6b",
    workload: "W6b",
    title: `W6 TCP echo, protocols: ${W6[0]} clients × ${W6[1]} round trips of ${W6[2]} B`,
    sizes: W6,
    higherIsBetter: true,
    systems: ["ours", "cpython", "uvloop", "deno-native"],
  },
  {
    id: "W7",
    workload: "W7",
    title: `W7 memory: ${W7_N} tasks waiting on one Event (bytes per task)`,
    sizes: [W7_N],
    higherIsBetter: false,
    reduced: { effection: [Math.min(W7_N, 20_000)] },
  },
  {
    id: "W8",
    workload: "W8",
    title: `W8 lock: ${W8_TASKS} tasks × ${W8_ROUNDS} acquisitions, sleep(0) inside`,
    sizes: [W8_TASKS, W8_ROUNDS],
    higherIsBetter: true,
    systems: ["ours", "ours-async", "cpython", "deno-native"],
  },
  {
    id: "W8w",
    workload: "W8w",
    title: "W8 lock written with asyncWith(lock, body) (CPython: async with lock)",
    sizes: [W8_TASKS, W8_ROUNDS],
    higherIsBetter: true,
    systems: ["ours", "ours-async", "cpython"],
  },
  {
    id: "W8u",
    workload: "W8u",
    title: "W8 lock written with acquire(); using _ = lock (CPython: async with lock)",
    sizes: [W8_TASKS, W8_ROUNDS],
    higherIsBetter: true,
    systems: ["ours", "ours-async", "cpython"],
  },
];
for (const row of rows) if (row.workload.startsWith("W6")) row.slow = true;

/** A project target: `system`'s figure on `row` against CPython's (or `vs`'s, or a fixed bound). */
interface Target {
  row: string;
  system: string;
  text: string;
  ratio: number;
  atLeast: boolean;
  /** Compare with this system instead of CPython. */
  vs?: string;
  /** An absolute bound on the figure (W7's bytes per task), not a ratio. */
  absolute?: boolean;
}
const targets: Target[] = [
  { row: "W1", system: "ours", text: "W1 spawn ≥ 12× CPython", ratio: 12, atLeast: true },
  { row: "W2a", system: "ours", text: "W2 futures ≥ 12× CPython", ratio: 12, atLeast: true },
  { row: "W2b", system: "ours", text: "W2 queues ≥ 10× CPython", ratio: 10, atLeast: true },
  { row: "W3", system: "ours", text: "W3 callSoon ≥ 15× CPython", ratio: 15, atLeast: true },
  {
    row: "W4",
    system: "ours",
    text: "W4 timers ≤ 0.3× CPython's wall",
    ratio: 0.3,
    atLeast: false,
  },
  { row: "W5-0", system: "ours", text: "W5 yield* D = 0 ≥ 20× CPython", ratio: 20, atLeast: true },
  {
    row: "W5-D",
    system: "ours",
    text: `W5 yield* D = ${W5_D} ≥ 4× CPython`,
    ratio: 4,
    atLeast: true,
  },
  { row: "W6a", system: "ours", text: "W6 streams ≥ 3× CPython", ratio: 3, atLeast: true },
  {
    row: "W6b",
    system: "ours",
    text: "W6 protocols ≥ 0.9× Deno",
    ratio: 0.9,
    atLeast: true,
    vs: "deno-native",
  },
  {
    row: "W7",
    system: "ours",
    text: "W7 ≤ 600 B per waiting task (generator)",
    ratio: 600,
    atLeast: false,
    absolute: true,
  },
  {
    row: "W7",
    system: "ours-async",
    text: "W7 ≤ 1 200 B per waiting task (async)",
    ratio: 1200,
    atLeast: false,
    absolute: true,
  },
  { row: "W8", system: "ours", text: "W8 lock ≥ 20× CPython", ratio: 20, atLeast: true },
  { row: "W8w", system: "ours", text: "W8 with asyncWith ≥ 20× CPython", ratio: 20, atLeast: true },
  {
    row: "W1",
    system: "ours-async",
    text: "async facade W1 ≥ 0.5× Deno async/await",
    ratio: 0.5,
    atLeast: true,
    vs: "deno-native",
  },
  {
    row: "W2a",
    system: "ours-async",
    text: "async facade W2 futures ≥ 0.5× Deno async/await",
    ratio: 0.5,
    atLeast: true,
    vs: "deno-native",
  },
  {
    row: "W2b",
    system: "ours-async",
    text: "async facade W2 queues ≥ 0.5× Deno async/await",
    ratio: 0.5,
    atLeast: true,
    vs: "deno-native",
  },
];

const ALL_SYSTEMS = ["ours", "ours-async", "cpython", "deno-native", "effection"];
/** Debian's Python, which python3-uvloop is built for. */
const DEBIAN_PYTHON = "/usr/bin/python3.11";
const here = new URL(".", import.meta.url).pathname;
const deno = Deno.execPath();

async function hasPython(): Promise<boolean> {
  try {
    return (await new Deno.Command("python3", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output()).success;
  } catch {
    return false;
  }
}

/** Whether uvloop can run; installs Debian's python3-uvloop when missing (apt-get, as root). */
async function hasUvloop(): Promise<boolean> {
  const check = async () => {
    try {
      return (await new Deno.Command(DEBIAN_PYTHON, {
        args: ["-c", "import uvloop"],
        stdout: "null",
        stderr: "null",
      }).output()).success;
    } catch {
      return false;
    }
  };
  if (await check()) return true;
  try {
    console.error("bench: installing python3-uvloop (apt-get) for W6");
    const apt = (args: string[]) =>
      new Deno.Command("apt-get", { args, stdout: "null", stderr: "null" }).output();
    await apt(["update", "-qq"]);
    await apt(["install", "-y", "-qq", "python3-uvloop"]);
  } catch {
    // no apt-get here
  }
  return await check();
}

/** The runners' workload name: CPython writes W8 one way only (`async with lock:`). */
function runnerWorkload(system: string, workload: string): string {
  return (system === "cpython" || system === "uvloop") && workload.startsWith("W8")
    ? "W8"
    : workload;
}

function command(
  system: string,
  workload: string,
  sizes: number[],
  once: boolean,
): [string, string[]] {
  workload = runnerWorkload(system, workload);
  const s = sizes.map(String);
  if (once) s.push("--once");
  // W7 pins V8's young generation at its usual maximum (16 MB) for every
  // JavaScript runner: it grows from ~1 MB as a program allocates, and that
  // one-off growth, whatever the number of tasks, would otherwise be charged
  // to the tasks counted after the baseline.
  const v8 = workload === "W7"
    ? "--v8-flags=--expose-gc,--min-semi-space-size=16,--max-semi-space-size=16"
    : "--v8-flags=--expose-gc";
  const denoArgs = ["run", "-q", "--allow-env", "--allow-read", v8];
  // W6 talks TCP on loopback, to a server in a child process.
  if (workload.startsWith("W6")) denoArgs.push("--allow-net=127.0.0.1", "--allow-run");
  switch (system) {
    case "ours":
      return [deno, [...denoArgs, `${here}ours.ts`, workload, ...s]];
    case "ours-async":
      return [deno, [...denoArgs, `${here}ours.ts`, workload, ...s, "--async"]];
    case "deno-native":
      return [deno, [...denoArgs, `${here}native.ts`, workload, ...s]];
    case "effection":
      return [deno, [...denoArgs, `${here}effection.ts`, workload, ...s]];
    case "cpython":
      return ["python3", [`${here}asyncio_bench.py`, workload, ...s]];
    case "uvloop":
      return [DEBIAN_PYTHON, [`${here}asyncio_bench.py`, workload, ...s, "--uvloop"]];
  }
  throw new Error(system);
}

/** One process's result, and (for `--once` runs) the process's wall time in seconds. */
interface Sample {
  result: Result;
  wall: number;
}

async function runOne(
  system: string,
  workload: string,
  sizes: number[],
  once: boolean,
): Promise<Sample | null> {
  const [cmd, args] = command(system, workload, sizes, once);
  const t0 = performance.now();
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const wall = (performance.now() - t0) / 1000;
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    console.error(`${system} ${workload} failed:\n${new TextDecoder().decode(out.stderr)}`);
    return null;
  }
  const r = JSON.parse(text.split("\n").pop()!) as Result;
  return r.unsupported ? null : { result: r, wall };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(value: number, unit: string): string {
  if (unit === "s wall") return `${value.toFixed(3)} s`;
  if (unit === "bytes/task") return `${Math.round(value)} B`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M/s`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k/s`;
  return `${value.toFixed(1)}/s`;
}

const python = await hasPython();
const wanted = Deno.env.get("WORKLOADS")?.split(",");
const wantedSystems = Deno.env.get("SYSTEMS")?.split(",");
const selected = rows.filter((r) =>
  wanted ? wanted.includes(r.workload) || wanted.includes(r.id) : !(QUICK && r.slow)
);
const uvloop = selected.some((r) => r.workload.startsWith("W6")) && await hasUvloop();

/** A system's medians on one row: steady state, first run, and the first run's process wall. */
interface Medians {
  steady?: number;
  first?: number;
  wall?: number;
  unit: string;
  n: number[];
}
const medians = new Map<string, Map<string, Medians>>();
/** Samples by command line: rows that run the same command (CPython's W8) share them. */
const cache = new Map<string, Sample[]>();

for (const row of selected) {
  const systems = (row.systems ?? ALL_SYSTEMS).filter((s) =>
    (s !== "cpython" || python) && (s !== "uvloop" || uvloop) &&
    (s !== "effection" || !QUICK || wantedSystems !== undefined) &&
    (!wantedSystems || wantedSystems.includes(s))
  );
  const key = (system: string, once: boolean) => {
    const sizes = row.reduced?.[system] ?? row.sizes;
    return JSON.stringify(command(system, row.workload, sizes, once));
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const system of systems) {
      const sizes = row.reduced?.[system] ?? row.sizes;
      for (const once of row.steadyOnly ? [false] : [false, true]) {
        const k = key(system, once);
        const cached = cache.get(k);
        if (cached !== undefined && cached.length >= ROUNDS) continue;
        const r = await runOne(system, row.workload, sizes, once);
        if (r === null) continue;
        cache.set(k, [...(cached ?? []), r]);
        console.error(
          `${row.id} round ${round + 1}/${ROUNDS} ${system}${once ? " first run" : ""}: ${
            fmt(r.result.value, r.result.unit)
          }${once ? ` (process ${r.wall.toFixed(2)} s)` : ""}`,
        );
      }
    }
  }
  const m = new Map<string, Medians>();
  for (const system of systems) {
    const steady = cache.get(key(system, false)) ?? [];
    const first = cache.get(key(system, true)) ?? [];
    const any = steady[0] ?? first[0];
    if (any === undefined) continue;
    m.set(system, {
      steady: steady.length ? median(steady.map((r) => r.result.value)) : undefined,
      first: first.length ? median(first.map((r) => r.result.value)) : undefined,
      wall: first.length ? median(first.map((r) => r.wall)) : undefined,
      unit: any.result.unit,
      n: row.reduced?.[system] ?? row.sizes,
    });
  }
  medians.set(row.id, m);
}

// --- the tables --------------------------------------------------------------
const COLUMNS: [string, string][] = [
  ["ours", "ours"],
  ["ours-async", "ours (async)"],
  ["cpython", "CPython"],
  ["uvloop", "uvloop"],
  ["deno-native", "Deno async/await"],
  ["effection", "Effection 4.1.1"],
];
const shown = COLUMNS.filter(([s]) => selected.some((r) => medians.get(r.id)?.has(s)));
const header = [
  "workload",
  ...shown.flatMap(([, name]) => [`${name} steady`, `${name} first run`]),
  "ours ÷ CPython steady",
  "ours ÷ CPython first run",
];
const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
const notes: string[] = [];
const ratioText = (row: Row, a: number | undefined, b: number | undefined) => {
  if (a === undefined || b === undefined) return "—";
  if (row.workload === "W7") return `${(b / a).toFixed(1)}× less`;
  return `${(a / b).toFixed(2)}×`;
};
for (const row of selected) {
  const m = medians.get(row.id)!;
  const cell = (s: string, which: "steady" | "first") => {
    const v = m.get(s);
    const x = v?.[which];
    if (v === undefined || x === undefined) return "—";
    const reduced = row.reduced?.[s] !== undefined && row.reduced[s].join() !== row.sizes.join();
    return fmt(x, v.unit) + (reduced ? "¹" : "");
  };
  const ours = m.get("ours");
  const py = m.get("cpython");
  lines.push(
    `| ${
      [
        row.title,
        ...shown.flatMap(([s]) => [cell(s, "steady"), cell(s, "first")]),
        ratioText(row, ours?.steady, py?.steady),
        ratioText(row, ours?.first, py?.first),
      ].join(" | ")
    } |`,
  );
}

// Process wall time of the first-run (--once) processes.
const wallHeader = ["workload", ...shown.map(([, name]) => name)];
const wallLines = [
  `| ${wallHeader.join(" | ")} |`,
  `|${wallHeader.map(() => "---").join("|")}|`,
];
for (const row of selected) {
  const m = medians.get(row.id)!;
  wallLines.push(
    `| ${
      [
        row.title,
        ...shown.map(([s]) => {
          const w = m.get(s)?.wall;
          return w === undefined ? "—" : `${w.toFixed(2)} s`;
        }),
      ].join(" | ")
    } |`,
  );
}

// The project's targets, in both columns.
const targetLines = [
  "| target | steady | met | first run | met |",
  "|---|---|---|---|---|",
];
for (const t of targets) {
  const row = selected.find((r) => r.id === t.row);
  const m = medians.get(t.row);
  const v = m?.get(t.system);
  if (row === undefined || v === undefined) continue;
  const ref = t.absolute ? undefined : m!.get(t.vs ?? "cpython");
  const judge = (which: "steady" | "first"): [string, string] => {
    const x = v[which];
    if (x === undefined) return ["—", "—"];
    let figure: number;
    let text: string;
    if (t.absolute) {
      figure = x;
      text = fmt(x, v.unit);
    } else {
      const y = ref?.[which];
      if (y === undefined) return ["—", "—"];
      figure = x / y;
      text = `${figure.toFixed(2)}×`;
    }
    const ok = t.atLeast ? figure >= t.ratio : figure <= t.ratio;
    return [text, ok ? "yes" : "**no**"];
  };
  targetLines.push(`| ${[t.text, ...judge("steady"), ...judge("first")].join(" | ")} |`);
}

const w1 = (id: string) => medians.get(id)?.get("ours")?.steady;
if (w1("W1-10k") && w1("W1-1M")) {
  const drop = 1 - w1("W1-1M")! / w1("W1-10k")!;
  notes.push(
    `W1 rate (steady) from 10k to 1M tasks: ${fmt(w1("W1-10k")!, "tasks/s")} → ${
      fmt(w1("W1-1M")!, "tasks/s")
    } (${drop > 0 ? "falls" : "rises"} ${Math.abs(drop * 100).toFixed(0)}%; target: falls ≤ 20%).`,
  );
}
if (!python) notes.push("python3 is not installed here: the CPython column is empty.");
if (selected.some((r) => r.workload.startsWith("W6"))) {
  notes.push(
    "W6: each system serves its own clients from a second process of the same kind (its " +
      "startServer/createServer, or Deno.listen for plain Deno); the clients run in the measured " +
      "process. W6a's 'ours' is the generator style, W6b's the protocol classes; plain Deno runs " +
      "the same async/await client for both.",
  );
  if (!uvloop) {
    notes.push(
      `uvloop could not be had (${DEBIAN_PYTHON} with python3-uvloop): its column is empty.`,
    );
  }
}
const ranEffection = shown.some(([s]) => s === "effection");
if (ranEffection) {
  notes.push(
    "¹ Effection ran W1 and W4 with 20 000 tasks and W7 with 20 000 waiters (rates and bytes per " +
      "task are per task): at full size one run takes 16 s, 20 s and 66 s.",
    "Effection's sleep(0) waits for a host timer (~2 ms in Deno); its runs yield with " +
      "call(() => Promise.resolve()) instead, which interleaves tasks the same way. It has no " +
      "callback scheduling (W3) and no lock (W8); its queues are unbounded (W2b).",
  );
}
notes.push(
  "Deno async/await is the ceiling for any JavaScript runtime: no loop of its own, no " +
    "cancellation, no ordering guarantees; 'yield once' is one microtask hop.",
  "W3 (callSoon) has no async-facade variant: callbacks are the same in both styles.",
);

const cpu = (() => {
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    return /model name\s*:\s*(.*)/.exec(info)?.[1] ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
})();
const versions = async (cmd: string, args: string[]) => {
  try {
    const o = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    return new TextDecoder().decode(o.stdout).split("\n")[0].trim() ||
      new TextDecoder().decode(o.stderr).split("\n")[0].trim();
  } catch {
    return "absent";
  }
};
const report = [
  "# Side-by-side benchmark",
  "",
  `Date: ${
    new Date().toISOString().slice(0, 10)
  }. Machine: ${cpu}, ${navigator.hardwareConcurrency} ` +
  `cores (shared and noisy: compare ratios within one run). ${await versions(deno, [
    "--version",
  ])}; ` +
  `${python ? await versions("python3", ["--version"]) : "no python3"}; Effection 4.1.1.`,
  "",
  `Command: \`deno task bench:compare${QUICK ? " --quick" : ""}\` — median of ${ROUNDS} ` +
  "interleaved runs per system, one process per run, timing only the workload inside the " +
  "process. **steady**: before its timed run the process repeats the workload for at least a " +
  "second (W7: once, at a tenth of the size), so the JIT has compiled it — every system does " +
  "the same. **first run**: the workload's first run in a fresh process (no warm-up; process " +
  "start-up and module loading not timed). 'ours ÷ CPython' is the generator style's figure " +
  "over CPython's (for W4 wall time, lower is better; W7 is bytes per waiting task, with V8's " +
  "young generation pinned at 16 MB for every JavaScript runner). CPython has one way to write " +
  "W8 (`async with lock:`): its W8 rows are the same runs.",
  "",
  ...lines,
  "",
  "Targets (ours against CPython unless said otherwise):",
  "",
  ...targetLines,
  "",
  "Wall time of the first-run processes (start-up, module loading, the one run, exit; median):",
  "",
  ...wallLines,
  "",
  ...notes.map((n) => `- ${n}`),
  "",
].join("\n");
console.log(report);
Deno.writeTextFileSync(new URL("../RESULTS.md", import.meta.url), report);
