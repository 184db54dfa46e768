/**
 * The ports of seed 002's three count-down programs and of seed 004 § 3.6's
 * thread-pool programs (`examples/seed002/`, `examples/seed004/3_6_*`), run
 * with `deno run` as a user would. Delays are scaled down with the
 * programs' `scale` argument; the checks read the recorded timestamps
 * (order within a job, jobs overlapping), never the wall clock.
 */
import { assert, assertEquals } from "@std/assert";

const EXAMPLES = new URL("../examples/", import.meta.url);
const DASH = "-".repeat(40);

async function runExample(
  file: string,
  args: string[],
  options: { allow?: string[]; env?: Record<string, string> } = {},
): Promise<string> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.allow ?? []), new URL(file, EXAMPLES).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
  });
  const child = cmd.spawn();
  // Not a timing assertion: an example that never exits would hang the suite.
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const res = await child.output();
  clearTimeout(guard);
  const err = new TextDecoder().decode(res.stderr);
  assertEquals(res.code, 0, `${file} failed:\n${err}`);
  assertEquals(err, "", `${file} wrote to stderr`);
  return new TextDecoder().decode(res.stdout);
}

/** One printed step of a count-down: `1.0010 \tA = 3`. */
interface Step {
  t: number;
  name: string;
  n: number;
}

const DELAY: Record<string, number> = { A: 1, B: 0.8, C: 0.5 };

/** The steps of a count-down program's output, checking the seed's layout line by line. */
function parseSteps(out: string, done: string): Step[] {
  const lines = out.split("\n");
  assertEquals(lines.pop(), "", "output ends with a newline");
  assertEquals(lines.slice(-2), [DASH, done]);
  const steps: Step[] = [];
  for (let i = 0; i < lines.length - 2; i += 2) {
    assertEquals(lines[i], DASH);
    const m = /^(\d+\.\d{4}) \t(\t*)([ABC]) = ([123])$/.exec(lines[i + 1]);
    if (m === null) throw new Error(`not in the seed's layout: ${JSON.stringify(lines[i + 1])}`);
    // The seed indents each name by its distance from 'A', with tabs.
    assertEquals(m[2].length, m[3].charCodeAt(0) - 65, lines[i + 1]);
    steps.push({ t: Number(m[1]), name: m[3], n: Number(m[4]) });
  }
  assertEquals(steps.length, 9);
  return steps;
}

const names = (steps: Step[]) => steps.map((s) => `${s.name}${s.n}`);

/** Each count-down prints 3, 2, 1 in that order, at increasing times. */
function assertEachCountsDown(steps: Step[]): void {
  for (const name of ["A", "B", "C"]) {
    const own = steps.filter((s) => s.name === name);
    assertEquals(own.map((s) => s.n), [3, 2, 1], name);
    assert(own[0].t < own[1].t && own[1].t < own[2].t, `${name}: ${own.map((s) => s.t)}`);
  }
}

// The seeds' outputs, in their order, with the times the delays add up to.
const SEED_SEQUENTIAL = [
  ["A", 3, 1.0],
  ["A", 2, 2.0],
  ["A", 1, 3.0],
  ["B", 3, 3.8],
  ["B", 2, 4.6],
  ["B", 1, 5.4],
  ["C", 3, 5.9],
  ["C", 2, 6.4],
  ["C", 1, 6.9],
] as const;
const SEED_CONCURRENT = [
  ["C", 3, 0.5],
  ["B", 3, 0.8],
  ["A", 3, 1.0],
  ["C", 2, 1.0],
  ["C", 1, 1.5],
  ["B", 2, 1.6],
  ["A", 2, 2.0],
  ["B", 1, 2.4],
  ["A", 1, 3.0],
] as const;

function seedOutput(steps: readonly (readonly [string, number, number])[], done: string): string {
  const body = steps.map(([name, n, t]) =>
    `${DASH}\n${t.toFixed(4)} \t${"\t".repeat(name.charCodeAt(0) - 65)}${name} = ${n}\n`
  );
  return body.join("") + `${DASH}\n${done}\n`;
}

Deno.test("seed 002 program 1: the count-downs run one after the other", async () => {
  const out = await runExample("seed002/01_sequential_count_down.ts", ["0.05"]);
  const steps = parseSteps(out, "Done");
  assertEquals(names(steps), SEED_SEQUENTIAL.map(([name, n]) => `${name}${n}`));
  for (let i = 1; i < steps.length; i++) assert(steps[i - 1].t < steps[i].t, out);
});

for (const form of ["async", "legacy"]) {
  const file = `seed002/02_async_count_down.${form}.ts`;

  Deno.test(`seed 002 program 2 (${form} form) prints the seed on the virtual clock`, async () => {
    const out = await runExample(file, [], {
      allow: ["--allow-env=YIELDFROM_ASYNCIO_CLOCK"],
      env: { YIELDFROM_ASYNCIO_CLOCK: "virtual" },
    });
    assertEquals(out, seedOutput(SEED_CONCURRENT, "Done"));
  });

  Deno.test(`seed 002 program 2 (${form} form) on the real clock: the tasks interleave`, async () => {
    const out = await runExample(file, ["0.1"]);
    const steps = parseSteps(out, "Done");
    assertEachCountsDown(steps);
    // One thread: lines come out in time order, and C (the shortest) leads.
    for (let i = 1; i < steps.length; i++) assert(steps[i - 1].t <= steps[i].t, out);
    assertEquals(names(steps).slice(0, 3), ["C3", "B3", "A3"]);
  });
}

for (const form of ["async", "legacy"]) {
  Deno.test(`seed 002 program 3 (${form} form): the jobs overlap in three workers`, async () => {
    const scale = 0.5;
    const out = await runExample(`seed002/03_executor_count_down.${form}.ts`, [String(scale)], {
      allow: ["--allow-read"],
    });
    const steps = parseSteps(out, "Done.");
    assertEachCountsDown(steps);
    // A job ran from (its first step − its delay) to its last step; run one
    // after the other, these intervals would not meet. In workers, each pair
    // overlaps.
    const span = (name: string) => {
      const own = steps.filter((s) => s.name === name);
      return [own[0].t - DELAY[name] * scale, own[2].t];
    };
    for (const [x, y] of [["A", "B"], ["A", "C"], ["B", "C"]]) {
      const [sx, ex] = span(x);
      const [sy, ey] = span(y);
      assert(sx < ey && sy < ex, `${x} [${sx}, ${ex}] and ${y} [${sy}, ${ey}] overlap\n${out}`);
    }
  });
}

Deno.test("seed 004 § 3.6: a bare ThreadPoolExecutor(maxWorkers: 1) runs ten jobs in order", async () => {
  const out = await runExample("seed004/3_6_thread_pool.ts", ["0.02"], { allow: ["--allow-read"] });
  const expected = [
    ...Array.from({ length: 10 }, () => "<Future pending>"),
    ...Array.from({ length: 10 }, (_, i) => String(i)),
  ];
  assertEquals(out, expected.join("\n") + "\n");
});

for (const form of ["async", "legacy"]) {
  Deno.test(`seed 004 § 3.6: runInExecutor(null, func) (${form} form)`, async () => {
    const out = await runExample(`seed004/3_6_run_in_executor.${form}.ts`, ["0.05"], {
      allow: ["--allow-read"],
    });
    assertEquals(out, "default thread pool result\n");
  });
}
