import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { LocalRun } from "../../src/failure/localRunEvidence";

/**
 * A local pilot fixture: `<name>.json` holds how spark-submit ended ({exitCode, timedOut}),
 * `<name>.stdout` and `<name>.stderr` what it printed.
 */
export function loadLocalFixture(name: string): LocalRun {
  const dir = path.join(__dirname, "..", "fixtures", "failure", "local");
  const read = (ext: string) => readFileSync(path.join(dir, `${name}.${ext}`), "utf8");
  const ended = JSON.parse(read("json")) as Pick<LocalRun, "exitCode" | "timedOut">;
  return { ...ended, stdout: read("stdout"), stderr: read("stderr") };
}
