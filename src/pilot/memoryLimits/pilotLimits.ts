/**
 * The pilot's memory limits from start to end of a run: the groups it owns, the java wrapper
 * every cell's Spark processes start through, each cell's groups and what they used, and the
 * clean-up — also of groups a pilot killed with -9 left behind.
 *
 * Layout (v1 and v2 as root): `<memory root>/spark-at-scale-pilot/pilot-<pid>-<start>/<cell>/`
 * holding `driver` and `executor-<id>`, one group per process, each limited to its pod's memory.
 * With a delegated systemd scope the scope itself is the cell's group, and systemd removes it
 * when its processes are gone.
 */
import { DELEGATED_SCOPE_ARGS } from "./machineProbe";
import * as fs from "node:fs";
import * as path from "node:path";
import { BYTES_PER_MIB } from "../../core/quantity";
import type { CellSizing } from "../../experiment/cells";
import type { MemoryGroup, MemoryLimits } from "../../results/cellResult";
import { PILOT_CGROUP_PARENT, type CgroupSetup, type EnforcingSetup } from "./cgroupSetup";
import {
  MACHINE_CGROUP_IO,
  makeGroup,
  ownerGroupName,
  processStartTime,
  readGroupUsage,
  removeGroupTree,
  removeIfEmpty,
  removeOrphanedGroups,
  type CgroupIo,
  type CgroupVersion,
  type GroupUsage,
} from "./cgroupTree";
import { javaWrapperScript, WRAPPER_ENV } from "./javaWrapper";

/** The pilot's limits for one run. */
export interface PilotLimits {
  /** How limits are set here, or why they are not. */
  readonly setup: CgroupSetup;
  /** The JAVA_HOME whose bin/java is the wrapper; undefined when nothing is enforced. */
  readonly javaHome?: string;
  /** v1 / v2 as root: this pilot's own group, holding its cells' groups. */
  readonly ownerGroup?: string;
  /** Groups of interrupted pilots that were removed on the way, and the processes killed. */
  readonly orphans: { readonly groups: number; readonly processes: number };
}

const versionOf = (setup: EnforcingSetup): CgroupVersion => (setup.kind === "cgroup-v1" ? 1 : 2);

/** What to start Spark with so a cell runs in its groups, and how to read and end them. */
export interface CellLimits {
  /** Environment for spark-submit (JAVA_HOME and the wrapper's settings); empty when unlimited. */
  readonly env: Readonly<Record<string, string>>;
  /** Words to put before spark-submit (a delegated systemd scope); empty otherwise. */
  readonly commandPrefix: readonly string[];
  /** Reads the groups' usage now (peaks only grow; the last reading stands if groups vanish). */
  sample(): void;
  /** After the cell: what was enforced and used; removes the cell's groups. Once only. */
  finish(): Promise<MemoryLimits>;
}

/**
 * Gets this machine ready for a pilot run: on v1 and v2 as root, the parent group, the removal
 * of groups interrupted pilots left, and this pilot's own group; for every enforcing setup, the
 * java wrapper under `workRoot`. A step that fails turns the setup into "none" with the reason.
 */
export async function preparePilotLimits(
  setup: CgroupSetup,
  workRoot: string,
  realJava: string,
  io: CgroupIo = MACHINE_CGROUP_IO,
  pid: number = process.pid,
): Promise<PilotLimits> {
  const none = { groups: 0, processes: 0 };
  if (setup.kind === "none") return { setup, orphans: none };
  let ownerGroup: string | undefined;
  let orphans = none;
  if (setup.kind !== "cgroup-v2-delegated") {
    const version = versionOf(setup);
    try {
      makeGroup(version, path.dirname(setup.parent), PILOT_CGROUP_PARENT);
      orphans = await removeOrphanedGroups(setup.parent, io);
      const start = processStartTime(pid) ?? "0";
      ownerGroup = makeGroup(version, setup.parent, ownerGroupName(pid, start));
    } catch (error) {
      return {
        setup: {
          kind: "none",
          reason: `cannot make memory cgroups under ${setup.parent}: ${(error as Error).message}`,
        },
        orphans,
      };
    }
  }
  // Absolute: Spark's Worker starts each executor in a folder of its own, where a relative
  // JAVA_HOME (from a relative --results) names nothing and every executor fails to launch.
  const javaHome = path.resolve(workRoot, "java-home");
  fs.mkdirSync(path.join(javaHome, "bin"), { recursive: true });
  fs.writeFileSync(path.join(javaHome, "bin", "java"), javaWrapperScript(realJava), {
    mode: 0o755,
  });
  return { setup, javaHome, ownerGroup, orphans };
}

/** Removes this pilot's own groups at the end of a run, and the parent if no pilot uses it. */
export async function releasePilotLimits(
  limits: PilotLimits,
  io: CgroupIo = MACHINE_CGROUP_IO,
): Promise<void> {
  if (!limits.ownerGroup) return;
  await removeGroupTree(limits.ownerGroup, io);
  removeIfEmpty(path.dirname(limits.ownerGroup), io);
}

/** Where a cell's processes report to the pilot: a line per process (see javaWrapper.ts). */
export const CGROUP_LOG_FILE = "cgroup.log";

interface WrapperLog {
  readonly cell?: string;
  readonly placed: ReadonlySet<string>;
  readonly problems: readonly string[];
}

