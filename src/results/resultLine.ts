import { RESULT_LINE_MARKER } from "../failure/workloadResult";

/**
 * The last `SPARK_AT_SCALE_RESULT` line of a job's output, or undefined if it printed none
 * (it died first). The result is meant to be the last stdout line; taking the last line that
 * starts with the marker keeps it readable when a library prints something after it, or when
 * it sits in a driver log among Spark's own lines.
 */
export function lastResultLine(output: string): string | undefined {
  const lines = output.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trimStart();
    if (line.startsWith(`${RESULT_LINE_MARKER} `)) return line;
  }
  return undefined;
}

/** The whole JSON object of the last result line, for the cell's record; undefined if none or unreadable. */
export function lastResultFields(output: string): Record<string, unknown> | undefined {
  const line = lastResultLine(output);
  if (line === undefined) return undefined;
  try {
    const value = JSON.parse(line.slice(RESULT_LINE_MARKER.length + 1)) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
