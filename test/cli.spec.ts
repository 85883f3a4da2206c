import { expect } from "chai";
import { runPlan } from "../src/cli/planCommand";
import { runRecommend, type RecommendOptions } from "../src/cli/recommendCommand";
import { UsageError } from "../src/config/errors";

const recommendDefaults: RecommendOptions = {
  strategy: "broadcast",
  buildSize: "2g",
  skew: "0",
  keys: "100000",
  partitions: "200",
  cores: "1",
  aqe: "on",
  runner: "kubernetes",
  overheadFactor: "0.1",
};

describe("plan shows each cell's prediction before anything runs", () => {
  const lines: string[] = [];
  runPlan({ stack: "dev", json: true }, (line) => lines.push(line));
  const plan = JSON.parse(lines.join("\n")) as {
    rows: Array<{
      cell: string;
      prediction: { outcome: string; failureClass: string; margin: number };
    }>;
  };
  const row = (cell: string) => plan.rows.find((r) => r.cell === cell)!.prediction;

  it("gives every row a prediction with a finite margin", () => {
    expect(plan.rows).to.have.length(44);
    for (const r of plan.rows) {
      expect(["succeeded", "failed"]).to.include(r.prediction.outcome);
      expect(Number.isFinite(r.prediction.margin), r.cell).to.equal(true);
      expect(r.prediction.margin >= 0, r.cell).to.equal(r.prediction.outcome === "succeeded");
    }
  });

  it("predicts a broadcast the 4g driver cannot build, and a sort-merge that spills", () => {
    // 2 GiB build side: the driver needs about 5 x 2 GiB above its 300 MiB reserve; it has 4 GiB.
    expect(row("m2g-bhj-r1-s0-aqe-1")).to.include({
      outcome: "failed",
      failureClass: "broadcast_too_large",
    });
    expect(row("m2g-smj-r2-s0-aqe-1")).to.include({ outcome: "succeeded", failureClass: "none" });
  });
});

describe("recommend", () => {
  const run = (overrides: Partial<RecommendOptions>) => {
    const lines: string[] = [];
    const code = runRecommend({ ...recommendDefaults, ...overrides }, (line) => lines.push(line));
    return { code, text: lines.join("\n") };
  };
  const heapOf = (text: string) => /predicted safe for .*: (\d+)([mg])/.exec(text);
  const mib = (text: string) => {
    const m = heapOf(text)!;
    return Number(m[1]) * (m[2] === "g" ? 1024 : 1);
  };

  it("gives the smallest executor memory predicted safe for a broadcast", () => {
    const { code, text } = run({ driverMemory: "16g" });
    expect(code).to.equal(0);
    expect(text).to.match(
      /broadcast of a 2\.0 GiB build side, skew 0, on kubernetes: 5g \(pod 5\.5 GiB/,
    );
  });

  it("needs more memory for a skewed shuffle hash join without AQE's skew split", () => {
    const withAqe = run({
      strategy: "shuffle_hash",
      buildSize: "8g",
      skew: "1.2",
      partitions: "64",
    });
    const withoutAqe = run({
      strategy: "shuffle_hash",
      buildSize: "8g",
      skew: "1.2",
      partitions: "64",
      aqe: "off",
    });
    expect(mib(withoutAqe.text)).to.be.above(mib(withAqe.text));
  });

  it("says so when no size is safe, and rejects a bad strategy", () => {
    expect(run({ buildSize: "10g", driverMemory: "4g" })).to.deep.include({ code: 1 });
    expect(() => run({ strategy: "nested_loop" })).to.throw(
      UsageError,
      /--strategy nested_loop: one of broadcast/,
    );
  });
});
