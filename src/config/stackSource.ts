import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./errors";
import { parseStackFile, readStackFile } from "./stackFile";

/** The stack file a command reads, from `--stack NAME` or `--config FILE`. */
export interface StackSource {
  /** File path as given or resolved. */
  readonly file: string;
  /** How to name it in messages. */
  readonly label: string;
}

/** Resolves `--stack`/`--config` to a file, or undefined when neither is given. */
export function resolveStackSource(
  options: { stack?: string; config?: string },
  projectDir = process.cwd(),
): StackSource | undefined {
  if (options.stack && options.config) {
    throw new UsageError("give either --stack NAME or --config FILE, not both");
  }
  if (options.config) {
    if (!fs.existsSync(options.config)) {
      throw new UsageError(`--config ${options.config}: no such file`);
    }
    if (fs.statSync(options.config).isDirectory()) {
      throw new UsageError(`--config ${options.config}: a folder; give the stack file itself`);
    }
    return { file: options.config, label: options.config };
  }
  if (options.stack) {
    if (!/^[A-Za-z0-9_.-]+$/.test(options.stack)) {
      throw new UsageError(
        `--stack "${options.stack}": a stack name (letters, digits, '-', '_', '.')`,
      );
    }
    const file = path.join(projectDir, `Pulumi.${options.stack}.yaml`);
    if (!fs.existsSync(file)) {
      const known = fs
        .readdirSync(projectDir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => Boolean(s));
      throw new UsageError(
        `--stack ${options.stack}: no ${path.basename(file)} here; stacks: ${known.join(", ") || "none"}`,
      );
    }
    return { file, label: path.basename(file) };
  }
  return undefined;
}

/** This project's keys from a stack file. */
export function readStackSource(source: StackSource): Record<string, unknown> {
  return readStackFile(source.file, source.label);
}

/**
 * The same stack file as it was at a git ref (`--diff main`): its config keys, or undefined if
 * the file did not exist there (every cell is then new).
 */
export function readStackFileAtRef(
  source: StackSource,
  ref: string,
): Record<string, unknown> | undefined {
  const absolute = path.resolve(source.file);
  let top: string;
  try {
    top = execFileSync("git", ["rev-parse", "--show-toplevel"], {
      cwd: path.dirname(absolute),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch {
    throw new UsageError(`--diff ${ref}: ${source.label} is not inside a git repository`);
  }
  try {
    execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      cwd: top,
      stdio: "ignore",
    });
  } catch {
    throw new UsageError(`--diff ${ref}: not a commit, branch or tag in this repository`);
  }
  const relative = path.relative(top, absolute).split(path.sep).join("/");
  let text: string;
  try {
    text = execFileSync("git", ["show", `${ref}:${relative}`], {
      cwd: top,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
  return parseStackFile(text, `${source.label} at ${ref}`);
}
