import { z } from "zod";
import type { WorkloadError, WorkloadOutcome } from "./evidence";

/** How the workload's result line starts; the JSON follows after one space. */
export const RESULT_LINE_MARKER = "SPARK_AT_SCALE_RESULT";

/** The fields of the result that classification uses. */
export interface WorkloadResult {
  /** The workload's verdict on its own run. */
  readonly outcome: WorkloadOutcome;
  /** The exception that failed it, or null. */
  readonly error: WorkloadError | null;
  /**
   * The Spark version the session reported; null when the session never started (the workload
   * reports even that), undefined when the line does not say.
   */
  readonly sparkVersion?: string | null;
}

/** A result line that cannot be read: a workload bug to fix, not a cell outcome to record. */
export class WorkloadResultParseError extends Error {
  constructor(
    /** The offending line, as printed. */
    readonly line: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`malformed ${RESULT_LINE_MARKER} line (${problem}): ${line.slice(0, 200)}`);
    this.name = "WorkloadResultParseError";
  }
}

// Tolerant on purpose: schemas/workload-result.schema.json is the full contract and may grow;
// this reads only what classification needs, and zod's default object drops every other field.
const resultSchema = z.object({
  outcome: z.enum(["succeeded", "failed"]),
  error: z.object({ exceptionClass: z.string(), message: z.string() }).nullable(),
  sparkVersion: z.string().nullable().optional(),
});

/** Reads one `SPARK_AT_SCALE_RESULT {json}` line; throws `WorkloadResultParseError` if it is not one. */
export function parseWorkloadResultLine(line: string): WorkloadResult {
  const text = line.trim();
  if (!text.startsWith(`${RESULT_LINE_MARKER} `)) {
    throw new WorkloadResultParseError(line, `does not start with "${RESULT_LINE_MARKER} "`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.slice(RESULT_LINE_MARKER.length + 1));
  } catch (error) {
    throw new WorkloadResultParseError(line, `not JSON: ${(error as Error).message}`);
  }
  const parsed = resultSchema.safeParse(json);
  if (!parsed.success) {
    throw new WorkloadResultParseError(line, z.prettifyError(parsed.error).replace(/\n/g, "; "));
  }
  return parsed.data;
}

/**
 * The workload's result from its output, or undefined if it never printed one (it died first).
 * The result is meant to be the last stdout line; the last line starting with the marker is
 * taken, so that output a library prints after it does not hide it.
 */
export function findWorkloadResult(output: string): WorkloadResult | undefined {
  const line = lastResultLine(output);
  return line === undefined ? undefined : parseWorkloadResultLine(line);
}

/** The last line of `output` that starts with the result marker, trimmed of leading space. */
export function lastResultLine(output: string): string | undefined {
  const lines = output.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trimStart();
    if (line.startsWith(RESULT_LINE_MARKER)) return line;
  }
  return undefined;
}

/**
 * `output` without its result line(s): once parsed into the evidence, the JSON would only echo
 * the error message back as a second, harder-to-read copy.
 */
export function withoutResultLines(output: string): string {
  return output
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith(RESULT_LINE_MARKER))
    .join("\n");
}
