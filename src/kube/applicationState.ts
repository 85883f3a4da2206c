import type { SparkApplication } from "./kubernetesObjects";

/**
 * The operator's terminal application states (pkg/util/sparkapplication.go IsTerminated).
 * SUBMISSION_FAILED is not one: the operator either retries the submission or, with no retries
 * left, moves the application to FAILED with the same errorMessage (controller.go
 * reconcileFailedSubmissionSparkApplication), so waiting for FAILED loses nothing.
 */
export const TERMINAL_APPLICATION_STATES = ["COMPLETED", "FAILED"] as const;

/** One of `TERMINAL_APPLICATION_STATES`. */
export type TerminalApplicationState = (typeof TERMINAL_APPLICATION_STATES)[number];

/** True once the operator will not change the application's state again by itself. */
export function isTerminalState(state: string): state is TerminalApplicationState {
  return (TERMINAL_APPLICATION_STATES as readonly string[]).includes(state);
}

/** The application's `status.applicationState.state`; "" for one the operator has not seen yet. */
export function applicationStateOf(app: SparkApplication): string {
  return app.status?.applicationState?.state ?? "";
}
