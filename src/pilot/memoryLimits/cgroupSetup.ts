/**
 * Finds how this machine can hold a process to a memory limit the way a pod's container is held
 * to one: a memory cgroup, where going over the limit gets the process SIGKILLed by the kernel
 * (exit 137), exactly what the kubelet reports as OOMKilled.
 *
 * Three ways, tried in this order:
 * - cgroup v1 (the memory controller mounted on its own, e.g. /sys/fs/cgroup/memory), writable
 *   by this user (root): groups go under `<mount>/spark-at-scale-pilot`.
 * - cgroup v2 (the unified hierarchy) offering the memory controller, writable by this user
 *   (root): the same under `<mount>/spark-at-scale-pilot`, with the controller switched on for
 *   each level below it (`cgroup.subtree_control`).
 * - cgroup v2 not writable (a user without root) but run by systemd: each cell runs in a scope
 *   of the user's own systemd manager with `Delegate=yes` (`systemd-run --user --scope`), a
 *   subtree the user may divide, and its processes go into groups inside that scope.
 * Otherwise no limit can be set: the pilot says why, once, and runs without limits.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The folder, directly under the memory controller's root, that holds every pilot's groups. */
export const PILOT_CGROUP_PARENT = "spark-at-scale-pilot";

/** How limits are set on this machine, or why they cannot be. */
export type CgroupSetup =
  | { readonly kind: "cgroup-v1"; readonly parent: string }
  | { readonly kind: "cgroup-v2"; readonly mount: string; readonly parent: string }
  | { readonly kind: "cgroup-v2-delegated"; readonly mount: string; readonly systemdRun: string }
  | { readonly kind: "none"; readonly reason: string };

/** A setup that can set limits. */
export type EnforcingSetup = Exclude<CgroupSetup, { kind: "none" }>;

/** One cgroup filesystem, from /proc/self/mountinfo. */
export interface CgroupMount {
  /** Where it is mounted. */
  readonly mountPoint: string;
  /** 1 for a v1 hierarchy, 2 for the unified one. */
  readonly version: 1 | 2;
  /** v1: the controllers of this hierarchy (from its super options); v2: empty. */
  readonly controllers: readonly string[];
}

/** mountinfo escapes spaces, tabs, newlines and backslashes in paths as octal (`\040`). */
function unescapeMountPath(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/**
 * The cgroup filesystems in a /proc/self/mountinfo text. Each line is `id parent major:minor
 * root mountpoint options [optional fields…] - fstype source superoptions` (proc(5)).
 */
export function cgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    const fields = line.trim().split(" ");
    const dash = fields.indexOf("-");
    if (dash < 5 || fields.length < dash + 4) continue;
    const fsType = fields[dash + 1];
    const mountPoint = unescapeMountPath(fields[4]);
    if (fsType === "cgroup2") mounts.push({ mountPoint, version: 2, controllers: [] });
    else if (fsType === "cgroup") {
      const controllers = fields[dash + 3].split(",").filter((o) => o !== "rw" && o !== "ro");
      mounts.push({ mountPoint, version: 1, controllers });
    }
  }
  return mounts;
}

/** What detection looks at; the defaults read this machine. */
export interface SetupProbe {
  /** /proc/self/mountinfo, or undefined where there is none (not Linux). */
  readonly mountinfo: string | undefined;
  /** This process's user id. */
  readonly uid: number;
  /** May this process create groups in `dir`? */
  readonly canWrite: (dir: string) => boolean;
  /** systemd-run on PATH, if any. */
  readonly systemdRun: string | undefined;
  /**
   * Asks systemd for a delegated scope and says what went wrong, or undefined when the scope
   * had the memory controller to divide. Only called for the delegated case.
   */
  readonly tryDelegatedScope: (systemdRun: string, mount: string) => string | undefined;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

const words = (text: string | undefined): string[] => (text ?? "").trim().split(/\s+/);

/** Decides how limits can be set, from what `probe` found. Pure but for reading the probe. */
export function detectCgroupSetup(probe: SetupProbe): CgroupSetup {
  if (probe.mountinfo === undefined) {
    return {
      kind: "none",
      reason: "no /proc/self/mountinfo, so no cgroup filesystem to find (not Linux?)",
    };
  }
  const mounts = cgroupMounts(probe.mountinfo);
  // The memory controller is bound to one hierarchy: a v1 mount of it wins over the unified one.
  const v1 = mounts.find((m) => m.version === 1 && m.controllers.includes("memory"));
  if (v1) {
    if (probe.canWrite(v1.mountPoint)) {
      return { kind: "cgroup-v1", parent: path.join(v1.mountPoint, PILOT_CGROUP_PARENT) };
    }
    return {
      kind: "none",
      reason:
        `cgroup v1's memory controller (${v1.mountPoint}) is not writable by uid ${probe.uid}, and v1 ` +
        "has no delegation to users: run the pilot as root to enforce limits",
    };
  }
  const v2 = mounts.find((m) => m.version === 2);
  if (!v2) return { kind: "none", reason: "no cgroup memory controller is mounted" };
  const available = words(readText(path.join(v2.mountPoint, "cgroup.controllers")));
  if (!available.includes("memory")) {
    return {
      kind: "none",
      reason: `cgroup v2 (${v2.mountPoint}) does not offer the memory controller (cgroup.controllers: ${available.join(" ") || "none"})`,
    };
  }
  if (probe.canWrite(v2.mountPoint)) {
    return {
      kind: "cgroup-v2",
      mount: v2.mountPoint,
      parent: path.join(v2.mountPoint, PILOT_CGROUP_PARENT),
    };
  }
  if (!probe.systemdRun) {
    return {
      kind: "none",
      reason:
        `cgroup v2 (${v2.mountPoint}) is not writable by uid ${probe.uid} and systemd-run is not on PATH, ` +
        "so no delegated subtree can be asked for",
    };
  }
  const problem = probe.tryDelegatedScope(probe.systemdRun, v2.mountPoint);
  if (problem !== undefined) {
    return {
      kind: "none",
      reason: `cgroup v2 (${v2.mountPoint}) is not writable by uid ${probe.uid}, and systemd gave no delegated scope with the memory controller: ${problem}`,
    };
  }
  return { kind: "cgroup-v2-delegated", mount: v2.mountPoint, systemdRun: probe.systemdRun };
}
