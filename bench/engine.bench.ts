/**
 * The Pulumi program under the real engine (scripts/pulumi/build-engine.sh): wall time and peak
 * memory of `pulumi preview` of an existing-cluster stack with 100 and 1,000 cells, against a
 * stack of the same number of bare ConfigMaps previewed the same way in the same run. Memory is
 * the peak of the summed resident memory of the whole process tree — this Node process's child
 * serving the program, the CLI and its plugins — sampled every 100 ms.
 *
 *   npm run bench:engine     (needs the engine built; no cluster: preview reaches none)
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const SIZES = [100, 1000];

interface Measurement {
  readonly seconds: number;
  readonly resources: number;
  readonly peakTreeMiB: number;
}

/** Resident memory (KiB) of `pid` and all its descendants, from /proc. */
function treeRssKiB(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      rss.set(Number(entry), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while being read.
    }
  }
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop()!;
    total += rss.get(next) ?? 0;
    queue.push(...(children.get(next) ?? []));
  }
  return total;
}

function measure(mode: "program" | "floor", cells: number): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register", path.join(__dirname, "engineBenchChild.ts"), mode, String(cells)],
      {
        env: {
          ...process.env,
          TS_NODE_TRANSPILE_ONLY: "true",
          PULUMI_CONFIG_PASSPHRASE: "bench",
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, treeRssKiB(child.pid!));
    }, 100);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`${mode} ${cells}: exit ${code}`));
      const result = JSON.parse(output.trim().split("\n").pop() ?? "{}") as Omit<
        Measurement,
        "peakTreeMiB"
      >;
      resolve({ ...result, peakTreeMiB: Math.round(peak / 1024) });
    });
  });
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const cells of SIZES) {
    const program = await measure("program", cells);
    const floor = await measure("floor", cells);
    rows.push([
      String(cells),
      String(program.resources),
      program.seconds.toFixed(1),
      String(program.peakTreeMiB),
      String(floor.resources),
      floor.seconds.toFixed(1),
      String(floor.peakTreeMiB),
      (program.seconds / floor.seconds).toFixed(2),
      (program.peakTreeMiB / floor.peakTreeMiB).toFixed(2),
    ]);
  }
  const header = [
    "cells",
    "program resources",
    "program s",
    "program peak MiB",
    "ConfigMaps",
    "ConfigMaps s",
    "ConfigMaps peak MiB",
    "time ratio",
    "memory ratio",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padStart(widths[i])).join("  ");
  console.log("pulumi preview by the real engine, one run each, same machine, same run");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

void main();
