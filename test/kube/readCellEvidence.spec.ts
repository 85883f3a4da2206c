import { expect } from "chai";
import { classifyFailure } from "../../src/failure/classifyFailure";
import { evidenceFromKubernetes } from "../../src/failure/kubernetesEvidence";
import { classifyCell } from "../../src/runs/classifyCell";
import { SparkApplicationNotFoundError } from "../../src/kube/errors";
import {
  applicationStateReader,
  DEFAULT_DRIVER_LOG_TAIL_LINES,
  readCellEvidence,
} from "../../src/kube/readCellEvidence";
import { waitForTerminalState } from "../../src/kube/waitForTerminalState";
import { loadKubernetesFixture } from "../failure/kubernetesFixtures";
import { startFakeApiServer, type FakeApiServer } from "./fakeApiServer";

const NAMESPACE = "spark-apps";
const APP_PATH = "/apis/sparkoperator.k8s.io/v1beta2/namespaces/spark-apps/sparkapplications";

type KubeObject = Record<string, unknown> & {
  metadata: { name: string; labels?: Record<string, string> };
};

/** Serves one fixture cell the way the API server would, plus any extra pods. */
async function serveFixture(name: string, extraPods: KubeObject[] = []): Promise<FakeApiServer> {
  const fixture = loadKubernetesFixture(name);
  const app = fixture.app as KubeObject;
  const driverPod = `${app.metadata.name}-driver`;
  return startFakeApiServer({
    apps: [app],
    pods: [...(fixture.pods as KubeObject[]), ...extraPods],
    events: fixture.events as KubeObject[],
    logs: fixture.driverLog === undefined ? {} : { [driverPod]: fixture.driverLog },
  });
}

const submissionIdOf = (name: string): string =>
  (loadKubernetesFixture(name).app as { status: { submissionID: string } }).status.submissionID;

describe("readCellEvidence against a fake API server", () => {
  let server: FakeApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("asks for the app, the submission's pods by label, each object's events and the driver log tail", async () => {
    server = await serveFixture("executor-container-oom");
    const cell = await readCellEvidence(server.kubeConfig, NAMESPACE, "cell-0002");

    const podNames = cell.pods.map((pod) => pod.metadata?.name ?? "");
    const selector = encodeURIComponent(
      `sparkoperator.k8s.io/app-name=cell-0002,sparkoperator.k8s.io/submission-id=${submissionIdOf("executor-container-oom")}`,
    );
    const eventRequests = ["cell-0002", ...podNames].map(
      (name) =>
        `GET /api/v1/namespaces/spark-apps/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`,
    );
    expect(server.requests[0]).to.equal(`GET ${APP_PATH}/cell-0002`);
    expect(server.requests[1]).to.equal(
      `GET /api/v1/namespaces/spark-apps/pods?labelSelector=${selector}`,
    );
    expect(server.requests.slice(2, 2 + eventRequests.length)).to.have.members(eventRequests);
    expect(server.requests.slice(2 + eventRequests.length)).to.deep.equal([
      `GET /api/v1/namespaces/spark-apps/pods/cell-0002-driver/log?container=spark-kubernetes-driver&tailLines=${DEFAULT_DRIVER_LOG_TAIL_LINES}`,
    ]);

    expect(podNames).to.have.length(7);
    expect(cell.events.map((event) => event.reason)).to.include("SparkExecutorFailed");
    expect(cell.driverLog).to.equal(loadKubernetesFixture("executor-container-oom").driverLog);
  });

  it("classifies end to end: server, reader, evidence, class", async () => {
    server = await serveFixture("executor-container-oom");
    const result = await classifyCell(server.kubeConfig, NAMESPACE, "cell-0002");
    expect(result.failureClass).to.equal("executor_container_oom");
    expect(result.evidence.decidedBy).to.equal(
      "executor-container-oom: executor pod cell-0002-91bfd5996a965800-exec-1",
    );
    expect(result.evidence.exitCodes).to.deep.equal([1, 137]);
  });

  it("leaves out pods of an earlier submission of the same application", async () => {
    const stale = structuredClone(loadKubernetesFixture("spark-memory-oom").pods[1]) as KubeObject;
    stale.metadata.name = "cell-0004-0000000000000000-exec-1";
    stale.metadata.labels = {
      ...stale.metadata.labels,
      "sparkoperator.k8s.io/submission-id": "an-earlier-submission",
    };
    server = await serveFixture("spark-memory-oom", [stale]);
    const cell = await readCellEvidence(server.kubeConfig, NAMESPACE, "cell-0004");
    expect(cell.pods.map((pod) => pod.metadata?.name)).to.not.include(stale.metadata.name);
    expect(cell.pods).to.have.length(3);
  });

  it("reads a submission that never made a driver pod: no pods, no log, submission_failed", async () => {
    server = await serveFixture("submission-failed");
    const cell = await readCellEvidence(server.kubeConfig, NAMESPACE, "cell-0010", {
      driverLogTailLines: 50,
    });
    expect(cell.pods).to.deep.equal([]);
    expect(cell.driverLog).to.equal(undefined);
    expect(server.requests).to.include(
      "GET /api/v1/namespaces/spark-apps/pods/cell-0010-driver/log?container=spark-kubernetes-driver&tailLines=50",
    );
    const result = classifyFailure(evidenceFromKubernetes(cell));
    expect(result.failureClass).to.equal("submission_failed");
  });

  it("turns a 404 for the application into SparkApplicationNotFoundError", async () => {
    server = await serveFixture("completed");
    let caught: unknown;
    try {
      await readCellEvidence(server.kubeConfig, NAMESPACE, "cell-9999");
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(SparkApplicationNotFoundError);
    expect((caught as Error).message).to.equal(
      "SparkApplication spark-apps/cell-9999 not found: it has not been created yet, " +
        "or it was deleted (check the experiment stack and the operator's ttl)",
    );
    expect(server.requests).to.deep.equal([`GET ${APP_PATH}/cell-9999`]);
  });

  it("waits on the live state and classifies a cell past its deadline as timeout", async () => {
    server = await serveFixture("timeout");
    let clock = 0;
    const waited = await waitForTerminalState(
      applicationStateReader(server.kubeConfig, NAMESPACE, "cell-0011"),
      {
        timeoutMs: 3_000,
        intervalMs: 1_000,
        now: () => clock,
        sleep: (ms) => {
          clock += ms;
          return Promise.resolve();
        },
      },
    );
    expect(waited).to.deep.equal({ finalState: "TIMEOUT", lastState: "RUNNING", polls: 4 });
    const result = await classifyCell(server.kubeConfig, NAMESPACE, "cell-0011", {
      timedOut: waited.finalState === "TIMEOUT",
    });
    expect(result.failureClass).to.equal("timeout");
  });
});
