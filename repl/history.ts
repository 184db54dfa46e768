/**
 * The REPL's history file: where it lives, reading it at start and
 * appending each entered line.
 *
 * The file is `$YIELDFROM_REPL_HISTORY` if set, else
 * `$XDG_STATE_HOME/yieldfrom-asyncio/repl_history`, else
 * `~/.local/state/yieldfrom-asyncio/repl_history`. It is created with mode
 * 0600 (its directory 0700): what is typed at a REPL can hold secrets.
 * Without the permissions to read the environment or the file, the REPL
 * keeps no history and says nothing.
 *
 * @module
 */

/** How many lines are kept. */
export const HISTORY_SIZE = 1000;

function granted(desc: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

function env(name: string): string | undefined {
  if (!granted({ name: "env", variable: name })) return undefined;
  const v = Deno.env.get(name);
  return v === undefined || v === "" ? undefined : v;
}

/**
 * Where the history file is, or `null` when it cannot be known (no HOME, or
 * no permission to read the environment).
 *
 * @returns An absolute or relative path, or `null`.
 */
export function historyPath(): string | null {
  const explicit = env("YIELDFROM_REPL_HISTORY");
  if (explicit !== undefined) return explicit;
  let state = env("XDG_STATE_HOME");
  if (state === undefined) {
    const home = env("HOME");
    if (home === undefined) return null;
    state = `${home}/.local/state`;
  }
  return `${state}/yieldfrom-asyncio/repl_history`;
}

/** The history file: load it, append to it. */
export class History {
  /** The file, or `null` when history is not kept. */
  readonly path: string | null;
  #writable: boolean;

  /** @param path The file (see {@linkcode historyPath}), or `null` for no history. */
  constructor(path: string | null) {
    this.path = path;
    this.#writable = path !== null && granted({ name: "write", path }) &&
      granted({ name: "read", path });
  }

  /**
   * The saved lines, newest first (as `node:readline` wants them). Trims
   * the file when it has grown past twice the size kept.
   *
   * @returns Up to {@linkcode HISTORY_SIZE} lines.
   */
  load(): string[] {
    if (this.path === null || !this.#writable) return [];
    let text: string;
    try {
      text = Deno.readTextFileSync(this.path);
    } catch {
      return [];
    }
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    if (lines.length > 2 * HISTORY_SIZE) {
      try {
        Deno.writeTextFileSync(this.path, lines.slice(-HISTORY_SIZE).join("\n") + "\n");
      } catch {
        // read-only file: keep it as it is
      }
    }
    return lines.slice(-HISTORY_SIZE).reverse();
  }

  /**
   * Append one line (blank lines are not kept).
   *
   * @param line What was entered.
   */
  add(line: string): void {
    if (this.path === null || !this.#writable || line.trim() === "") return;
    try {
      const dir = this.path.replace(/\/[^/]*$/, "");
      if (dir !== this.path && dir !== "") Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
      Deno.writeTextFileSync(this.path, line.replaceAll("\n", " ") + "\n", {
        append: true,
        create: true,
        mode: 0o600,
      });
    } catch {
      this.#writable = false;
    }
  }
}
