import { SingleBar } from "cli-progress";
import type { CellResult } from "./cellResult";

/** What the pilot reports as it goes. */
export interface Progress {
  /** A cell starts. */
  started(cell: string): void;
  /** A cell has a record. */
  finished(record: CellResult): void;
  /** A cell was skipped: its record exists from an earlier run. */
  skipped(cell: string): void;
  /** All done. */
  stop(): void;
}

/** How a cell ended, in a few words: `FAILED executor_oom in 42s`. */
export function outcomeText(record: CellResult): string {
  const seconds =
    record.durationSeconds === null ? "" : ` in ${Math.round(record.durationSeconds)}s`;
  return record.failureClass === "none"
    ? `${record.state}${seconds}`
    : `${record.state} ${record.failureClass}${seconds}`;
}

/** A progress bar with ETA, for a person at a terminal. */
export function terminalProgress(
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const bar = new SingleBar({
    format: "{bar} {value}/{total} cells | ETA {eta_formatted} | {cell}",
    stream,
    hideCursor: true,
    clearOnComplete: false,
  });
  let done = 0;
  bar.start(total, 0, { cell: "" });
  return {
    started: (cell) => bar.update(done, { cell: `running ${cell}` }),
    finished: (record) => {
      done += 1;
      bar.update(done, { cell: `${record.cell}: ${outcomeText(record)}` });
    },
    skipped: (cell) => {
      done += 1;
      bar.update(done, { cell: `${cell}: done before` });
    },
    stop: () => bar.stop(),
  };
}

/** One plain line per event, for CI logs and pipes. */
export function plainProgress(total: number, print: (line: string) => void): Progress {
  let done = 0;
  const startedAt = Date.now();
  const eta = () => {
    if (done === 0) return "";
    const perCell = (Date.now() - startedAt) / done;
    return `, ETA ${Math.round((perCell * (total - done)) / 1000)}s`;
  };
  return {
    started: (cell) => print(`[${done + 1}/${total}] ${cell} ...`),
    finished: (record) => {
      done += 1;
      print(`[${done}/${total}] ${record.cell}: ${outcomeText(record)}${eta()}`);
    },
    skipped: (cell) => {
      done += 1;
      print(`[${done}/${total}] ${cell}: done before, skipped (--rerun runs it again)`);
    },
    stop: () => undefined,
  };
}
