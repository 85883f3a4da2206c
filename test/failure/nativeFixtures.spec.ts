/**
 * The one classifier on the real objects of cells that ran on the local Kubernetes cluster by
 * native spark-submit (`npm run test:cluster` writes them to test-output/cluster-fixtures/; the
 * copies here came from such a run): each ending decided from real pod statuses, Events and
 * driver-log lines, not from objects built by hand.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { classifyFailure } from "../../src/failure/classifyFailure";
import type { EvidenceSummary, FailureEvidence } from "../../src/failure/evidence";
import { evidenceFromNativeSubmission } from "../../src/failure/kubernetesEvidence";
import { FAILURE_FIXTURES } from "./kubernetesFixtures";

const DIR = path.join(FAILURE_FIXTURES, "kubernetes-native");

interface NativeFixture {
  readonly cell: string;
  readonly failureClass: string;
  readonly driverPodName: string;
  readonly pods: unknown[];
  readonly events: unknown[];
  readonly driverLog: string;
}

/** What decided each ending on the real cluster, as the classification's evidence must show it. */
const DECIDED_BY: Record<string, (summary: EvidenceSummary, evidence: FailureEvidence) => void> = {
  none: (_summary, evidence) => expect(evidence.finalState).to.equal("COMPLETED"),
  executor_container_oom: (summary) => {
    expect(summary.exitCodes).to.include(137);
    expect(summary.terminationReasons).to.include("OOMKilled");
  },
  executor_jvm_oom: (summary) => expect(summary.exitCodes).to.include(52),
  spark_memory_oom: (summary) =>
    expect(summary.messageExcerpt).to.match(
      /Can.t acquire \d+ bytes memory to build hash relation/,
    ),
};

const fixtures = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith(".json"))
  .map((file) => JSON.parse(fs.readFileSync(path.join(DIR, file), "utf8")) as NativeFixture);

describe("classifyFailure on real cells of the local cluster (native spark-submit)", () => {
  it("has one fixture per ending the cluster test produces", () => {
    expect(fixtures.map((f) => f.failureClass).sort()).to.deep.equal(
      Object.keys(DECIDED_BY).sort(),
    );
  });

  for (const fixture of fixtures) {
    it(`${fixture.cell}: ${fixture.failureClass}`, () => {
      const evidence = evidenceFromNativeSubmission(fixture);
      const result = classifyFailure(evidence);
      expect(result.failureClass, result.evidence.messageExcerpt).to.equal(fixture.failureClass);
      DECIDED_BY[fixture.failureClass](result.evidence, evidence);
    });
  }
});
