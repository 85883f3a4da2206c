import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { findOnPath } from "../environment";
import type { SetupProbe } from "./cgroupSetup";

/** systemd-run's arguments for a transient user scope that is handed its own cgroup subtree. */
export const DELEGATED_SCOPE_ARGS = [
  "--user",
  "--scope",
  "--quiet",
  "--collect",
  "-p",
  "Delegate=yes",
] as const;

/**
 * Runs a throw-away command in a delegated scope of the user's systemd and reads the scope's
 * `cgroup.controllers`: the memory controller must be there for the pilot to divide it.
 */
function tryDelegatedScope(systemdRun: string, mount: string): string | undefined {
  const run = spawnSync(
    systemdRun,
    [
      ...DELEGATED_SCOPE_ARGS,
      "--",
      "sh",
      "-c",
      'cat "$0$(sed -n "s/^0:://p" /proc/self/cgroup)/cgroup.controllers"',
      mount,
    ],
    { encoding: "utf8", timeout: 20_000 },
  );
  if (run.error) return run.error.message;
  if (run.status !== 0) {
    const said = `${run.stderr ?? ""}`.trim().split("\n").pop() ?? "";
    return `systemd-run --user --scope exited ${run.status}${said ? ` (${said})` : ""}`;
  }
  const controllers = run.stdout.trim();
  return controllers.split(/\s+/).includes("memory")
    ? undefined
    : `the scope's controllers are "${controllers}", without memory`;
}

/** What this machine offers, for `detectCgroupSetup`. */
export function machineSetupProbe(env: NodeJS.ProcessEnv = process.env): SetupProbe {
  let mountinfo: string | undefined;
  try {
    mountinfo = fs.readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    mountinfo = undefined;
  }
  return {
    mountinfo,
    uid: process.getuid?.() ?? -1,
    canWrite: (dir) => {
      try {
        fs.accessSync(dir, fs.constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
    systemdRun: findOnPath("systemd-run", env),
    tryDelegatedScope,
  };
}
