/**
 * How the loop waits and yields inside Deno's own event loop.
 *
 * The loop runs its iterations synchronously while it has work. It gives
 * the host a turn in two ways: a macrotask (one `MessageChannel` message,
 * far cheaper than a timer) after a few milliseconds of continuous work, so
 * host I/O and timers are never starved; and, when nothing is ready, a
 * sleep on one promise that a host timer (for the earliest loop timer) or a
 * wake-up from outside (`callSoon` from a host callback, a settled promise,
 * a worker message) resolves. It never polls.
 *
 * @module
 */

/** Continuous work between two macrotask yields, in milliseconds. */
const MACROTASK_BUDGET_MS = 4;

/**
 * @internal The loop's side of the host: one sleep at a time, woken by a
 * host timer or by `wake()`, and macrotask yields on a time budget.
 *
 * @example
 * ```ts ignore
 * const host = new HostBridge();
 * const slept = host.sleep(50); // resolves after 50 ms, or at host.wake()
 * host.wake();
 * await slept;
 * if (host.macrotaskDue()) await host.macrotask();
 * host.close();
 * ```
 */
export class HostBridge {
  /** Whether the last sleep ended because its timer fired (not a wake-up). */
  timerFired = false;
  /** Resolves the promise of the sleep in progress. */
  private sleepResolve: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** When the armed timer fires (`performance.now()` ms), and whether a later sleep may keep it. */
  private timerDue = 0;
  private timerKept = false;
  private port: MessageChannel | null = null;
  private macroResolve: (() => void) | null = null;
  private lastYield = 0;
  private ticks = 0;
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerFired = true;
    this.wake();
  };

  /** Whether a sleep is in progress (a wake-up would end it). */
  get sleeping(): boolean {
    return this.sleepResolve !== null;
  }

  /**
   * Sleep until `wake()`, or until `delayMs` milliseconds have passed
   * (`-1`: no timer, only a wake-up ends it).
   *
   * With `keep` (a timer for an absolute time, such as the next real loop
   * timer), the host timer outlives a wake-up, and the next sleep for the
   * same time (within a millisecond) reuses it: a loop woken by I/O again
   * and again, with a far timer pending, does not arm and clear a host
   * timer each time. With `"alive"` (a timer that only keeps the process
   * alive), any kept timer already armed serves.
   */
  sleep(delayMs: number, keep: boolean | "alive" = false): Promise<void> {
    this.timerFired = false;
    return new Promise<void>((resolve) => {
      this.sleepResolve = resolve;
      if (delayMs < 0) {
        this.clearTimer();
        return;
      }
      const due = performance.now() + delayMs;
      if (
        keep !== false && this.timerKept && this.timer !== undefined &&
        (keep === "alive" || Math.abs(this.timerDue - due) <= 1)
      ) {
        return; // the armed timer fires then
      }
      this.clearTimer();
      this.timerDue = due;
      this.timerKept = keep !== false;
      this.timer = setTimeout(this.onTimer, delayMs);
    });
  }

  /** End the sleep in progress, if any (something happened outside the loop). */
  wake(): void {
    const resolve = this.sleepResolve;
    if (resolve === null) return;
    this.sleepResolve = null;
    if (!this.timerKept) this.clearTimer();
    resolve();
  }

  /** The loop starts running, or has just yielded: the work budget starts again. */
  markYield(): void {
    this.lastYield = performance.now();
  }

  /** Whether the loop has worked long enough to give the host a macrotask (checked cheaply). */
  macrotaskDue(): boolean {
    return (++this.ticks & 63) === 0 && performance.now() - this.lastYield > MACROTASK_BUDGET_MS;
  }

  /** Let the host run its macrotasks (I/O, timers) once. */
  macrotask(): Promise<void> {
    let ch = this.port;
    if (ch === null) {
      ch = new MessageChannel();
      ch.port1.onmessage = () => {
        const resolve = this.macroResolve;
        this.macroResolve = null;
        resolve?.();
      };
      this.port = ch;
    }
    const port = ch.port2;
    return new Promise<void>((resolve) => {
      this.macroResolve = resolve;
      port.postMessage(null);
    });
  }

  /** Release the host resources (the timer and the message channel). */
  close(): void {
    this.clearTimer();
    const ch = this.port;
    if (ch !== null) {
      this.port = null;
      ch.port1.close();
      ch.port2.close();
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
