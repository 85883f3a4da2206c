import * as fs from "node:fs";
import * as path from "node:path";

/** File in a cell's work folder holding the process group of its spark-submit. */
export const PROCESS_GROUP_FILE = "process-group";

/** True if `pid` is a running JVM started by spark-submit (not a recycled, unrelated pid). */
function isSparkSubmit(pid: number): boolean {
  try {
    return fs
      .readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .includes("org.apache.spark.deploy.SparkSubmit");
  } catch {
    return false;
  }
}

/**
 * Kills the Spark processes a pilot killed with `kill -9` left running: each cell records its
 * process group in its work folder, and a group is killed only if its leader is still a
 * spark-submit JVM. Returns how many groups were killed.
 */
export function killOrphanedCells(workRoot: string): number {
  if (!fs.existsSync(workRoot)) return 0;
  let killed = 0;
  for (const cell of fs.readdirSync(workRoot)) {
    const file = path.join(workRoot, cell, PROCESS_GROUP_FILE);
    if (!fs.existsSync(file)) continue;
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 1 || !isSparkSubmit(pid)) continue;
    try {
      process.kill(-pid, "SIGKILL");
      killed += 1;
    } catch {
      // Gone in the meantime.
    }
  }
  return killed;
}
