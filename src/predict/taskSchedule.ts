/**
 * How many tasks share an executor's execution pool when a shuffled hash join task asks for
 * its most.
 *
 * Spark caps a task at 1/N of the execution pool, where N is the number of tasks holding memory
 * in that executor's pool *now*, not the executor's cores (ExecutionMemoryPool.acquireMemory:
 * `maxMemoryPerTask = maxPoolSize / numActiveTasks`, `numActiveTasks = memoryForTask.keys.size`;
 * a task enters the map at its first request and leaves it when it ends). So an executor that
 * runs fewer tasks than it has cores gives each of them more than pool / cores.
 *
 * Which tasks share an executor: the scheduler offers every executor's free cores at once and
 * hands out the stage's tasks in partition order, one per executor per round
 * (TaskSchedulerImpl.resourceOffers / resourceOfferSingleTaskSet). A stage with no more tasks
 * than cores in all therefore runs each executor's share side by side from the start: with two
 * tasks on two 2-core executors, each task is alone on its executor. A stage with more tasks
 * keeps every core busy from its queue, so each task shares its executor with cores - 1 others.
 *
 * What this leaves out on purpose: a task that outlasts its neighbours could grow into more of
 * the pool once they end, and a retry of a refused task (spark.task.maxFailures) can find
 * itself alone; when either happens depends on timings, not sizes. Measured with millisecond
 * executor logs, in two runs: a hot task asked for its last page while its neighbour still
 * held its own (released 0.25 and 0.94 s later), although the driver's event
 * log, which hears of the refusal 0.5 to 1.5 s late, shows the neighbour ending first. The same
 * 2-core cell completed on its retry once and was refused twice once. The model keeps
 * neighbours active until the end and predicts the first attempt.
 */

/**
 * For each of `taskCount` tasks in launch order, the tasks (itself included) holding memory on
 * its executor when it asks: its executor's share of the first round of tasks when the stage
 * fits the cores, else the executor's cores.
 */
export function tasksSharingExecutor(
  taskCount: number,
  executors: number,
  cores: number,
): number[] {
  for (const [name, value] of [
    ["tasks", taskCount],
    ["executors", executors],
    ["cores", cores],
  ] as const) {
    if (!Number.isInteger(value) || value < (name === "tasks" ? 0 : 1)) {
      throw new RangeError(
        `${name} must be a whole number >= ${name === "tasks" ? 0 : 1} (got ${value})`,
      );
    }
  }
  if (taskCount > executors * cores) return new Array<number>(taskCount).fill(cores);
  // Task i goes to executor i mod E; executor e gets the tasks e, e + E, e + 2E, ...
  const perExecutor = (e: number) => Math.ceil((taskCount - e) / executors);
  return Array.from({ length: taskCount }, (_, i) => perExecutor(i % executors));
}
