import { DEFAULT_HISTORY_PORT, LOOPBACK } from "../history/localHistoryServer";
import type { HistoryLinks } from "./measuredTable";

/** Where `spark-at-scale history` serves by default. */
export const DEFAULT_HISTORY_URL = `http://${LOOPBACK}:${DEFAULT_HISTORY_PORT}`;

/** The application ids a History Server lists, or undefined when none answers at `url`. */
export async function historyApplications(
  url: string,
  timeoutMs = 1500,
): Promise<Set<string> | undefined> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, "")}/api/v1/applications`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return undefined;
    const list = await response.json();
    if (!Array.isArray(list)) return undefined;
    return new Set(
      list
        .map((app) => (app as { id?: unknown }).id)
        .filter((id): id is string => typeof id === "string"),
    );
  } catch {
    return undefined;
  }
}

/**
 * Links for the report: to the History Server at `url` when given (every cell with an
 * application id, or only those it lists when it answers), else to one running on the default
 * local port, if any — then only to the applications it serves.
 */
export async function historyLinksFor(
  url: string | undefined,
): Promise<HistoryLinks & { readonly note?: string }> {
  const target = url ?? DEFAULT_HISTORY_URL;
  const listed = await historyApplications(target);
  if (url === undefined && listed === undefined) return {};
  const note =
    listed === undefined
      ? `History Server at ${target} did not answer; linking every cell to it anyway`
      : `linking cells to the History Server at ${target} (${listed.size} application(s) there)`;
  return { historyUrl: target, historyApplications: listed, note };
}
