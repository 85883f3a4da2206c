/**
 * Memory cgroups on fake trees: which way a machine can limit memory (v1, v2, a delegated v2
 * scope, or none and why), the groups a pilot makes and reads, and the clean-up of groups a
 * killed pilot left. Only cgroup v1 exists on the machine these tests were written on; the
 * real kernel kill is tested in memoryLimits.e2e.spec.ts.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  cgroupMounts,
  detectCgroupSetup,
  type SetupProbe,
} from "../../src/pilot/memoryLimits/cgroupSetup";
import {
  makeGroup,
  ownerAlive,
  readGroupUsage,
  removeGroupTree,
  removeOrphanedGroups,
  type CgroupIo,
} from "../../src/pilot/memoryLimits/cgroupTree";
import {
  cellLimits,
  preparePilotLimits,
  releasePilotLimits,
} from "../../src/pilot/memoryLimits/pilotLimits";
import { WRAPPER_ENV } from "../../src/pilot/memoryLimits/javaWrapper";
import type { CellSizing } from "../../src/experiment/cells";

const MIB = 2 ** 20;

/** /proc/self/mountinfo of a hybrid machine (v1 controllers + an empty unified hierarchy). */
function hybridMountinfo(root: string): string {
  return [
    `22 1 0:21 / /proc rw,nosuid - proc proc rw`,
    `25 24 0:23 / ${root}/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu`,
    `26 24 0:24 / ${root}/memory rw,relatime shared:10 - cgroup cgroup rw,memory`,
    `27 24 0:25 / ${root}/unified rw,relatime shared:11 - cgroup2 cgroup2 rw`,
  ].join("\n");
}

/** /proc/self/mountinfo of a pure v2 machine. */
function unifiedMountinfo(root: string): string {
  return `30 24 0:26 / ${root} rw,nosuid,nodev shared:4 - cgroup2 cgroup2 rw,nsdelegate`;
}

function probe(overrides: Partial<SetupProbe>): SetupProbe {
  return {
    mountinfo: "",
    uid: 0,
    canWrite: () => true,
    systemdRun: undefined,
    tryDelegatedScope: () => "not expected to be called",
    ...overrides,
  };
}

/** A fake tree's rmdir removes the files a real cgroup folder would take with it. */
function fakeIo(killed: number[] = []): CgroupIo {
  return {
    rmdir: (dir) => {
      if (fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory())) {
        throw Object.assign(new Error("ENOTEMPTY"), { code: "ENOTEMPTY" });
      }
      fs.rmSync(dir, { recursive: true });
    },
    kill: (pid) => {
      killed.push(pid);
    },
  };
}

const sizing: CellSizing = {
  heapMiB: 512,
  overheadMiB: 64,
  podMemoryMiB: 576,
  buildBytes: 256 * MIB,
  probeBytes: 64 * MIB,
  executorInstances: 2,
  driverMemoryMiB: 3072,
  driverPodMemoryMiB: 3456,
};

