import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root (where .venv and workloads/ are). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** The venv's spark-submit, from the pinned pip pyspark. */
export const DEFAULT_SPARK_SUBMIT = path.join(PROJECT_ROOT, ".venv", "bin", "spark-submit");

/** What the pilot needs from this machine, found. */
export interface LocalSpark {
  /** spark-submit to run. */
  readonly sparkSubmit: string;
  /** Python of the venv, for the driver and any Python workers. */
  readonly python: string;
  /** `java -version`'s first line, for the summary. */
  readonly javaVersion: string;
  /** The java binary itself, as an absolute path (what the memory-limit wrapper runs). */
  readonly java: string;
  /** The pip pyspark package folder: a Spark distribution (bin, jars, python). */
  readonly sparkHome: string;
}

/** The machine lacks something the pilot needs: said plainly, with the fix. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvironmentError";
  }
}

function javaCommand(env: NodeJS.ProcessEnv): string {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, "bin", "java") : "java";
}

/** The first executable `command` on PATH, or undefined. */
export function findOnPath(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * Checks Java and pyspark before any cell runs, so a missing one is one clear message rather
 * than a stack of failed cells.
 */
export function findLocalSpark(
  sparkSubmit = DEFAULT_SPARK_SUBMIT,
  env: NodeJS.ProcessEnv = process.env,
): LocalSpark {
  const java = javaCommand(env);
  const probe = spawnSync(java, ["-version"], { env, encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new EnvironmentError(
      `Java not found (tried "${java}"${env.JAVA_HOME ? " from JAVA_HOME" : " on PATH"}): Spark 4.0 needs Java 17 or 21. ` +
        "Install it (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME.",
    );
  }
  const javaVersion = (probe.stderr || probe.stdout).split("\n")[0].trim();
  const major = /version "(\d+)/.exec(javaVersion)?.[1];
  if (major !== undefined && Number(major) < 17) {
    throw new EnvironmentError(
      `${javaVersion}: Spark 4.0 needs Java 17 or newer (set JAVA_HOME to one).`,
    );
  }
  if (!fs.existsSync(sparkSubmit)) {
    throw new EnvironmentError(
      `pyspark not found: no ${sparkSubmit}. Create the venv with \`bash scripts/bootstrap.sh\` (npm start does it).`,
    );
  }
  if (!fs.statSync(sparkSubmit).isFile()) {
    throw new EnvironmentError(`${sparkSubmit}: a folder, not the spark-submit script`);
  }
  const venvPython = path.join(path.dirname(sparkSubmit), "python");
  const python = fs.existsSync(venvPython) ? venvPython : "python3";
  const home = spawnSync(
    python,
    ["-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"],
    {
      env,
      encoding: "utf8",
    },
  );
  const sparkHome = home.stdout?.trim();
  if (home.status !== 0 || !sparkHome || !fs.existsSync(path.join(sparkHome, "jars"))) {
    throw new EnvironmentError(
      `pyspark not importable by ${python}: ${(home.stderr ?? "").trim().split("\n").pop() ?? ""} ` +
        "Recreate the venv with `bash scripts/bootstrap.sh`.",
    );
  }
  const found = path.isAbsolute(java) ? java : (findOnPath(java, env) ?? java);
  return { sparkSubmit, python, javaVersion, java: fs.realpathSync(found), sparkHome };
}
