/**
 * How the Pulumi program scales with the number of cells, under Pulumi's mocks: the time and
 * peak memory to evaluate the whole dev stack with N cells, against the SDK's floor —
 * registering N bare CustomResources (the same SparkApplications) in the same process.
 * Each size runs in a fresh child process so one measurement's heap cannot colour the next.
 *
 *   npm run bench            (sizes 100 and 1000)
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const SIZES = [100, 1000];
const ROUNDS = 3;

interface Measurement {
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly resources: number;
}

function measure(mode: "program" | "floor", cells: number): Measurement {
  const output = execFileSync(
    process.execPath,
    [
      "--expose-gc",
      "-r",
      "ts-node/register",
      path.join(__dirname, "programBenchChild.ts"),
      mode,
      String(cells),
    ],
    { encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
  );
  return JSON.parse(output.trim().split("\n").pop() ?? "{}") as Measurement;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rows: string[][] = [];
for (const cells of SIZES) {
  const program = Array.from({ length: ROUNDS }, () => measure("program", cells));
  const floor = Array.from({ length: ROUNDS }, () => measure("floor", cells));
  const programSeconds = median(program.map((m) => m.seconds));
  const floorSeconds = median(floor.map((m) => m.seconds));
  rows.push([
    String(cells),
    String(program[0].resources),
    programSeconds.toFixed(2),
    String(Math.max(...program.map((m) => m.peakRssMiB))),
    String(floor[0].resources),
    floorSeconds.toFixed(2),
    String(Math.max(...floor.map((m) => m.peakRssMiB))),
    (programSeconds / floorSeconds).toFixed(2),
  ]);
}
const header = [
  "cells",
  "program resources",
  "program s",
  "program peak MiB",
  "floor resources",
  "floor s",
  "floor peak MiB",
  "time ratio",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cols: string[]) => cols.map((c, i) => c.padStart(widths[i])).join("  ");
console.log(`median of ${ROUNDS} runs each; goal: time ratio <= 1.5`);
console.log(line(header));
for (const row of rows) console.log(line(row));
