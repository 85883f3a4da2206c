import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import { UsageError } from "../config/errors";

/** A plain decimal number as a person types it: no hex, no `Infinity`, no blanks. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parses a numeric option strictly: `--scale abc` or `--concurrency 0x10` is a UsageError. */
export function numberOption(flag: string, value: string): number {
  const parsed = Number(value);
  if (!DECIMAL.test(value.trim()) || !Number.isFinite(parsed)) {
    throw new UsageError(`${flag} ${value}: not a number`);
  }
  return parsed;
}

/**
 * Parses a numeric option and checks it against the schema the same value has in a stack's
 * experiment, so `recommend --skew 99` is refused with the bound `axes.skew` has.
 */
export function checkedNumberOption(
  flag: string,
  value: string,
  schema: z.ZodType<number>,
): number {
  const result = schema.safeParse(numberOption(flag, value));
  if (!result.success) {
    throw new UsageError(
      `${flag} ${value}: ${result.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  return result.data;
}

/**
 * Checks, before anything is computed or written, that `dir` is a folder this process can
 * write to, or can be created: so a bad `--out` fails at once with one message, not halfway.
 */
export function checkOutputFolder(flag: string, dir: string): void {
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  // Name the part that is in the way when it is a parent of the folder asked for.
  const blocker =
    existing === path.resolve(dir) ? "" : `${path.relative(process.cwd(), existing)} `;
  if (!fs.statSync(existing).isDirectory()) {
    throw new UsageError(`${flag} ${dir}: ${blocker ? `${blocker}is ` : ""}a file, not a folder`);
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${dir}: ${blocker || "the folder "}is not writable`);
  }
}
