/**
 * Where a cell ran. It matters to the classifier because only Kubernetes puts a memory limit
 * on each executor's container: exit 137 means "container OOM" there, and nothing in particular
 * on `local-cluster`, whose executors are plain child processes.
 */
export const RUNNERS = ["kubernetes", "local-cluster"] as const;

/** One of `RUNNERS`. */
export type Runner = (typeof RUNNERS)[number];
