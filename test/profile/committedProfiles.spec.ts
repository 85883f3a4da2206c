/**
 * The profile from small runs against measured boundaries, on committed runs of real Spark 4.0.4
 * (the pilot, 2 cores): TPC-H Q3, Q5 and Q10 broadcast on 512m executors profiled at SF 0.1, 0.2
 * and 0.4 against boundary searches from 0.25 to 4 (examples/profile/results/), and the
 * synthetic join's five built-in combinations profiled at 0.05, 0.1 and 0.15 x the heap against
 * the built-in searches' probes (test/fixtures/predict/builtin-search/). docs/profile.md shows the
 * tables asserted here.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { profileRecords } from "../../src/profile/profileRecords";
import { compareProfiles, comparisonTable } from "../../src/report/profileComparison";
import { readResultsFile } from "../../src/report/loadResults";
import { PROJECT_DIR } from "../helpers/devStack";

const RESULTS = path.join(PROJECT_DIR, "examples", "profile", "results");
const FALLBACK = { keys: 50_000, partitions: 4 };

function profileOf(experiment: string) {
  const dir = path.join(RESULTS, experiment);
  return profileRecords(readResultsFile(path.join(dir, "results.jsonl")), dir);
}

const tpch = compareProfiles(
  profileOf("tpch-profile"),
  readResultsFile(path.join(RESULTS, "tpch-boundaries", "results.jsonl")),
  FALLBACK,
);
const join = compareProfiles(
  profileOf("join-profile"),
  readResultsFile(
    path.join(PROJECT_DIR, "test", "fixtures", "predict", "builtin-search", "results.jsonl"),
  ),
  FALLBACK,
);
const doc = fs.readFileSync(path.join(PROJECT_DIR, "docs", "profile.md"), "utf8");

describe("profile: small runs against measured boundaries (committed runs)", () => {
  it("profiles each TPC-H query from three scale factors far below its boundary", () => {
    expect(tpch.map((c) => c.group)).to.deep.equal([
      "tpch-q03-m512m-bhj-aqe-oh384m",
      "tpch-q05-m512m-bhj-aqe-oh384m",
      "tpch-q10-m512m-bhj-aqe-oh384m",
    ]);
    for (const c of tpch) {
      expect(c.profiledScales, c.group).to.deep.equal([0.1, 0.2, 0.4]);
      expect(c.measured!.firstFail, c.group).to.be.above(0.4);
    }
  });

  it("predicts the failing scale factor within one search step for at least two of three queries", () => {
    const within = tpch.filter((c) => c.withinOneStep).map((c) => c.group);
    expect(within).to.deep.equal(CLAIM.tpchWithin);
    expect(within.length).to.be.at.least(2);
  });

  it("predicts the synthetic join's failing table ratio within one step for at least two of three combinations", () => {
    const within = join.filter((c) => c.withinOneStep).map((c) => c.group);
    expect(within).to.deep.equal(CLAIM.joinWithin);
    expect(within.length / join.length).to.be.at.least(2 / 3);
  });

  it("names the class the failures measured had", () => {
    // Q10's first failing probe (SF 2.33) hit the pilot's 10-minute timeout; its larger probes
    // (2.79, 4) ended executor_jvm_oom, the class projected.
    for (const c of [...tpch, ...join].filter((x) => x.measured?.failureClass && x.withinOneStep)) {
      const expected = c.group === "tpch-q10-m512m-bhj-aqe-oh384m" ? "timeout" : c.projectedClass;
      expect(c.measured!.failureClass, c.group).to.equal(expected);
    }
    expect(tpch.every((c) => c.projectedClass === "executor_jvm_oom")).to.equal(true);
  });

  it("shows in docs/profile.md the comparison these runs give", () => {
    expect(doc).to.contain(comparisonTable(tpch));
    expect(doc).to.contain(comparisonTable(join));
  });
});

/** What docs/profile.md claims. */
const CLAIM = {
  tpchWithin: [
    "tpch-q03-m512m-bhj-aqe-oh384m",
    "tpch-q05-m512m-bhj-aqe-oh384m",
    "tpch-q10-m512m-bhj-aqe-oh384m",
  ],
  joinWithin: [
    "m512m-bhj-s0-aqe-oh384m",
    "m512m-bhj-s0-aqe-oh64m",
    "m512m-shj-s1p2-aqe-oh384m",
    "m512m-smj-s0-aqe-oh384m",
  ],
};
