import { isTerminalState, type TerminalApplicationState } from "./applicationState";

/** Reads the application's current `status.applicationState.state`. */
export type ApplicationStateReader = () => Promise<string>;

/** How long and how often to poll, and the clock to do it with (injectable for tests). */
export interface WaitOptions {
  /** Give up this many milliseconds after the first read. */
  readonly timeoutMs: number;
  /** Wait this long between reads. */
  readonly intervalMs: number;
  /** The current time in milliseconds; defaults to `Date.now`. */
  readonly now?: () => number;
  /** Waits `ms` milliseconds; defaults to a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** How the wait ended. */
export interface WaitResult {
  /** The terminal state reached, or TIMEOUT if the deadline passed first (both final states). */
  readonly finalState: TerminalApplicationState | "TIMEOUT";
  /** The last state read; "" for an application the operator had not picked up. */
  readonly lastState: string;
  /** How many times the state was read. */
  readonly polls: number;
}

const timerSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Polls `read` until the application reaches a terminal state or `timeoutMs` has passed. The
 * last read is at the deadline, never after it: a state reached in time is not lost to a
 * sleep. Errors from `read` (a deleted application, say) are not retried.
 */
export async function waitForTerminalState(
  read: ApplicationStateReader,
  options: WaitOptions,
): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? timerSleep;
  const deadline = now() + options.timeoutMs;
  let polls = 0;
  for (;;) {
    const state = await read();
    polls += 1;
    if (isTerminalState(state)) return { finalState: state, lastState: state, polls };
    const remaining = deadline - now();
    if (remaining <= 0) return { finalState: "TIMEOUT", lastState: state, polls };
    await sleep(Math.min(options.intervalMs, remaining));
  }
}
