import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Puts the stand-in spark-submit (fixtures/fake-spark-submit) into `bin`, beside a `python` that
 * is the venv's (the pilot runs the python beside spark-submit, which must have pyspark), and
 * returns the stand-in's path.
 */
export function installFakeSparkSubmit(bin: string): string {
  fs.mkdirSync(bin, { recursive: true });
  const sparkSubmit = path.join(bin, "spark-submit");
  fs.copyFileSync(path.join(__dirname, "fixtures", "fake-spark-submit"), sparkSubmit);
  fs.chmodSync(sparkSubmit, 0o755);
  fs.writeFileSync(
    path.join(bin, "python"),
    `#!/bin/sh\nexec ${path.join(ROOT, ".venv", "bin", "python")} "$@"\n`,
    { mode: 0o755 },
  );
  return sparkSubmit;
}
