/**
 * Every seed program in examples/ prints what its seed shows: each example
 * runs as its own process (`deno run`), as a user would run it, on the
 * virtual clock (YIELDFROM_ASYNCIO_CLOCK=virtual), and its output is compared
 * with the `.out` file beside it. Both forms of a program (`.legacy.ts` and
 * `.async.ts`) share one `.out`.
 *
 * The executor programs (seed 002, seed 004 §3.6) use real threads and real
 * time; they are checked by tests/examples_seed002_test.ts. The network
 * programs (seed 001's TCP echo server and client, seed 004's Redis client)
 * need a peer and --allow-net: tests/examples_network_test.ts runs them, as
 * it runs the aiohttp programs (seeds 001, 003, 004), which start a local
 * HTTP server.
 */
import { assert, assertEquals } from "@std/assert";

const root = new URL("../examples/", import.meta.url);
const REAL_TIME = /thread|executor|count_down|tcp_echo|redis|aiohttp/;

/**
 * A Task repr names the file it was defined in (the seed's path is the
 * author's); a thread listing names the process id (the seed's, its author's).
 */
function normalize(text: string): string {
  return text.replace(/defined at [^>]+>/g, "defined at …>").replace(
    /started \d+\)/g,
    "started …)",
  );
}

interface Example {
  dir: string;
  base: string;
  files: string[];
}

function collect(): Example[] {
  const examples: Example[] = [];
  for (
    const dir of [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name).sort()
  ) {
    const names = [...Deno.readDirSync(new URL(`${dir}/`, root))].map((e) => e.name).sort();
    for (const out of names.filter((n) => n.endsWith(".out") && !REAL_TIME.test(n))) {
      const base = out.slice(0, -4);
      const files = names.filter((n) =>
        n === `${base}.ts` || n === `${base}.async.ts` || n === `${base}.legacy.ts`
      );
      examples.push({ dir, base, files });
    }
  }
  return examples;
}

const examples = collect();

async function runExample(path: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env=YIELDFROM_ASYNCIO_CLOCK", path],
    env: { YIELDFROM_ASYNCIO_CLOCK: "virtual", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

// Start every run now, a few at a time; each test awaits its own.
const queue: (() => Promise<void>)[] = [];
const results = new Map<string, Promise<Awaited<ReturnType<typeof runExample>>>>();
for (const ex of examples) {
  for (const f of ex.files) {
    const path = new URL(`${ex.dir}/${f}`, root).pathname;
    let resolve!: (r: Awaited<ReturnType<typeof runExample>>) => void;
    results.set(path, new Promise((r) => (resolve = r)));
    queue.push(async () => resolve(await runExample(path)));
  }
}
const workers = Array.from({ length: 4 }, async () => {
  while (queue.length > 0) await queue.shift()!();
});
const allDone = Promise.all(workers);

Deno.test("every asyncio example comes in both forms, and every example has its .out", () => {
  for (const ex of examples) {
    assert(ex.files.length > 0, `${ex.dir}/${ex.base}.out has no program beside it`);
    const plain = ex.files.includes(`${ex.base}.ts`);
    if (!plain) {
      assertEquals(
        ex.files,
        [`${ex.base}.async.ts`, `${ex.base}.legacy.ts`],
        `${ex.dir}/${ex.base}: both forms`,
      );
    }
  }
  for (const dir of [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name)) {
    for (const n of [...Deno.readDirSync(new URL(`${dir}/`, root))].map((e) => e.name)) {
      if (!n.endsWith(".ts") || REAL_TIME.test(n)) continue;
      const base = n.replace(/(\.async|\.legacy)?\.ts$/, "");
      assert(examples.some((ex) => ex.dir === dir && ex.base === base), `${dir}/${n} has no .out`);
    }
  }
});

for (const ex of examples) {
  for (const f of ex.files) {
    const path = new URL(`${ex.dir}/${f}`, root).pathname;
    Deno.test(`examples/${ex.dir}/${f} prints what the seed shows`, async () => {
      const r = await results.get(path)!;
      assertEquals(r.stderr, "", `stderr of ${f}`);
      assertEquals(r.code, 0);
      const expected = Deno.readTextFileSync(new URL(`${ex.dir}/${ex.base}.out`, root));
      assertEquals(normalize(r.stdout), normalize(expected));
    });
  }
}

Deno.test("all example runs finished", async () => {
  await allDone;
});

Deno.test("examples/seed001/1_a_b_threads.ts runs a and b at once, each in its own order", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", new URL("seed001/1_a_b_threads.ts", root).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assertEquals(dec.decode(out.stderr), "");
  assertEquals(out.code, 0);
  const lines = dec.decode(out.stdout).trimEnd().split("\n");
  // The OS interleaves the two workers' lines ("输出会乱"); each keeps its order.
  assertEquals(lines.filter((l) => l.startsWith("a.x")), ["a.x 0", "a.x 1", "a.x 2"]);
  assertEquals(lines.filter((l) => l.startsWith("b.x")), ["b.x a", "b.x b", "b.x c"]);
  assertEquals(lines.length, 6);
});
