import { expect } from "chai";
import { isTerminalState } from "../../src/kube/applicationState";
import { SparkApplicationNotFoundError } from "../../src/kube/errors";
import { waitForTerminalState } from "../../src/kube/waitForTerminalState";

/** A clock that only moves when slept on, and a log of every sleep. */
function fakeClock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

/** A reader that returns `states` in turn, then keeps returning the last. */
function sequence(...states: string[]) {
  let i = 0;
  return () => Promise.resolve(states[Math.min(i++, states.length - 1)]);
}

describe("isTerminalState", () => {
  it("is true for the operator's terminal states only", () => {
    const states = [
      "",
      "SUBMITTED",
      "RUNNING",
      "SUBMISSION_FAILED",
      "FAILING",
      "SUCCEEDING",
      "COMPLETED",
      "FAILED",
    ];
    expect(states.filter(isTerminalState)).to.deep.equal(["COMPLETED", "FAILED"]);
  });
});

describe("waitForTerminalState", () => {
  it("returns at once for an application already ended", async () => {
    const clock = fakeClock();
    const result = await waitForTerminalState(sequence("COMPLETED"), {
      timeoutMs: 60_000,
      intervalMs: 5_000,
      ...clock,
    });
    expect(result).to.deep.equal({ finalState: "COMPLETED", lastState: "COMPLETED", polls: 1 });
    expect(clock.sleeps).to.deep.equal([]);
  });

  it("polls at the interval until a terminal state", async () => {
    const clock = fakeClock();
    const result = await waitForTerminalState(
      sequence("", "SUBMITTED", "RUNNING", "FAILING", "FAILED"),
      {
        timeoutMs: 60_000,
        intervalMs: 5_000,
        ...clock,
      },
    );
    expect(result).to.deep.equal({ finalState: "FAILED", lastState: "FAILED", polls: 5 });
    expect(clock.sleeps).to.deep.equal([5_000, 5_000, 5_000, 5_000]);
  });

  it("keeps waiting through SUBMISSION_FAILED, which the operator retries or turns into FAILED", async () => {
    const clock = fakeClock();
    const result = await waitForTerminalState(sequence("SUBMISSION_FAILED", "FAILED"), {
      timeoutMs: 60_000,
      intervalMs: 1_000,
      ...clock,
    });
    expect(result.finalState).to.equal("FAILED");
    expect(result.polls).to.equal(2);
  });

  it("returns TIMEOUT once the deadline passes, reading one last time at the deadline", async () => {
    const clock = fakeClock();
    const result = await waitForTerminalState(sequence("RUNNING"), {
      timeoutMs: 12_000,
      intervalMs: 5_000,
      ...clock,
    });
    expect(result).to.deep.equal({ finalState: "TIMEOUT", lastState: "RUNNING", polls: 4 });
    expect(clock.sleeps).to.deep.equal([5_000, 5_000, 2_000]);
  });

  it("sees a terminal state reached exactly at the deadline", async () => {
    const clock = fakeClock();
    const result = await waitForTerminalState(sequence("RUNNING", "RUNNING", "COMPLETED"), {
      timeoutMs: 10_000,
      intervalMs: 5_000,
      ...clock,
    });
    expect(result).to.deep.equal({ finalState: "COMPLETED", lastState: "COMPLETED", polls: 3 });
  });

  it("passes on a reader's error, such as a deleted application", async () => {
    const clock = fakeClock();
    const gone = () => Promise.reject(new SparkApplicationNotFoundError("spark-apps", "cell-0001"));
    let caught: unknown;
    try {
      await waitForTerminalState(gone, { timeoutMs: 10_000, intervalMs: 1_000, ...clock });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(SparkApplicationNotFoundError);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it("uses a real timer when no sleep is given", async () => {
    const started = Date.now();
    const result = await waitForTerminalState(sequence("RUNNING", "COMPLETED"), {
      timeoutMs: 1_000,
      intervalMs: 20,
    });
    expect(result.finalState).to.equal("COMPLETED");
    expect(Date.now() - started).to.be.at.least(15);
  });
});
