/**
 * Debug mode's reports that outlive the objects they are about (CPython's
 * `coroutines.py` origin tracking and `Task.__del__`): coroutine objects
 * collected without ever being awaited, and pending tasks collected with
 * their loop; the switch `YIELDFROM_ASYNCIO_DEBUG` (Python's
 * `PYTHONASYNCIODEBUG`); and where an object was created, for reprs and
 * reports.
 *
 * Outside debug mode none of it runs: the only cost is reading one boolean
 * where a decorated async function makes a coroutine object and where a
 * coroutine object starts.
 *
 * @module
 */

/** The environment variable that turns debug mode on for every new loop. */
const DEBUG_ENV = "YIELDFROM_ASYNCIO_DEBUG";

/**
 * `YIELDFROM_ASYNCIO_DEBUG` set to anything but the empty string (as
 * Python reads `PYTHONASYNCIODEBUG`). Read only when the permission to read
 * it was granted (`--allow-env` or `--allow-env=YIELDFROM_ASYNCIO_DEBUG`):
 * the runtime never asks for a permission itself, and without it debug mode
 * stays off.
 *
 * @returns Whether the environment asks for debug mode.
 */
function debugFromEnv(): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  try {
    const status = deno?.permissions?.querySync?.({ name: "env", variable: DEBUG_ENV });
    if (status?.state !== "granted") return false;
    const value = deno!.env.get(DEBUG_ENV);
    return value !== undefined && value !== "";
  } catch {
    return false;
  }
}

/**
 * @internal Whether coroutine objects are tracked: from the start when the
 * environment asks for debug mode, else from the moment a loop turns debug
 * mode on (and for the rest of the program: a coroutine object does not
 * know which loop will run it).
 */
export const debugState: { tracking: boolean } = { tracking: false };

/**
 * @internal {@linkcode debugFromEnv}, read once when this module loads:
 * reading it costs microseconds, and loops are made often.
 */
export const DEBUG_FROM_ENV: boolean = debugFromEnv();
debugState.tracking = DEBUG_FROM_ENV;

const here = new URL(".", import.meta.url).href;

/**
 * @internal The frames of `stack` (an Error's stack) outside this library,
 * most recent first, as `at ...` lines.
 */
export function userFrames(stack: string): string[] {
  return stack.split("\n").slice(1).map((l) => l.trim()).filter((l) =>
    l.startsWith("at ") && !l.includes(here) && !l.includes("ext:") &&
    !l.endsWith("(<anonymous>)") // a built-in's frame (Generator.next): no place in code
  );
}

/**
 * @internal Where an object was created (`file:line`, from the first frame
 * of its creation stack outside this library), for `created at` in reprs.
 */
export function createdAt(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const frame = userFrames(stack)[0];
  if (frame === undefined) return undefined;
  const m = /\(?((?:file|https?|npm|jsr|node):[^\s()]+?):(\d+):\d+\)?\s*$/.exec(frame);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/**
 * @internal Python's "Object created at (most recent call last):" block:
 * the stack's frames outside this library, oldest first.
 */
export function formatCreation(title: string, stack: string, colon = ":"): string {
  const frames = userFrames(stack).reverse();
  return `${title} (most recent call last)${colon}\n${frames.map((f) => "  " + f).join("\n")}`;
}

// --- coroutine objects never awaited ----------------------------------------

interface NeverAwaited {
  name: string;
  stack: string;
}

function reportNeverAwaited(rec: NeverAwaited): void {
  const where = createdAt(rec.stack) ?? "<unknown>";
  console.warn(
    `${where}: RuntimeWarning: coroutine '${rec.name}' was never awaited\n` +
      formatCreation("Coroutine created at", rec.stack, ""),
  );
}

const coroutines = new FinalizationRegistry<NeverAwaited>(reportNeverAwaited);

/**
 * @internal Debug mode: report `coro` if it is collected before anything
 * starts it (see {@linkcode coroutineStarted}).
 */
export function trackCoroutine(coro: object, name: string): void {
  coroutines.register(coro, { name, stack: new Error().stack ?? "" }, coro);
}

/** @internal Something started running `coro`: it will not be reported. */
export function coroutineStarted(coro: object): void {
  coroutines.unregister(coro);
}

// --- pending tasks collected --------------------------------------------------

interface PendingTask {
  repr: string;
  stack: string | undefined;
}

function reportDestroyed(rec: PendingTask): void {
  // The loop went with the task: its exception handler cannot be called, so
  // the report is printed as the default handler prints it.
  const lines = ["Task was destroyed but it is pending!"];
  if (rec.stack !== undefined) {
    lines.push(`sourceTraceback: ${formatCreation("Object created at", rec.stack)}`);
  }
  lines.push(`task: ${rec.repr}`);
  console.error(lines.join("\n"));
}

const tasks = new FinalizationRegistry<PendingTask>(reportDestroyed);

/**
 * @internal Debug mode: report `task` if it is collected while pending (its
 * loop, which holds every pending task, was collected without being
 * closed; closing a loop reports its pending tasks itself).
 */
export function trackTask(task: object, repr: string, stack: string | undefined): void {
  tasks.register(task, { repr, stack }, task);
}

/** @internal The task is done: nothing to report. */
export function taskDone(task: object): void {
  tasks.unregister(task);
}
