/**
 * How a cell ended, the same vocabulary for the cloud and the local pilot. The first three are
 * the Spark operator's own terminal application states; TIMEOUT is ours, for a cell that had
 * not reached one of them when its deadline passed.
 */
export const FINAL_STATES = ["COMPLETED", "FAILED", "SUBMISSION_FAILED", "TIMEOUT"] as const;

/** One of `FINAL_STATES`. */
export type FinalState = (typeof FINAL_STATES)[number];

/** True if `value` names a final state. */
export function isFinalState(value: string): value is FinalState {
  return (FINAL_STATES as readonly string[]).includes(value);
}
