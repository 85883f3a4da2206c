/**
 * The java wrapper on fake cgroup trees (plain folders): for each cgroup version it must put the
 * driver and each executor in its own group with its pod's limit, leave everything else alone,
 * and always end up running the real java with the arguments unchanged.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DRIVER_MAIN_CLASS,
  EXECUTOR_MAIN_CLASS,
  javaWrapperScript,
  WRAPPER_ENV,
} from "../../src/pilot/memoryLimits/javaWrapper";

const MIB = 2 ** 20;
const LAUNCHER = ["-Xmx128m", "-cp", "/spark/jars/*", "org.apache.spark.launcher.Main"];
const DRIVER = ["-cp", "/spark/conf:/spark/jars/*", "-Xmx3072m", DRIVER_MAIN_CLASS];
const EXECUTOR = [
  "-cp",
  "/spark/conf:/spark/jars/*",
  "-Xmx512M",
  "-Dspark.driver.port=45031",
  "--add-modules=jdk.incubator.vector",
  "--add-opens",
  "java.base/java.lang=ALL-UNNAMED",
  EXECUTOR_MAIN_CLASS,
  "--driver-url",
  "spark://CoarseGrainedScheduler@192.0.2.2:45031",
  "--executor-id",
  "3",
  "--cores",
  "1",
];

describe("pilot: the java wrapper that puts Spark processes in memory cgroups", () => {
  let dir: string;
  let wrapper: string;
  let seen: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "java-wrapper-"));
    seen = path.join(dir, "seen");
    // The "real" java: writes its pid and its arguments, one per line.
    const fakeJava = path.join(dir, "real java");
    fs.writeFileSync(fakeJava, `#!/bin/sh\nprintf '%s\\n' "$$" "$@" > '${seen}'\n`, {
      mode: 0o755,
    });
    wrapper = path.join(dir, "java");
    fs.writeFileSync(wrapper, javaWrapperScript(fakeJava), { mode: 0o755 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(args: string[], env: Record<string, string>) {
    const result = spawnSync(wrapper, args, {
      env: { PATH: process.env.PATH, ...env },
      encoding: "utf8",
    });
    expect(result.status, result.stderr).to.equal(0);
    const [pid, ...passed] = fs.readFileSync(seen, "utf8").trimEnd().split("\n");
    return { pid, passed, stderr: result.stderr };
  }

  const read = (file: string) => fs.readFileSync(file, "utf8").trim();
  const log = () => path.join(dir, "cgroup.log");
  const v1Env = (cell: string) => ({
    [WRAPPER_ENV.version]: "1",
    [WRAPPER_ENV.cell]: cell,
    [WRAPPER_ENV.driverLimit]: String(3456 * MIB),
    [WRAPPER_ENV.executorLimit]: String(576 * MIB),
    [WRAPPER_ENV.log]: log(),
  });

  it("v1: the driver and an executor each get a group with their pod's limit, then run as given", () => {
    const cell = path.join(dir, "memory", "spark-at-scale-pilot", "pilot-1-2", "cell");
    fs.mkdirSync(cell, { recursive: true });
    // With swap accounting the memory+swap limit is set too.
    fs.mkdirSync(path.join(cell, "executor-3"));
    fs.writeFileSync(path.join(cell, "executor-3", "memory.memsw.limit_in_bytes"), "");

    const driver = run(DRIVER, v1Env(cell));
    expect(driver.passed).to.deep.equal(DRIVER);
    expect(read(path.join(cell, "driver", "memory.limit_in_bytes"))).to.equal(String(3456 * MIB));
    // The wrapper joined the group and exec'd: the pid in cgroup.procs is the JVM's.
    expect(read(path.join(cell, "driver", "cgroup.procs"))).to.equal(driver.pid);

    const executor = run(EXECUTOR, v1Env(cell));
    expect(executor.passed).to.deep.equal(EXECUTOR);
    const group = path.join(cell, "executor-3");
    expect(read(path.join(group, "memory.limit_in_bytes"))).to.equal(String(576 * MIB));
    expect(read(path.join(group, "memory.memsw.limit_in_bytes"))).to.equal(String(576 * MIB));
    expect(read(path.join(group, "cgroup.procs"))).to.equal(executor.pid);
    expect(read(log())).to.equal("placed driver\nplaced executor-3");
  });

  it("leaves spark-class's launcher alone, though SparkSubmit is among its arguments", () => {
    const cell = path.join(dir, "cell");
    fs.mkdirSync(cell);
    const args = [...LAUNCHER, DRIVER_MAIN_CLASS, "--master", "local-cluster[2,1,512]", "a b.py"];
    expect(run(args, v1Env(cell)).passed).to.deep.equal(args);
    expect(fs.readdirSync(cell)).to.deep.equal([]);
    expect(fs.existsSync(log())).to.equal(false);
  });

  it("v2 as root: joins first, hands the memory controller down, sets memory.max and oom.group", () => {
    const cell = path.join(dir, "unified", "spark-at-scale-pilot", "pilot-1-2", "cell");
    fs.mkdirSync(cell, { recursive: true });
    fs.mkdirSync(path.join(cell, "executor-3"));
    fs.writeFileSync(path.join(cell, "executor-3", "memory.swap.max"), "max");
    const executor = run(EXECUTOR, { ...v1Env(cell), [WRAPPER_ENV.version]: "2" });
    expect(executor.passed).to.deep.equal(EXECUTOR);
    const group = path.join(cell, "executor-3");
    expect(read(path.join(group, "cgroup.procs"))).to.equal(executor.pid);
    expect(read(path.join(cell, "cgroup.subtree_control"))).to.equal("+memory");
    expect(read(path.join(group, "memory.max"))).to.equal(String(576 * MIB));
    expect(read(path.join(group, "memory.swap.max"))).to.equal("0");
    expect(read(path.join(group, "memory.oom.group"))).to.equal("1");
  });

  it("v2 in a delegated scope: the driver's own cgroup is the cell's group, and executors inherit it", () => {
    const mount = path.join(dir, "unified");
    // The test's own cgroup v2 path stands in for the systemd scope the driver starts in.
    const own = /^0::(.*)$/m.exec(fs.readFileSync("/proc/self/cgroup", "utf8"))?.[1] ?? "";
    const scope = `${mount}${own}`;
    fs.mkdirSync(scope, { recursive: true });
    const env = { ...v1Env(""), [WRAPPER_ENV.version]: "2", [WRAPPER_ENV.mount]: mount };
    const driver = run(DRIVER, env);
    expect(read(path.join(scope, "driver", "cgroup.procs"))).to.equal(driver.pid);
    expect(read(path.join(scope, "driver", "memory.max"))).to.equal(String(3456 * MIB));
    expect(read(log())).to.equal(`cell ${scope}\nplaced driver`);
  });

  it("runs a process it cannot place unlimited, and says why in the log and on stderr", () => {
    const notAFolder = path.join(dir, "cell");
    fs.writeFileSync(notAFolder, "");
    const executor = run(EXECUTOR, v1Env(notAFolder));
    expect(executor.passed).to.deep.equal(EXECUTOR);
    expect(read(log())).to.equal(`problem executor-3: cannot create ${notAFolder}/executor-3`);
    expect(executor.stderr).to.match(/the executor-3 runs without its memory limit: cannot create/);
  });
});
