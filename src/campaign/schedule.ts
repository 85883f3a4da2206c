/**
 * Runs `work` for each item in order, at most `concurrency` at a time and, when `budget` is
 * given, never more than fit its total memory together (an item bigger than the whole budget
 * must have been refused before: it would wait forever).
 */
export async function runScheduled<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  budget?: { readonly totalMiB: number; readonly footprintMiB: (item: T) => number },
): Promise<void> {
  const queue = [...items];
  const running = new Set<Promise<void>>();
  const footprint = (item: T) => budget?.footprintMiB(item) ?? 0;
  const total = budget?.totalMiB ?? Number.POSITIVE_INFINITY;
  let usedMiB = 0;
  while (queue.length > 0 || running.size > 0) {
    while (
      queue.length > 0 &&
      running.size < concurrency &&
      usedMiB + footprint(queue[0]) <= total
    ) {
      const item = queue.shift()!;
      usedMiB += footprint(item);
      const task: Promise<void> = work(item).finally(() => {
        usedMiB -= footprint(item);
        running.delete(task);
      });
      running.add(task);
    }
    await Promise.race(running);
  }
}