function readWrapperLog(file: string): WrapperLog {
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    // No process reached the wrapper.
  }
  let cell: string | undefined;
  const placed = new Set<string>();
  const problems: string[] = [];
  for (const line of text.split("\n")) {
    const [word, ...rest] = line.split(" ");
    const value = rest.join(" ");
    if (word === "cell") cell = value;
    else if (word === "placed") placed.add(value);
    else if (word === "problem") problems.push(value);
  }
  return { cell, placed, problems };
}

const toMiB = (bytes: number | null) =>
  bytes === null ? null : Math.round((bytes / BYTES_PER_MIB) * 10) / 10;

function roleOf(name: string): { role: MemoryGroup["role"]; executorId: string | null } | null {
  if (name === "driver") return { role: "driver", executorId: null };
  const match = /^executor-(.+)$/.exec(name);
  return match ? { role: "executor", executorId: match[1] } : null;
}

function byRole(a: MemoryGroup, b: MemoryGroup): number {
  if (a.role !== b.role) return a.role === "driver" ? -1 : 1;
  const x = Number(a.executorId);
  const y = Number(b.executorId);
  return Number.isNaN(x) || Number.isNaN(y)
    ? String(a.executorId).localeCompare(String(b.executorId))
    : x - y;
}

/** Limits of a cell that runs with none: why, and nothing measured. */
export function unlimited(reason: string): MemoryLimits {
  return { enforced: false, mechanism: null, reason, groups: [] };
}

/**
 * A cell's groups: the environment and command prefix that put its processes in them, and
 * `finish` to read and remove them. `sequence` numbers the pilot's cells (systemd unit names).
 */
export function cellLimits(
  limits: PilotLimits,
  cellName: string,
  sizing: CellSizing,
  workDir: string,
  sequence: number,
  io: CgroupIo = MACHINE_CGROUP_IO,
): CellLimits {
  const { setup } = limits;
  if (setup.kind === "none" || !limits.javaHome) {
    const reason = setup.kind === "none" ? setup.reason : "no java wrapper";
    return {
      env: {},
      commandPrefix: [],
      sample: () => undefined,
      finish: () => Promise.resolve(unlimited(reason)),
    };
  }
  const version = versionOf(setup);
  const logFile = path.join(workDir, CGROUP_LOG_FILE);
  const delegated = setup.kind === "cgroup-v2-delegated";
  // v1 / v2 as root: the pilot makes the cell's group; delegated: the scope is the group.
  const cellGroup =
    !delegated && limits.ownerGroup ? makeGroup(version, limits.ownerGroup, cellName) : undefined;
  const limitsMiB = { driver: sizing.driverPodMemoryMiB, executor: sizing.podMemoryMiB };
  const env: Record<string, string> = {
    JAVA_HOME: limits.javaHome,
    [WRAPPER_ENV.version]: String(version),
    [WRAPPER_ENV.cell]: cellGroup ?? "",
    [WRAPPER_ENV.mount]: delegated ? setup.mount : "",
    [WRAPPER_ENV.driverLimit]: String(limitsMiB.driver * BYTES_PER_MIB),
    [WRAPPER_ENV.executorLimit]: String(limitsMiB.executor * BYTES_PER_MIB),
    [WRAPPER_ENV.log]: logFile,
  };
  const commandPrefix = delegated
    ? [
        setup.systemdRun,
        ...DELEGATED_SCOPE_ARGS,
        `--unit=spark-at-scale-pilot-${process.pid}-${sequence}`,
        "--",
      ]
    : [];

  // The last reading of each group: a delegated scope disappears with its last process.
  const readings = new Map<string, GroupUsage>();
  const groupDir = () => cellGroup ?? readWrapperLog(logFile).cell;
  const sample = () => {
    const dir = groupDir();
    if (!dir || !fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !roleOf(entry.name)) continue;
      const now = readGroupUsage(version, path.join(dir, entry.name));
      const before = readings.get(entry.name);
      readings.set(entry.name, {
        limitBytes: now.limitBytes ?? before?.limitBytes ?? null,
        peakBytes: Math.max(now.peakBytes ?? 0, before?.peakBytes ?? 0) || null,
        oomKills:
          now.oomKills === null && (before?.oomKills ?? null) === null
            ? null
            : Math.max(now.oomKills ?? 0, before?.oomKills ?? 0),
      });
    }
  };

  const read = async (): Promise<MemoryLimits> => {
    sample();
    const log = readWrapperLog(logFile);
    if (cellGroup) await removeGroupTree(cellGroup, io);
    const groups = [...readings].flatMap(([name, usage]): MemoryGroup[] => {
      const who = roleOf(name);
      if (!who) return [];
      return [
        {
          ...who,
          limitMiB: toMiB(usage.limitBytes) ?? limitsMiB[who.role],
          peakMiB: toMiB(usage.peakBytes),
          oomKills: usage.oomKills,
        },
      ];
    });
    groups.sort(byRole);
    const problems = [...log.problems];
    if (!log.placed.has("driver") && problems.length === 0) {
      problems.push("the driver never started, so no limit was set");
    }
    return problems.length === 0
      ? { enforced: true, mechanism: setup.kind, reason: null, groups }
      : { enforced: false, mechanism: null, reason: problems.join("; "), groups };
  };

  let finished: Promise<MemoryLimits> | undefined;
  return { env, commandPrefix, sample, finish: () => (finished ??= read()) };
}
