/**
 * The few operations the pilot needs on memory cgroups, for both versions: make a group, read
 * what a group used, and remove groups (with any process left in them). The control files:
 *
 * | what          | v1                          | v2              |
 * | ------------- | --------------------------- | --------------- |
 * | limit         | memory.limit_in_bytes       | memory.max      |
 * | peak          | memory.max_usage_in_bytes   | memory.peak     |
 * | OOM kills     | memory.oom_control oom_kill | memory.events oom_kill |
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** 1 for a v1 memory hierarchy, 2 for the unified one. */
export type CgroupVersion = 1 | 2;

const CONTROL_FILES: Readonly<
  Record<CgroupVersion, { limit: string; peak: string; events: string }>
> = {
  1: {
    limit: "memory.limit_in_bytes",
    peak: "memory.max_usage_in_bytes",
    events: "memory.oom_control",
  },
  2: { limit: "memory.max", peak: "memory.peak", events: "memory.events" },
};

/** v1 spells "no limit" as the largest page-aligned 64-bit value; anything this big is none. */
const NO_LIMIT_ABOVE = 2 ** 62;

/** What one group was allowed and used. */
export interface GroupUsage {
  /** Its limit in bytes; null when none is set. */
  readonly limitBytes: number | null;
  /** The most it held at once, bytes; null when the kernel does not say (v2 before Linux 5.19). */
  readonly peakBytes: number | null;
  /** Processes the kernel's OOM killer killed in it; null when the kernel does not count them. */
  readonly oomKills: number | null;
}

function readOptional(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function bytes(text: string | undefined): number | null {
  const value = text?.trim();
  if (value === undefined || value === "" || value === "max") return null;
  const n = Number(value);
  return Number.isFinite(n) && n < NO_LIMIT_ABOVE ? n : null;
}

/** The `oom_kill N` line of memory.oom_control (v1, Linux 4.13+) or memory.events (v2). */
function oomKills(text: string | undefined): number | null {
  const match = /^oom_kill (\d+)$/m.exec(text ?? "");
  return match ? Number(match[1]) : null;
}

/** What a group was allowed and used, from its control files. */
export function readGroupUsage(version: CgroupVersion, dir: string): GroupUsage {
  const files = CONTROL_FILES[version];
  return {
    limitBytes: bytes(readOptional(path.join(dir, files.limit))),
    peakBytes: bytes(readOptional(path.join(dir, files.peak))),
    oomKills: oomKills(readOptional(path.join(dir, files.events))),
  };
}

/**
 * Makes `relative` under `base`, one level at a time. On v2 a group's children get the memory
 * controller only when the group lists it in cgroup.subtree_control, so each level switches it
 * on for the next (allowed: none of these levels holds a process). Returns the new group.
 */
export function makeGroup(version: CgroupVersion, base: string, relative: string): string {
  let dir = base;
  for (const part of relative.split("/").filter(Boolean)) {
    if (version === 2) fs.writeFileSync(path.join(dir, "cgroup.subtree_control"), "+memory");
    dir = path.join(dir, part);
    if (!fs.existsSync(dir)) fs.mkdirSync(dir);
  }
  return dir;
}

/** The two operations a fake cgroup tree in a test does differently. */
export interface CgroupIo {
  /** Removes an empty group (a real cgroup directory goes with its control files). */
  readonly rmdir: (dir: string) => void;
  /** Sends SIGKILL to a process. */
  readonly kill: (pid: number) => void;
}

export const MACHINE_CGROUP_IO: CgroupIo = {
  rmdir: (dir) => fs.rmdirSync(dir),
  kill: (pid) => process.kill(pid, "SIGKILL"),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function childGroups(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(dir, entry.name));
  } catch {
    return [];
  }
}

function processesIn(dir: string): number[] {
  return (readOptional(path.join(dir, "cgroup.procs")) ?? "")
    .split("\n")
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/**
 * Removes `dir` and every group below it. A process still in one (a Spark JVM a killed pilot
 * left behind) is killed first: anything in the pilot's groups belongs to a pilot cell. A group
 * cannot be removed until its killed processes are gone, so this retries until `timeoutMs`.
 * Returns how many processes it killed.
 */
export async function removeGroupTree(
  dir: string,
  io: CgroupIo = MACHINE_CGROUP_IO,
  timeoutMs = 10_000,
): Promise<number> {
  if (!fs.existsSync(dir)) return 0;
  let killed = 0;
  for (const child of childGroups(dir)) killed += await removeGroupTree(child, io, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const pid of processesIn(dir)) {
      try {
        io.kill(pid);
        killed += 1;
      } catch {
        // Gone already.
      }
    }
    try {
      io.rmdir(dir);
      return killed;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return killed;
      if (code !== "EBUSY" || Date.now() > deadline) {
        throw new Error(`cannot remove memory cgroup ${dir}: ${(error as Error).message}`);
      }
      await sleep(100);
    }
  }
}

/** Removes `dir` if it is an empty group; leaves it (another pilot's groups) otherwise. */
export function removeIfEmpty(dir: string, io: CgroupIo = MACHINE_CGROUP_IO): void {
  if (childGroups(dir).length > 0) return;
  try {
    io.rmdir(dir);
  } catch {
    // Busy, gone, or not empty: another pilot's, or nothing to do.
  }
}

/**
 * The name of a pilot process's own group under the parent: its pid and its start time (field
 * 22 of /proc/<pid>/stat), so a later pilot can tell a dead owner from a live one even when the
 * pid has been reused.
 */
export function ownerGroupName(pid: number, startTime: string): string {
  return `pilot-${pid}-${startTime}`;
}

/** A process's start time in clock ticks since boot, or undefined if it is not running. */
export function processStartTime(pid: number): string | undefined {
  const stat = readOptional(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count after its end.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19]; // field 22 overall: fields 3.. start at index 0
}

/** True if the pilot that owns the group `name` is still running. */
export function ownerAlive(
  name: string,
  startTimeOf: (pid: number) => string | undefined = processStartTime,
): boolean {
  const match = /^pilot-(\d+)-(\d+)$/.exec(name);
  if (!match) return true; // not a pilot's group: leave it alone
  return startTimeOf(Number(match[1])) === match[2];
}

/**
 * Removes the groups of pilots that are no longer running (killed with -9, say), with any
 * Spark process still in them. Returns how many groups were removed and processes killed.
 */
export async function removeOrphanedGroups(
  parent: string,
  io: CgroupIo = MACHINE_CGROUP_IO,
  startTimeOf: (pid: number) => string | undefined = processStartTime,
): Promise<{ groups: number; processes: number }> {
  let groups = 0;
  let processes = 0;
  for (const owner of childGroups(parent)) {
    if (ownerAlive(path.basename(owner), startTimeOf)) continue;
    processes += await removeGroupTree(owner, io);
    groups += 1;
  }
  return { groups, processes };
}
