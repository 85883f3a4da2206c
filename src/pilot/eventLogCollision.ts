/**
 * Two pilot cells whose applications register in the same second get the same application id:
 * each cell has its own local-cluster master, and a master numbers its applications from
 * `app-<yyyyMMddHHmmss>-0000`. The second one's SparkContext then refuses to start, because its
 * event log folder exists already. That is the pilot's collision, not the cell's outcome: the
 * cell is run again, a moment later, under a new id.
 */
import type { CellResult } from "../results/cellResult";

/** What Spark's EventLogFileWriters says when the log of the same application id exists. */
const COLLISION = /Target log (directory|file) already exists/;

/** How often a cell is started again after a collision before its record is kept as it is. */
export const COLLISION_ATTEMPTS = 3;

/** True if the cell never ran because another cell's event log took its application id. */
export function lostToEventLogCollision(record: CellResult): boolean {
  return record.state !== "COMPLETED" && COLLISION.test(record.evidence.messageExcerpt);
}

/** Runs `runCell` until its record is not an event log collision, at most `attempts` times. */
export async function runAvoidingCollisions(
  runCell: () => Promise<CellResult>,
  onCollision: (attempt: number) => void,
  attempts = COLLISION_ATTEMPTS,
  pauseMs = 1_500,
): Promise<CellResult> {
  for (let attempt = 1; ; attempt++) {
    const record = await runCell();
    if (attempt >= attempts || !lostToEventLogCollision(record)) return record;
    onCollision(attempt);
    // A new second gives a new application id.
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
