/**
 * `spark-at-scale profile`: run a job at two or three small scales on the pilot (or read such
 * runs' records), fit how what Spark measured grows, and say at which scale each limit of a
 * memory setting is crossed and with which class; with --target, the memory that keeps every
 * limit with a margin at that scale. For the synthetic join, the memory model's boundary is
 * printed beside the profile's.
 */
import * as path from "node:path";
import { experimentResultsDir } from "../campaign/runCampaign";
import { UsageError } from "../config/errors";
import { FIXED_DEFAULTS, MIN_SPARK_HEAP_MIB } from "../config/experiment";
import { formatBytes } from "../core/formatBytes";
import { BYTES_PER_MIB, mibToSparkMemory, sparkMemoryToMiB } from "../core/quantity";
import { renderTable } from "../core/textTable";
import { isJoinCell } from "../experiment/cellSize";
import { runPilot } from "../pilot/runPilot";
import { predictedBoundary } from "../predict/boundary";
import { inputFromRecord } from "../predict/records";
import { profileRecords, type GroupProfile, type TargetOverrides } from "../profile/profileRecords";
import { recommendFromProfile } from "../profile/recommendFromProfile";
import { readResultsFile } from "../report/loadResults";
import type { CellResult } from "../results/cellResult";
import {
  campaignSettings,
  interactiveTerminal,
  type CampaignCommandOptions,
} from "./campaignOptions";
import { numberOption } from "./options";
import { defaultMemoryBudget, loadPilotExperiment } from "./pilotCommand";

/** Options of `spark-at-scale profile` as commander hands them over. */
export interface ProfileCommandOptions extends CampaignCommandOptions {
  /** Profile these records instead of running the experiment. */
  readonly input?: string;
  readonly executorMemory?: string;
  readonly memoryOverhead?: string;
  readonly executorCores?: string;
  readonly driverMemory?: string;
  /** A scale to recommend memory for. */
  readonly target?: string;
  readonly json?: boolean;
}

function memoryOption(flag: string, value: string | undefined, minMiB: number): number | undefined {
  if (value === undefined) return undefined;
  const mib = sparkMemoryToMiB(value);
  if (mib === undefined || mib < minMiB) {
    throw new UsageError(
      `${flag} ${value}: a Spark memory size of at least ${minMiB} MiB, such as 512m or 4g`,
    );
  }
  return mib;
}

/** The overrides the flags give, checked. */
export function targetOverrides(options: ProfileCommandOptions): TargetOverrides {
  const cores = options.executorCores && numberOption("--executor-cores", options.executorCores);
  if (
    cores !== undefined &&
    cores !== "" &&
    !(Number.isInteger(cores) && cores >= 1 && cores <= 64)
  ) {
    throw new UsageError(`--executor-cores ${options.executorCores}: a whole number from 1 to 64`);
  }
  return {
    heapMiB: memoryOption("--executor-memory", options.executorMemory, MIN_SPARK_HEAP_MIB),
    overheadMiB: memoryOption("--memory-overhead", options.memoryOverhead, 0),
    cores: typeof cores === "number" ? cores : undefined,
    driverMiB: memoryOption("--driver-memory", options.driverMemory, MIN_SPARK_HEAP_MIB),
  };
}

const scaleText = (scale: number | null) =>
  scale === null ? "never" : String(Number(scale.toPrecision(3)));

const sizeText = (bytes: number, unit: "bytes" | "rows") =>
  unit === "rows" ? String(Math.round(bytes)) : formatBytes(bytes);

/** The pod's demand is what its native memory lacks of the room it has. */
const podText = (shortBytes: number) =>
  shortBytes > 0
    ? `${(shortBytes / BYTES_PER_MIB).toFixed(0)} MiB short`
    : `${(-shortBytes / BYTES_PER_MIB).toFixed(0)} MiB to spare`;

/** The memory model's boundary for a join group, at the group's own memory. */
function mechanismLine(profile: GroupProfile): string | undefined {
  const record = profile.group.records[0];
  if (!isJoinCell(record.parameters)) return undefined;
  const { keys, partitions } = FIXED_DEFAULTS;
  const boundary = predictedBoundary(inputFromRecord(record, { keys, partitions }), {
    min: 0.01,
    max: 4,
  });
  return `memory model (src/predict) for the same cells: last passing table ratio ${scaleText(boundary.lastPass)}${boundary.failureClass ? `, then ${boundary.failureClass}` : ""}`;
}

