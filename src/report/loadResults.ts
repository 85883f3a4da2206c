import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { readProblem, UsageError } from "../config/errors";
import { cellResultSchema, type CellResult } from "../results/cellResult";

function parseRecord(value: unknown, where: string): CellResult {
  const parsed = cellResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new UsageError(`${where}: not a cell record (${at}${issue?.message ?? "invalid"})`);
  }
  return parsed.data;
}

/**
 * Cell records from either runner, normalised into the one schema: pilot JSON Lines, or a
 * stack's `cells` output exported as JSON (`pulumi stack output cells --json`, or the whole
 * `pulumi stack output --json`, whose `cells` key is used).
 */
export function parseResults(text: string, label: string): CellResult[] {
  const trimmed = text.trim();
  if (trimmed === "") throw new UsageError(`${label}: no results in it`);
  if (trimmed.startsWith("[")) {
    throw new UsageError(
      `${label}: a JSON list; expected one cell record per line (results.jsonl) or a stack's ` +
        "cells output (an object of cell records by name)",
    );
  }
  if (trimmed.startsWith("{") && !trimmed.includes("\n{")) {
    const oneLine = !trimmed.includes("\n");
    let document: unknown;
    try {
      document = JSON.parse(trimmed);
    } catch (error) {
      throw new UsageError(
        oneLine
          ? `${label}:1: not a whole JSON line (${(error as Error).message}); a line cut short?`
          : `${label}: not JSON (${(error as Error).message})`,
      );
    }
    const object = document as Record<string, unknown>;
    // One line holding one record is a results.jsonl of a single cell.
    if (oneLine && typeof object.cell === "string") return [parseRecord(object, `${label}:1`)];
    if ("cells" in object && (typeof object.cells !== "object" || object.cells === null)) {
      throw new UsageError(
        `${label}: "cells" is ${JSON.stringify(object.cells)}, not an object of cell records by name`,
      );
    }
    const cells = (object.cells ?? object) as Record<string, unknown>;
    return Object.entries(cells).map(([name, value]) =>
      parseRecord(value, `${label}: cell ${name}`),
    );
  }
  return trimmed.split("\n").map((line, index) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UsageError(
        `${label}:${index + 1}: not a whole JSON line (${(error as Error).message}); ` +
          "a line cut short, or a file that holds no cell records",
      );
    }
    return parseRecord(value, `${label}:${index + 1}`);
  });
}

/** Reads results from a file. */
export function readResultsFile(file: string): CellResult[] {
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `${file}: no such results file (run \`spark-at-scale pilot\` first, or pass --input)`,
    );
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`${file}: ${readProblem(error)}; pass a results file to --input`);
  }
  return parseResults(text, file);
}

/** Reads a stack's `cells` output through the Pulumi CLI. */
export function readStackResults(stack: string): CellResult[] {
  let text: string;
  try {
    text = execFileSync(
      "pulumi",
      ["stack", "output", "cells", "--json", "--show-secrets", "--stack", stack],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "the Pulumi CLI is not installed"
        : (error as Error).message;
    throw new UsageError(
      `--stack ${stack}: cannot read the stack's cells (${reason.split("\n")[0]}); export them with ` +
        "`pulumi stack output cells --json > cells.json` where Pulumi is, and pass --input cells.json",
    );
  }
  return parseResults(text, `stack ${stack}`);
}
