import * as fs from "node:fs";
import * as path from "node:path";
import { Decompress } from "fzstd";
import { EVENT_LOG_CODEC, IN_PROGRESS_SUFFIX } from "../spark/eventLogSettings";

/** An event log that cannot be read, with the file and the reason. */
export class EventLogError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`event log ${file}: ${reason}`);
    this.name = "EventLogError";
  }
}

/** One listener event as Spark's JsonProtocol wrote it. */
export type SparkEvent = Readonly<Record<string, unknown>> & { readonly Event: string };

/** The files of one application's event log, in the order Spark wrote them. */
export interface EventLogFiles {
  /** What to name in messages and records: the single file, or the rolling log's folder. */
  readonly path: string;
  /** The files holding events, in order. */
  readonly parts: readonly string[];
}

const ROLLING_PREFIX = "eventlog_v2_";
const ROLLING_PART = /^events_(\d+)_/;

/**
 * The event log of application `applicationId` in `dir`, in either of Spark's layouts: a
 * rolling log (Spark 4's default: a folder `eventlog_v2_<id>` of `events_<n>_<id>.<codec>`
 * files) or a single file `<id>[.<codec>][.inprogress]`. Undefined when there is none.
 */
export function findEventLog(dir: string, applicationId: string): EventLogFiles | undefined {
  const rolling = path.join(dir, `${ROLLING_PREFIX}${applicationId}`);
  if (fs.existsSync(rolling) && fs.statSync(rolling).isDirectory()) {
    const parts = fs
      .readdirSync(rolling)
      .map((name) => ({ name, index: ROLLING_PART.exec(name)?.[1] }))
      .filter((p): p is { name: string; index: string } => p.index !== undefined)
      .sort((a, b) => Number(a.index) - Number(b.index))
      .map((p) => path.join(rolling, p.name));
    return { path: rolling, parts };
  }
  if (!fs.existsSync(dir)) return undefined;
  const single = fs
    .readdirSync(dir)
    .filter((name) => name === applicationId || name.startsWith(`${applicationId}.`))
    // A finished log before a leftover in-progress one.
    .sort(
      (a, b) => Number(a.endsWith(IN_PROGRESS_SUFFIX)) - Number(b.endsWith(IN_PROGRESS_SUFFIX)),
    );
  if (single.length === 0) return undefined;
  const file = path.join(dir, single[0]);
  return { path: file, parts: [file] };
}

/** The codec a part was written with, from its name. */
function codecOf(file: string): string | undefined {
  const name = path.basename(file).replace(IN_PROGRESS_SUFFIX, "");
  const match = /\.(zstd|lz4|lzf|snappy)$/.exec(name);
  return match?.[1];
}

function zstdText(file: string, data: Uint8Array): string {
  const chunks: Uint8Array[] = [];
  const stream = new Decompress((chunk) => {
    chunks.push(chunk);
  });
  try {
    stream.push(data, true);
  } catch (error) {
    const decoded = chunks.reduce((n, c) => n + c.length, 0);
    throw new EventLogError(
      file,
      `truncated or corrupt zstd data (${(error as Error).message}) after ${decoded} decoded bytes`,
    );
  }
  return Buffer.concat(chunks).toString("utf8");
}

function partText(file: string): string {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (error) {
    throw new EventLogError(
      file,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const codec = codecOf(file);
  if (codec === undefined) return data.toString("utf8");
  if (codec !== EVENT_LOG_CODEC) {
    throw new EventLogError(
      file,
      `compressed with ${codec}, which this reader does not decode; cells write ${EVENT_LOG_CODEC} (src/spark/eventLogSettings.ts)`,
    );
  }
  return zstdText(file, data);
}

/** Parses one part's text into events; a line cut short means the log was truncated. */
export function parseEvents(file: string, text: string): SparkEvent[] {
  const lines = text.split("\n");
  const events: SparkEvent[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      const last = index === lines.length - 1;
      throw new EventLogError(
        file,
        last
          ? `truncated: its last line (${index + 1}) ends mid-event`
          : `line ${index + 1} is not a JSON event`,
      );
    }
    const event = value as Record<string, unknown>;
    if (typeof value !== "object" || value === null || typeof event.Event !== "string") {
      throw new EventLogError(file, `line ${index + 1} is not a Spark listener event (no "Event")`);
    }
    events.push(event as SparkEvent);
  });
  return events;
}

/** Every event of an application's log, decompressed and parsed; EventLogError if it cannot be. */
export function readEventLog(log: EventLogFiles): SparkEvent[] {
  if (log.parts.length === 0) throw new EventLogError(log.path, "holds no events_* file");
  const events = log.parts.flatMap((part) => parseEvents(part, partText(part)));
  if (events.length === 0) throw new EventLogError(log.path, "is empty");
  return events;
}