describe("pilot: memory cgroups (fake trees)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cgroups-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("which way this machine can limit memory", () => {
    it("reads cgroup mounts from mountinfo, octal escapes included", () => {
      const mounts = cgroupMounts(
        `${hybridMountinfo("/sys/fs/cgroup")}\n40 24 0:30 / /mnt/with\\040space rw - cgroup2 none rw`,
      );
      expect(mounts).to.deep.equal([
        { mountPoint: "/sys/fs/cgroup/cpu", version: 1, controllers: ["cpu"] },
        { mountPoint: "/sys/fs/cgroup/memory", version: 1, controllers: ["memory"] },
        { mountPoint: "/sys/fs/cgroup/unified", version: 2, controllers: [] },
        { mountPoint: "/mnt/with space", version: 2, controllers: [] },
      ]);
    });

    it("v1 as root: groups under <memory mount>/spark-at-scale-pilot", () => {
      const setup = detectCgroupSetup(probe({ mountinfo: hybridMountinfo("/sys/fs/cgroup") }));
      expect(setup).to.deep.equal({
        kind: "cgroup-v1",
        parent: "/sys/fs/cgroup/memory/spark-at-scale-pilot",
      });
    });

    it("v1 without root: none, and why (v1 has no delegation)", () => {
      const setup = detectCgroupSetup(
        probe({ mountinfo: hybridMountinfo("/sys/fs/cgroup"), uid: 1000, canWrite: () => false }),
      );
      expect(setup.kind).to.equal("none");
      expect(setup.kind === "none" && setup.reason).to.match(
        /memory controller \(\/sys\/fs\/cgroup\/memory\) is not writable by uid 1000.*run the pilot as root/,
      );
    });

    it("v2 as root: groups under <mount>/spark-at-scale-pilot when it offers memory", () => {
      fs.writeFileSync(path.join(dir, "cgroup.controllers"), "cpuset cpu io memory pids\n");
      const setup = detectCgroupSetup(probe({ mountinfo: unifiedMountinfo(dir) }));
      expect(setup).to.deep.equal({
        kind: "cgroup-v2",
        mount: dir,
        parent: path.join(dir, "spark-at-scale-pilot"),
      });
    });

    it("v2 without the memory controller: none, naming what it offers", () => {
      fs.writeFileSync(path.join(dir, "cgroup.controllers"), "cpu pids\n");
      const setup = detectCgroupSetup(probe({ mountinfo: unifiedMountinfo(dir) }));
      expect(setup).to.deep.equal({
        kind: "none",
        reason: `cgroup v2 (${dir}) does not offer the memory controller (cgroup.controllers: cpu pids)`,
      });
    });

    it("v2 without root: a delegated systemd scope, when systemd gives one with memory", () => {
      fs.writeFileSync(path.join(dir, "cgroup.controllers"), "cpu io memory pids\n");
      const asked: string[] = [];
      const setup = detectCgroupSetup(
        probe({
          mountinfo: unifiedMountinfo(dir),
          uid: 1000,
          canWrite: () => false,
          systemdRun: "/usr/bin/systemd-run",
          tryDelegatedScope: (run, mount) => {
            asked.push(`${run} ${mount}`);
            return undefined;
          },
        }),
      );
      expect(asked).to.deep.equal([`/usr/bin/systemd-run ${dir}`]);
      expect(setup).to.deep.equal({
        kind: "cgroup-v2-delegated",
        mount: dir,
        systemdRun: "/usr/bin/systemd-run",
      });
    });

    it("v2 without root and without systemd-run, or with a scope lacking memory: none, and why", () => {
      fs.writeFileSync(path.join(dir, "cgroup.controllers"), "memory\n");
      const base = { mountinfo: unifiedMountinfo(dir), uid: 1000, canWrite: () => false };
      const noSystemd = detectCgroupSetup(probe(base));
      expect(noSystemd.kind === "none" && noSystemd.reason).to.match(
        /not writable by uid 1000 and systemd-run is not on PATH/,
      );
      const noMemory = detectCgroupSetup(
        probe({
          ...base,
          systemdRun: "/usr/bin/systemd-run",
          tryDelegatedScope: () => `the scope's controllers are "pids", without memory`,
        }),
      );
      expect(noMemory.kind === "none" && noMemory.reason).to.match(
        /systemd gave no delegated scope with the memory controller: the scope's controllers are "pids"/,
      );
    });

    it("no mountinfo (not Linux): none", () => {
      const setup = detectCgroupSetup(probe({ mountinfo: undefined }));
      expect(setup.kind === "none" && setup.reason).to.match(/no \/proc\/self\/mountinfo/);
    });
  });

  describe("groups", () => {
    it("v2: each new level hands the memory controller down to the next", () => {
      const group = makeGroup(2, dir, "spark-at-scale-pilot/pilot-1-2/cell");
      expect(group).to.equal(path.join(dir, "spark-at-scale-pilot", "pilot-1-2", "cell"));
      for (const level of ["", "spark-at-scale-pilot", "spark-at-scale-pilot/pilot-1-2"]) {
        expect(fs.readFileSync(path.join(dir, level, "cgroup.subtree_control"), "utf8")).to.equal(
          "+memory",
        );
      }
      expect(fs.existsSync(path.join(group, "cgroup.subtree_control"))).to.equal(false);
    });

    it("reads limit, peak and OOM kills from v1's and v2's files", () => {
      const v1 = path.join(dir, "v1");
      fs.mkdirSync(v1);
      fs.writeFileSync(path.join(v1, "memory.limit_in_bytes"), `${576 * MIB}\n`);
      fs.writeFileSync(path.join(v1, "memory.max_usage_in_bytes"), `${576 * MIB}\n`);
      fs.writeFileSync(
        path.join(v1, "memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n",
      );
      expect(readGroupUsage(1, v1)).to.deep.equal({
        limitBytes: 576 * MIB,
        peakBytes: 576 * MIB,
        oomKills: 1,
      });
      const v2 = path.join(dir, "v2");
      fs.mkdirSync(v2);
      fs.writeFileSync(path.join(v2, "memory.max"), "max\n");
      fs.writeFileSync(path.join(v2, "memory.peak"), "123456789\n");
      fs.writeFileSync(
        path.join(v2, "memory.events"),
        "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\noom_group_kill 0\n",
      );
      expect(readGroupUsage(2, v2)).to.deep.equal({
        limitBytes: null,
        peakBytes: 123456789,
        oomKills: 0,
      });
      // v1's "no limit" and a kernel without memory.peak
      fs.writeFileSync(path.join(v1, "memory.limit_in_bytes"), "9223372036854771712\n");
      fs.rmSync(path.join(v2, "memory.peak"));
      expect(readGroupUsage(1, v1).limitBytes).to.equal(null);
      expect(readGroupUsage(2, v2).peakBytes).to.equal(null);
    });

    it("removes a group tree bottom-up, killing what is still in it", async () => {
      const cell = makeGroup(1, dir, "owner/cell");
      fs.mkdirSync(path.join(cell, "executor-1"));
      fs.writeFileSync(path.join(cell, "executor-1", "cgroup.procs"), "4242\n4243\n");
      const killed: number[] = [];
      expect(await removeGroupTree(path.join(dir, "owner"), fakeIo(killed))).to.equal(2);
      expect(killed).to.deep.equal([4242, 4243]);
      expect(fs.existsSync(path.join(dir, "owner"))).to.equal(false);
    });

    it("after kill -9: removes only the groups of pilots that are gone", async () => {
      const parent = makeGroup(1, dir, "spark-at-scale-pilot");
      makeGroup(1, parent, "pilot-100-555/cell-a/driver");
      makeGroup(1, parent, "pilot-200-777/cell-b/driver");
      makeGroup(1, parent, "someone-else");
      // pid 100 now runs another process (another start time); pid 200 is the live pilot.
      const startTimes: Record<number, string> = { 100: "999", 200: "777" };
      expect(ownerAlive("pilot-200-777", (pid) => startTimes[pid])).to.equal(true);
      expect(ownerAlive("pilot-100-555", (pid) => startTimes[pid])).to.equal(false);
      const removed = await removeOrphanedGroups(parent, fakeIo(), (pid) => startTimes[pid]);
      expect(removed).to.deep.equal({ groups: 1, processes: 0 });
      expect(fs.readdirSync(parent).sort()).to.deep.equal(["pilot-200-777", "someone-else"]);
    });
  });

  describe("a pilot run's limits", () => {
    it("names an absolute JAVA_HOME even for a relative work folder (executors start elsewhere)", async () => {
      const memory = path.join(dir, "memory-relative");
      fs.mkdirSync(memory);
      const work = path.join(dir, "relative-work");
      const limits = await preparePilotLimits(
        { kind: "cgroup-v1", parent: path.join(memory, "spark-at-scale-pilot") },
        path.relative(process.cwd(), work),
        "/usr/lib/jvm/java-17/bin/java",
        fakeIo(),
        process.pid,
      );
      expect(limits.javaHome).to.equal(path.join(work, "java-home"));
      expect(fs.existsSync(path.join(work, "java-home", "bin", "java"))).to.equal(true);
    });

    it("v1: makes its own group, a group per cell, reads each process's group and removes them", async () => {
      const memory = path.join(dir, "memory");
      fs.mkdirSync(memory);
      const work = path.join(dir, "work");
      const limits = await preparePilotLimits(
        { kind: "cgroup-v1", parent: path.join(memory, "spark-at-scale-pilot") },
        work,
        "/usr/lib/jvm/java-17/bin/java",
        fakeIo(),
        process.pid,
      );
      expect(limits.ownerGroup).to.match(
        new RegExp(`spark-at-scale-pilot/pilot-${process.pid}-\\d+$`),
      );
      expect(fs.readFileSync(path.join(work, "java-home", "bin", "java"), "utf8")).to.include(
        "real_java='/usr/lib/jvm/java-17/bin/java'",
      );

      const cellWork = path.join(work, "cell");
      fs.mkdirSync(cellWork, { recursive: true });
      const cell = cellLimits(limits, "cell", sizing, cellWork, 1, fakeIo());
      const group = path.join(limits.ownerGroup ?? "", "cell");
      expect(cell.commandPrefix).to.deep.equal([]);
      expect(cell.env).to.deep.include({
        JAVA_HOME: path.join(work, "java-home"),
        [WRAPPER_ENV.version]: "1",
        [WRAPPER_ENV.cell]: group,
        [WRAPPER_ENV.driverLimit]: String(3456 * MIB),
        [WRAPPER_ENV.executorLimit]: String(576 * MIB),
      });

      // What the wrapper and the kernel would leave: the driver fine, executor 1 OOM-killed.
      for (const [role, peak, kills] of [
        ["driver", 1200, 0],
        ["executor-1", 576, 1],
        ["executor-0", 430, 0],
      ] as const) {
        fs.mkdirSync(path.join(group, role));
        const limit = role === "driver" ? 3456 : 576;
        fs.writeFileSync(path.join(group, role, "memory.limit_in_bytes"), String(limit * MIB));
        fs.writeFileSync(path.join(group, role, "memory.max_usage_in_bytes"), String(peak * MIB));
        fs.writeFileSync(path.join(group, role, "memory.oom_control"), `oom_kill ${kills}\n`);
      }
      fs.writeFileSync(
        path.join(cellWork, "cgroup.log"),
        "placed driver\nplaced executor-0\nplaced executor-1\n",
      );
      const recorded = await cell.finish();
      expect(recorded).to.deep.equal({
        enforced: true,
        mechanism: "cgroup-v1",
        reason: null,
        groups: [
          { role: "driver", executorId: null, limitMiB: 3456, peakMiB: 1200, oomKills: 0 },
          { role: "executor", executorId: "0", limitMiB: 576, peakMiB: 430, oomKills: 0 },
          { role: "executor", executorId: "1", limitMiB: 576, peakMiB: 576, oomKills: 1 },
        ],
      });
      expect(fs.existsSync(group)).to.equal(false);

      await releasePilotLimits(limits, fakeIo());
      expect(fs.readdirSync(memory)).to.deep.equal([]); // parent gone too: no other pilot
    });

    it("a process the wrapper could not place makes the cell's limits not enforced, with the reason", async () => {
      const memory = path.join(dir, "memory");
      fs.mkdirSync(memory);
      const limits = await preparePilotLimits(
        { kind: "cgroup-v1", parent: path.join(memory, "spark-at-scale-pilot") },
        path.join(dir, "work"),
        "/bin/java",
        fakeIo(),
      );
      const cellWork = path.join(dir, "work", "c");
      fs.mkdirSync(cellWork);
      const cell = cellLimits(limits, "c", sizing, cellWork, 1, fakeIo());
      fs.writeFileSync(
        path.join(cellWork, "cgroup.log"),
        "placed driver\nproblem executor-0: cannot move into /x/executor-0\n",
      );
      const recorded = await cell.finish();
      expect(recorded.enforced).to.equal(false);
      expect(recorded.reason).to.equal("executor-0: cannot move into /x/executor-0");
    });

    it("delegated v2: runs spark-submit in a systemd scope with Delegate=yes, the scope as the cell's group", async () => {
      const limits = await preparePilotLimits(
        { kind: "cgroup-v2-delegated", mount: dir, systemdRun: "/usr/bin/systemd-run" },
        path.join(dir, "work"),
        "/bin/java",
        fakeIo(),
      );
      expect(limits.ownerGroup).to.equal(undefined);
      const cellWork = path.join(dir, "work", "c");
      fs.mkdirSync(cellWork);
      const cell = cellLimits(limits, "c", sizing, cellWork, 7, fakeIo());
      expect(cell.commandPrefix).to.deep.equal([
        "/usr/bin/systemd-run",
        "--user",
        "--scope",
        "--quiet",
        "--collect",
        "-p",
        "Delegate=yes",
        `--unit=spark-at-scale-pilot-${process.pid}-7`,
        "--",
      ]);
      expect(cell.env[WRAPPER_ENV.cell]).to.equal("");
      expect(cell.env[WRAPPER_ENV.mount]).to.equal(dir);
      expect(cell.env[WRAPPER_ENV.version]).to.equal("2");

      // The driver found its scope and wrote it to the log; systemd removes the scope itself.
      const scope = path.join(dir, "user.slice", "app.slice", "run-1.scope");
      fs.mkdirSync(path.join(scope, "driver"), { recursive: true });
      fs.writeFileSync(path.join(scope, "driver", "memory.max"), String(3456 * MIB));
      fs.writeFileSync(path.join(scope, "driver", "memory.peak"), String(900 * MIB));
      fs.writeFileSync(path.join(scope, "driver", "memory.events"), "oom_kill 0\n");
      fs.writeFileSync(path.join(cellWork, "cgroup.log"), `cell ${scope}\nplaced driver\n`);
      cell.sample();
      fs.rmSync(scope, { recursive: true }); // the scope is gone when the cell ends
      expect(await cell.finish()).to.deep.equal({
        enforced: true,
        mechanism: "cgroup-v2-delegated",
        reason: null,
        groups: [{ role: "driver", executorId: null, limitMiB: 3456, peakMiB: 900, oomKills: 0 }],
      });
    });

    it("none: no wrapper, no environment, and the reason in every record", async () => {
      const limits = await preparePilotLimits(
        { kind: "none", reason: "turned off (--no-memory-limits)" },
        path.join(dir, "work"),
        "/bin/java",
      );
      expect(limits.javaHome).to.equal(undefined);
      const cell = cellLimits(limits, "c", sizing, dir, 1);
      expect(cell.env).to.deep.equal({});
      expect(await cell.finish()).to.deep.equal({
        enforced: false,
        mechanism: null,
        reason: "turned off (--no-memory-limits)",
        groups: [],
      });
    });
  });
});
