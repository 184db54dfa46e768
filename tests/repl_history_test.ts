import { assertEquals } from "@std/assert";
import { History, HISTORY_SIZE, historyPath } from "../repl/history.ts";

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

Deno.test("history: YIELDFROM_REPL_HISTORY, else $XDG_STATE_HOME, else ~/.local/state", () => {
  const names = ["YIELDFROM_REPL_HISTORY", "XDG_STATE_HOME", "HOME"];
  const saved = names.map((n) => Deno.env.get(n));
  try {
    Deno.env.set("HOME", "/home/someone");
    Deno.env.delete("XDG_STATE_HOME");
    Deno.env.delete("YIELDFROM_REPL_HISTORY");
    assertEquals(historyPath(), "/home/someone/.local/state/yieldfrom-asyncio/repl_history");
    Deno.env.set("XDG_STATE_HOME", "/state");
    assertEquals(historyPath(), "/state/yieldfrom-asyncio/repl_history");
    Deno.env.set("YIELDFROM_REPL_HISTORY", "/elsewhere/h");
    assertEquals(historyPath(), "/elsewhere/h");
    Deno.env.delete("YIELDFROM_REPL_HISTORY");
    Deno.env.delete("XDG_STATE_HOME");
    Deno.env.delete("HOME");
    assertEquals(historyPath(), null);
  } finally {
    names.forEach((n, i) => {
      if (saved[i] === undefined) Deno.env.delete(n);
      else Deno.env.set(n, saved[i]!);
    });
  }
});
