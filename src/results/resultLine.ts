import { lastResultLine, RESULT_LINE_MARKER } from "../failure/workloadResult";

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
