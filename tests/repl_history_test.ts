import { assertEquals } from "@std/assert";
import { History, HISTORY_SIZE } from "../repl/history.ts";

Deno.test("history: lines are appended to a 0600 file and loaded newest first", () => {
  const dir = Deno.makeTempDirSync({ dir: "/tmp" });
  try {
    const path = `${dir}/state/yieldfrom-asyncio/repl_history`;
    const h = new History(path);
    assertEquals(h.load(), []);
    h.add("const a = 1");
    h.add("   ");
    h.add("await sleep(1)");
    assertEquals(Deno.statSync(path).mode! & 0o777, 0o600);
    assertEquals(new History(path).load(), ["await sleep(1)", "const a = 1"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("history: a file past twice the size kept is trimmed when loaded", () => {
  const dir = Deno.makeTempDirSync({ dir: "/tmp" });
  try {
    const path = `${dir}/h`;
    const lines = Array.from({ length: 2 * HISTORY_SIZE + 5 }, (_, i) => `line ${i}`);
    Deno.writeTextFileSync(path, lines.join("\n") + "\n");
    const loaded = new History(path).load();
    assertEquals(loaded.length, HISTORY_SIZE);
    assertEquals(loaded[0], `line ${2 * HISTORY_SIZE + 4}`);
    assertEquals(Deno.readTextFileSync(path).split("\n").length - 1, HISTORY_SIZE);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("history: no path, no history", () => {
  const h = new History(null);
  h.add("x");
  assertEquals(h.load(), []);
});
