import { detectCgroupSetup, type CgroupSetup } from "./cgroupSetup";
import { machineSetupProbe } from "./machineProbe";
import type { PilotLimits } from "./pilotLimits";

/** How this run may limit memory: the machine's way, unless turned off. */
export function memoryLimitSetup(enabled: boolean): CgroupSetup {
  if (!enabled) {
    return { kind: "none", reason: "turned off (--no-memory-limits)" };
  }
  return detectCgroupSetup(machineSetupProbe());
}

/** The one line that says whether cells run under their pods' memory limits, and why not. */
export function limitsLine(limits: PilotLimits): string {
  const { setup, orphans } = limits;
  const removed =
    orphans.groups > 0
      ? `; removed ${orphans.groups} memory cgroup(s) of an interrupted pilot` +
        (orphans.processes > 0 ? ` and stopped ${orphans.processes} process(es) in them` : "")
      : "";
  if (setup.kind === "none") {
    return (
      `memory limits: not enforced (${setup.reason}); the driver and executors run without a ` +
      "container limit, so executor_container_oom cannot happen here" +
      removed
    );
  }
  const where =
    setup.kind === "cgroup-v2-delegated"
      ? "a delegated systemd scope per cell"
      : `memory cgroups under ${setup.parent}`;
  return (
    `memory limits: enforced with ${setup.kind} (${where}): the driver and each executor are ` +
    "killed by the kernel above their pod's memory (heap + overhead)" +
    removed
  );
}