/** A group's projection in words and a table. */
export function profileText(profile: GroupProfile, targetScale?: number): string[] {
  const { group, target, projection: p, scaleWord } = profile;
  const lines = [
    `${group.name}: runs at ${scaleWord} ${p.scales.join(", ")}; projected for ${mibToSparkMemory(target.heapMiB)} executors (${target.overheadMiB} MiB overhead, ${target.cores} core(s)), a ${mibToSparkMemory(target.driverMiB)} driver`,
    p.failingScale === null
      ? `  no limit is crossed: it does not fail by memory as it grows`
      : `  fails from ${scaleWord} ${scaleText(p.failingScale)}: ${p.failureClass} (${p.binding})`,
  ];
  if (p.spillScale !== null) lines.push(`  spills from ${scaleWord} ${scaleText(p.spillScale)}`);
  const largest = Math.max(...p.scales);
  const table = renderTable(
    ["limit", "class", `crossed at ${scaleWord}`, `demand at ${largest}`, "capacity", "what"],
    p.limits.map((l) => {
      const unit = l.id === "broadcast_rows" ? "rows" : "bytes";
      return [
        l.id,
        l.failureClass ?? "(spills)",
        scaleText(l.crossingScale),
        l.id === "executor_container"
          ? podText(l.demandAtLargestRun)
          : sizeText(l.demandAtLargestRun, unit),
        l.id === "executor_container" ? "-" : sizeText(l.capacity, unit),
        l.words,
      ];
    }),
  );
  lines.push(...table.split("\n").map((line) => `  ${line}`));
  lines.push(
    "  growth (fixed + per unit of scale): " +
      p.quantities
        .filter((q) => q.points.some((pt) => pt.value > 0))
        .map(
          (q) =>
            `${q.id} ${sizeText(q.fit.intercept, q.id === "broadcastRows" ? "rows" : "bytes")} + ${sizeText(q.fit.slope, q.id === "broadcastRows" ? "rows" : "bytes")}`,
        )
        .join("; "),
  );
  const mechanism = mechanismLine(profile);
  if (mechanism) lines.push(`  ${mechanism}`);
  if (targetScale !== undefined) {
    const r = recommendFromProfile(profile.runs, target, targetScale);
    const setting = (mib: number | null) =>
      mib === null ? "none up to 256 GiB" : mib === 0 ? "0m" : mibToSparkMemory(mib);
    lines.push(
      `  to run at ${scaleWord} ${targetScale} (limits first crossed at ${scaleText(r.safeScale)} or later): executor memory ${setting(r.executorHeapMiB)}, driver memory ${setting(r.driverMiB)}` +
        (target.memoryLimited ? `, memory overhead ${setting(r.overheadMiB)}` : ""),
    );
    if (r.fixedLimits.length > 0) {
      lines.push(
        `  no memory setting avoids ${r.fixedLimits.join(", ")} there: Spark's own limits`,
      );
    }
  }
  return lines;
}

/** Runs `profile`; returns the exit code. */
export async function runProfileCommand(
  options: ProfileCommandOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  const overrides = targetOverrides(options);
  const targetScale =
    options.target === undefined ? undefined : numberOption("--target", options.target);
  if (targetScale !== undefined && !(targetScale > 0)) {
    throw new UsageError(
      `--target ${options.target}: a scale above 0 (a scale factor or table ratio)`,
    );
  }
  let records: CellResult[];
  let resultsDir: string;
  if (options.input) {
    if (options.stack || options.config) {
      throw new UsageError(
        "give --input FILE (records to profile) or an experiment to run (--stack, --config), not both",
      );
    }
    records = readResultsFile(options.input);
    resultsDir = path.dirname(options.input);
  } else {
    const settings = campaignSettings(options);
    if (!settings.source) {
      throw new UsageError(
        "profile needs runs at two or three small scales: --config FILE (or --stack NAME) with an experiment whose axes.scaleFactor (or axes.tableRatio) lists them, or --input results.jsonl of such runs",
      );
    }
    const { experiment, label } = loadPilotExperiment(settings.source);
    const run = await runPilot({
      experiment,
      label,
      scale: 1,
      rerun: settings.rerun,
      concurrency: settings.concurrency,
      resultsDir: settings.resultsDir,
      timeoutMinutes: settings.timeoutMinutes,
      memoryBudgetMiB: sparkMemoryToMiB(defaultMemoryBudget())!,
      memoryLimits: true,
      print,
      interactive: interactiveTerminal(),
    });
    records = run.records;
    resultsDir = experimentResultsDir(settings.resultsDir, experiment.name);
  }
  const profiles = profileRecords(records, resultsDir, overrides);
  if (options.json) {
    print(
      JSON.stringify(
        profiles.map((p) => ({
          group: p.group.name,
          scale: p.scaleWord,
          target: p.target,
          ...p.projection,
          ...(targetScale === undefined
            ? {}
            : { recommendation: recommendFromProfile(p.runs, p.target, targetScale) }),
        })),
        (_, value: unknown) =>
          typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
        2,
      ),
    );
    return 0;
  }
  for (const profile of profiles) for (const line of profileText(profile, targetScale)) print(line);
  return 0;
}
