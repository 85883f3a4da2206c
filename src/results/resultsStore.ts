import * as fs from "node:fs";
import * as path from "node:path";
import { readProblem, UsageError } from "../config/errors";
import { cellResultSchema, type CellResult } from "./cellResult";

/**
 * The pilot's results file, `results.jsonl`: one CellResult per line. Every save writes the
 * whole file to a temporary sibling, flushes it to disk and renames it over the old one — a
 * rename is atomic, so a `kill -9` at any moment leaves either the old file or the new one,
 * never a torn line, and loses at most the cell that was running.
 */
export class ResultsStore {
  private readonly records = new Map<string, CellResult>();

  private constructor(readonly file: string) {}

  /** Opens (or starts) the results file in `dir`, reading and checking what it holds. */
  static open(dir: string): ResultsStore {
    fs.mkdirSync(dir, { recursive: true });
    const store = new ResultsStore(path.join(dir, "results.jsonl"));
    // A save interrupted before its rename leaves only a temporary file: the old file stands.
    for (const name of fs.readdirSync(dir)) {
      if (/^results\.jsonl\.\d+\.tmp$/.test(name)) fs.rmSync(path.join(dir, name), { force: true });
    }
    if (fs.existsSync(store.file)) {
      let text: string;
      try {
        text = fs.readFileSync(store.file, "utf8");
      } catch (error) {
        throw new UsageError(
          `${store.file}: ${readProblem(error)}; the pilot keeps its results there`,
        );
      }
      // Earlier results that cannot be read are never overwritten: the user decides.
      const keep = "move it away, or write elsewhere with --results";
      const lines = text.split("\n").filter((l) => l.trim() !== "");
      lines.forEach((line, index) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          throw new UsageError(
            `${store.file}:${index + 1}: not a whole JSON line (cut short, or not written by this pilot); ${keep}`,
          );
        }
        const result = cellResultSchema.safeParse(parsed);
        if (!result.success) {
          const issue = result.error.issues[0];
          const at = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
          throw new UsageError(
            `${store.file}:${index + 1}: not a cell record (${at}${issue?.message ?? "invalid"}); ${keep}`,
          );
        }
        store.records.set(result.data.cell, result.data);
      });
    }
    return store;
  }

  /** The record of a cell, if it has finished before. */
  get(cell: string): CellResult | undefined {
    return this.records.get(cell);
  }

  /** All records, in cell-name order. */
  all(): CellResult[] {
    return [...this.records.values()].sort((a, b) => a.cell.localeCompare(b.cell));
  }

  /** Adds or replaces a cell's record and saves the file atomically. */
  save(record: CellResult): void {
    const checked = cellResultSchema.parse(record);
    this.records.set(checked.cell, checked);
    const text =
      this.all()
        .map((r) => JSON.stringify(r))
        .join("\n") + "\n";
    const temporary = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(temporary, "w");
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, this.file);
  }
}
