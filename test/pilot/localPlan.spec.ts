import { expect } from "chai";
import { experimentSchema } from "../../src/config/experiment";
import { cellSpecs } from "../../src/experiment/cellSpecs";
import { planLocalCells } from "../../src/pilot/localPlan";
import { cellWorkDirs, sparkSubmitCommand } from "../../src/pilot/sparkSubmit";

const experiment = experimentSchema.parse({
  name: "unit",
  axes: {
    executorMemory: ["2g"],
    tableRatio: [0.5],
    strategy: ["shuffle_hash"],
    skew: [1.2],
    aqe: [false],
  },
  fixed: { executorInstances: 2, driverMemory: "4g", probeSize: "1g", keys: 1000, partitions: 8 },
});
const specs = cellSpecs(experiment);

describe("pilot: local plan", () => {
  it("runs a cell as declared when it fits the memory budget", () => {
    const plan = planLocalCells(specs, experiment, { scale: 1, memoryBudgetMiB: 16_384 });
    expect(plan.problems).to.deep.equal([]);
    const [cell] = plan.cells;
    expect(cell.sizing.heapMiB).to.equal(2048);
    expect(cell.sizing.buildBytes).to.equal(1024 * 2 ** 20);
    // driver 4096 + 384, two executors of 2048 + 384, Python 256
    expect(cell.footprintMiB).to.equal(4096 + 384 + 2 * (2048 + 384) + 256);
  });

  it("refuses a cell that does not fit, naming the scale that would", () => {
    const plan = planLocalCells(specs, experiment, { scale: 1, memoryBudgetMiB: 6_000 });
    expect(plan.cells).to.have.length(0);
    // (6000 - 384*3 - 256) / (4096 + 2*2048) = 0.56...
    expect(plan.problems[0]).to.match(
      /cell m2g-shj-r0p5-s1p2-noaqe-1: needs .* memory budget is 5\.9 GiB; run with --scale 0\.56 or less/,
    );
  });

  it("says no scale fits when the budget cannot hold even Spark's smallest heaps", () => {
    const plan = planLocalCells(specs, experiment, { scale: 1, memoryBudgetMiB: 1_000 });
    expect(plan.cells).to.have.length(0);
    expect(plan.problems[0]).to.match(
      /memory budget is 1000 MiB; no --scale fits it \(Spark needs 450 MiB heaps\); raise --memory-budget$/,
    );
  });

  it("scales heaps and both sizes together, keeping the ratio to executor memory", () => {
    const plan = planLocalCells(specs, experiment, { scale: 0.5, memoryBudgetMiB: 6_000 });
    const [cell] = plan.cells;
    expect(cell.scale).to.equal(0.5);
    expect(cell.sizing.heapMiB).to.equal(1024);
    expect(cell.sizing.driverMemoryMiB).to.equal(2048);
    expect(cell.sizing.buildBytes / (cell.sizing.heapMiB * 2 ** 20)).to.equal(0.5);
    expect(cell.sizing.probeBytes).to.equal(512 * 2 ** 20);
    expect(cell.workloadArgs.slice(0, 4)).to.deep.equal([
      "--build-bytes",
      String(512 * 2 ** 20),
      "--probe-bytes",
      String(512 * 2 ** 20),
    ]);
    expect(cell.spec.name).to.equal("m2g-shj-r0p5-s1p2-noaqe-1"); // the cloud's name, unscaled
  });

  it("refuses a scale that takes a heap under Spark's 450 MiB minimum", () => {
    const plan = planLocalCells(specs, experiment, { scale: 0.2, memoryBudgetMiB: 16_384 });
    expect(plan.problems[0]).to.match(/executor heap would be 409 MiB .* at least 450 MiB/);
  });
});

describe("pilot: spark-submit command", () => {
  it("starts one local-cluster worker per executor with the cell's heap and settings", () => {
    const [cell] = planLocalCells(specs, experiment, { scale: 1, memoryBudgetMiB: 16_384 }).cells;
    const dirs = cellWorkDirs("/r/work", cell.spec.name);
    const command = sparkSubmitCommand(
      cell,
      dirs,
      "/venv/bin/spark-submit",
      "/venv/bin/python",
      "/w/join_workload.py",
    );
    expect(command.file).to.equal("/venv/bin/spark-submit");
    expect(command.args.slice(0, 4)).to.deep.equal([
      "--master",
      "local-cluster[2,1,2048]",
      "--driver-memory",
      "4096m",
    ]);
    const confs = command.args.filter((_, i) => command.args[i - 1] === "--conf");
    expect(confs).to.include.members([
      "spark.executor.memory=2048m",
      "spark.executor.cores=1",
      "spark.local.dir=/r/work/m2g-shj-r0p5-s1p2-noaqe-1/local",
      "spark.sql.adaptive.enabled=false",
      "spark.sql.autoBroadcastJoinThreshold=-1",
    ]);
    const scriptAt = command.args.indexOf("/w/join_workload.py");
    expect(command.args.slice(scriptAt + 1)).to.deep.equal([...cell.workloadArgs]);
    expect(command.env.SPARK_HOME).to.equal("/r/work/m2g-shj-r0p5-s1p2-noaqe-1/spark-home");
  });
});
