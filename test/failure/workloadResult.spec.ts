import { expect } from "chai";
import {
  findWorkloadResult,
  parseWorkloadResultLine,
  WorkloadResultParseError,
} from "../../src/failure/workloadResult";

const FAILED_LINE =
  'SPARK_AT_SCALE_RESULT {"schemaVersion":1,"sparkVersion":"4.0.4","master":"local-cluster[2,1,1024]",' +
  '"metrics":{"failedTasks":4},"outcome":"failed","error":{"exceptionClass":"org.apache.spark.SparkException",' +
  '"message":"Job aborted due to stage failure","causeClasses":["java.io.IOException"]}}';

function parseError(line: string): WorkloadResultParseError {
  try {
    parseWorkloadResultLine(line);
  } catch (error) {
    if (error instanceof WorkloadResultParseError) return error;
    throw error;
  }
  throw new Error("expected a WorkloadResultParseError");
}

describe("workload result line", () => {
  it("reads outcome, error and Spark version, ignoring every other field", () => {
    expect(parseWorkloadResultLine(FAILED_LINE)).to.deep.equal({
      outcome: "failed",
      error: {
        exceptionClass: "org.apache.spark.SparkException",
        message: "Job aborted due to stage failure",
      },
      sparkVersion: "4.0.4",
    });
  });

  it("reads a success with no error", () => {
    expect(
      parseWorkloadResultLine(
        'SPARK_AT_SCALE_RESULT {"outcome":"succeeded","error":null,"sparkVersion":"4.0.4"}',
      ),
    ).to.deep.equal({ outcome: "succeeded", error: null, sparkVersion: "4.0.4" });
  });

  it("finds the last result line, even with output after it", () => {
    const stdout = [
      "[join_workload 20:37:14] outcome: failed",
      'SPARK_AT_SCALE_RESULT {"outcome":"succeeded","error":null}',
      FAILED_LINE,
      "a library's goodbye",
      "",
    ].join("\n");
    expect(findWorkloadResult(stdout)?.outcome).to.equal("failed");
  });

  it("finds nothing in output without a result line", () => {
    expect(findWorkloadResult("[join_workload 20:37:14] joining\n")).to.equal(undefined);
  });

  it("fails clearly on a line that is not JSON", () => {
    const error = parseError('SPARK_AT_SCALE_RESULT {"outcome":"failed",');
    expect(error.message).to.match(/^malformed SPARK_AT_SCALE_RESULT line \(not JSON: /);
    expect(error.line).to.equal('SPARK_AT_SCALE_RESULT {"outcome":"failed",');
  });

  it("fails clearly on JSON without the fields it needs, naming them", () => {
    const error = parseError('SPARK_AT_SCALE_RESULT {"outcome":"maybe","error":{"message":"x"}}');
    expect(error.problem).to.contain("outcome");
    expect(error.problem).to.contain("exceptionClass");
  });

  it("fails clearly on a line without the marker", () => {
    expect(parseError('{"outcome":"failed","error":null}').problem).to.equal(
      'does not start with "SPARK_AT_SCALE_RESULT "',
    );
  });

  it("makes findWorkloadResult fail rather than guess on a malformed result line", () => {
    expect(() => findWorkloadResult("SPARK_AT_SCALE_RESULT not-json\n")).to.throw(
      WorkloadResultParseError,
    );
  });
});
