/**
 * The side-by-side benchmark: `deno task bench:compare`.
 *
 * Runs each workload on @yieldfrom/asyncio (generator style, and the async
 * facade), CPython asyncio (skipped with a note when python3 is absent),
 * plain Deno async/await (the ceiling) and Effection 4.1.1, in interleaved
 * rounds (ours, theirs, ours, ...), one process per run, timing only the
 * workload inside each process. Reports the median of ROUNDS runs, each
 * system's ratio to CPython and to ours, and the project's targets; writes
 * the table to bench/RESULTS.md.
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
const ROUNDS = env("ROUNDS", 5);
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
  /** The project's target, as a ratio of ours to CPython (or to `vs`). */
  target?: { ratio: number; atLeast: boolean; text: string; vs?: string };
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
    target: { ratio: 12, atLeast: true, text: "≥ 12×" },
    reduced: { effection: [Math.min(W1_N, 20_000)] },
  },
  {
    id: "W1-10k",
    workload: "W1",
    title: "W1 spawn at N = 10 000",
    sizes: [10_000],
    higherIsBetter: true,
    systems: ["ours", "ours-async", "cpython"],
  },
  {
    id: "W1-1M",
    workload: "W1",
    title: "W1 spawn at N = 1 000 000",
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
    target: { ratio: 12, atLeast: true, text: "≥ 12×" },
  },
  {
    id: "W2b",
    workload: "W2b",
    title: `W2 ping-pong through two Queue(1): ${W2_R} rounds`,
    sizes: [W2_R],
    higherIsBetter: true,
    target: { ratio: 10, atLeast: true, text: "≥ 10×" },
  },
  {
    id: "W3",
    workload: "W3",
    title: `W3 callSoon: ${W3_M} callbacks`,
    sizes: [W3_M],
    higherIsBetter: true,
    target: { ratio: 15, atLeast: true, text: "≥ 15×" },
    systems: ["ours", "cpython", "deno-native"],
  },
  {
    id: "W4",
    workload: "W4",
    title: `W4 timers: ${W4_N} tasks sleeping 0–20 ms, gathered (wall)`,
    sizes: [W4_N],
    higherIsBetter: false,
    target: { ratio: 0.3, atLeast: false, text: "≤ 0.3×" },
    reduced: { effection: [Math.min(W4_N, 20_000)] },
  },
  {
    id: "W5-0",
    workload: "W5",
    title: `W5 deep chain D = 0: ${W5_R} resumes`,
    sizes: [0, W5_R],
    higherIsBetter: true,
    target: { ratio: 20, atLeast: true, text: "≥ 20×" },
  },
  {
    id: "W5-D",
    workload: "W5",
    title: `W5 deep chain D = ${W5_D}: ${W5_R} resumes`,
    sizes: [W5_D, W5_R],
    higherIsBetter: true,
    target: { ratio: 4, atLeast: true, text: "≥ 4×" },
  },
  {
    id: "W6a",
    workload: "W6a",
    title: `W6 TCP echo, streams: ${W6[0]} clients × ${W6[1]} round trips of ${W6[2]} B`,
    sizes: W6,
    higherIsBetter: true,
    target: { ratio: 3, atLeast: true, text: "≥ 3×" },
    systems: ["ours", "ours-async", "cpython", "uvloop", "deno-native"],
  },
  {
    id: "W6b",
    workload: "W6b",
    title: `W6 TCP echo, protocols: ${W6[0]} clients × ${W6[1]} round trips of ${W6[2]} B`,
    sizes: W6,
    higherIsBetter: true,
    target: { ratio: 0.9, atLeast: true, text: "≥ 0.9× Deno", vs: "deno-native" },
    systems: ["ours", "cpython", "uvloop", "deno-native"],
  },
  {
    id: "W7",
    workload: "W7",
    title: `W7 memory: ${W7_N} tasks waiting on one Event (bytes per task)`,
    sizes: [W7_N],
    higherIsBetter: false,
    target: { ratio: 600, atLeast: false, text: "≤ 600 B" },
    reduced: { effection: [Math.min(W7_N, 20_000)] },
  },
  {
    id: "W8",
    workload: "W8",
    title: `W8 lock: ${W8_TASKS} tasks × ${W8_ROUNDS} acquisitions, sleep(0) inside`,
    sizes: [W8_TASKS, W8_ROUNDS],
    higherIsBetter: true,
    target: { ratio: 20, atLeast: true, text: "≥ 20×" },
    systems: ["ours", "ours-async", "cpython", "deno-native"],
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

function command(system: string, workload: string, sizes: number[]): [string, string[]] {
  const s = sizes.map(String);
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

async function runOne(system: string, workload: string, sizes: number[]): Promise<Result | null> {
  const [cmd, args] = command(system, workload, sizes);
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    console.error(`${system} ${workload} failed:\n${new TextDecoder().decode(out.stderr)}`);
    return null;
  }
  const r = JSON.parse(text.split("\n").pop()!) as Result;
  return r.unsupported ? null : r;
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

/** How many times better `a` is than `b` (so > 1 means `a` wins). */
function better(a: number, b: number, higherIsBetter: boolean): number {
  return higherIsBetter ? a / b : b / a;
}

const python = await hasPython();
const uvloop = (Deno.env.get("WORKLOADS") ?? "W6").includes("W6") && await hasUvloop();
const wanted = Deno.env.get("WORKLOADS")?.split(",");
const wantedSystems = Deno.env.get("SYSTEMS")?.split(",");
const selected = rows.filter((r) =>
  !wanted || wanted.includes(r.workload) || wanted.includes(r.id)
);
const medians = new Map<string, Map<string, { value: number; unit: string; n: number[] }>>();

for (const row of selected) {
  const systems = (row.systems ?? ALL_SYSTEMS).filter((s) =>
    (s !== "cpython" || python) && (s !== "uvloop" || uvloop) &&
    (!wantedSystems || wantedSystems.includes(s))
  );
  const samples = new Map<string, Result[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const system of systems) {
      const sizes = row.reduced?.[system] ?? row.sizes;
      const r = await runOne(system, row.workload, sizes);
      if (r === null) continue;
      samples.set(system, [...(samples.get(system) ?? []), r]);
      console.error(`${row.id} round ${round + 1}/${ROUNDS} ${system}: ${fmt(r.value, r.unit)}`);
    }
  }
  const m = new Map<string, { value: number; unit: string; n: number[] }>();
  for (const [system, rs] of samples) {
    m.set(system, {
      value: median(rs.map((r) => r.value)),
      unit: rs[0].unit,
      n: row.reduced?.[system] ?? row.sizes,
    });
  }
  medians.set(row.id, m);
}

// --- the table ---------------------------------------------------------------
const header =
  "| workload | ours | ours (async) | CPython | uvloop | Deno async/await | Effection 4.1.1 | ours vs CPython | target | met |";
const lines = [header, "|---|---|---|---|---|---|---|---|---|---|"];
const notes: string[] = [];
for (const row of selected) {
  const m = medians.get(row.id)!;
  const cell = (s: string) => {
    const v = m.get(s);
    if (v === undefined) return "—";
    const ours = m.get("ours");
    const reduced = row.reduced?.[s] !== undefined && row.reduced[s].join() !== row.sizes.join();
    let text = fmt(v.value, v.unit) + (reduced ? "¹" : "");
    if (ours && s !== "ours") {
      const r = better(ours.value, v.value, row.higherIsBetter);
      text += ` (ours ${r >= 1 ? r.toFixed(1) + "× better" : (1 / r).toFixed(1) + "× worse"})`;
    }
    return text;
  };
  const ours = m.get("ours");
  const py = m.get("cpython");
  let ratio = "—";
  let met = "—";
  if (ours && row.workload === "W7") {
    ratio = py ? `${(py.value / ours.value).toFixed(1)}× less` : "—";
    met = row.target ? (ours.value <= row.target.ratio ? "yes" : "**no**") : "—";
  } else if (ours && row.target?.vs) {
    const ref = m.get(row.target.vs);
    if (py) ratio = `${(ours.value / py.value).toFixed(2)}×`;
    if (ref) {
      const r = ours.value / ref.value;
      met = (row.target.atLeast ? r >= row.target.ratio : r <= row.target.ratio)
        ? `yes (${r.toFixed(2)}×)`
        : `**no** (${r.toFixed(2)}×)`;
    }
  } else if (ours && py) {
    const r = ours.value / py.value;
    ratio = `${r.toFixed(2)}×`;
    if (row.target) {
      met = (row.target.atLeast ? r >= row.target.ratio : r <= row.target.ratio) ? "yes" : "**no**";
    }
  }
  lines.push(
    `| ${row.title} | ${cell("ours")} | ${cell("ours-async")} | ${cell("cpython")} | ${
      cell("uvloop")
    } | ${cell("deno-native")} | ${cell("effection")} | ${ratio} | ${
      row.target?.text ?? ""
    } | ${met} |`,
  );
}
const w1 = (id: string) => medians.get(id)?.get("ours")?.value;
if (w1("W1-10k") && w1("W1-1M")) {
  const drop = 1 - w1("W1-1M")! / w1("W1-10k")!;
  notes.push(
    `W1 rate from 10k to 1M tasks: ${fmt(w1("W1-10k")!, "tasks/s")} → ${
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
notes.push(
  "¹ Effection ran W1 and W4 with 20 000 tasks and W7 with 20 000 waiters (rates and bytes per " +
    "task are per task): at full size one run takes 16 s, 20 s and 66 s.",
  "Effection's sleep(0) waits for a host timer (~2 ms in Deno); its runs yield with " +
    "call(() => Promise.resolve()) instead, which interleaves tasks the same way. It has no " +
    "callback scheduling (W3) and no lock (W8); its queues are unbounded (W2b).",
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
  `Command: \`deno task bench:compare\` — median of ${ROUNDS} interleaved runs per system, one ` +
  "process per run, timing only the workload inside the process; before its timed run each " +
  "process repeats the workload for at least a second (W7: once, at a tenth of the size), so " +
  "the JIT has compiled it — every system does the same, and the table compares steady " +
  "throughput, not JIT warm-up. 'ours vs CPython' is ours ÷ " +
  "CPython (for W4 wall time, lower is better; W7 is bytes per waiting task, with V8's young " +
  "generation pinned at 16 MB for every JavaScript runner).",
  "",
  ...lines,
  "",
  ...notes.map((n) => `- ${n}`),
  "",
].join("\n");
console.log(report);
Deno.writeTextFileSync(new URL("../RESULTS.md", import.meta.url), report);
