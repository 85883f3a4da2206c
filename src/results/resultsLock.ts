import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../config/errors";

/**
 * Takes the results folder for this process: two runs (pilot or cluster runner) writing one results file would each
 * overwrite the other's records. A lock left by a dead run is taken over.
 */
export function lockResults(dir: string): () => void {
  const lock = path.join(dir, ".results.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lock, "utf8").trim());
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = holder !== process.pid;
      } catch {
        alive = false;
      }
      if (alive) {
        throw new UsageError(
          `another run (pid ${holder}) is writing to ${dir}; wait for it or use --results`,
        );
      }
      fs.rmSync(lock, { force: true });
    }
  }
  throw new UsageError(`cannot lock ${dir}`);
}
