import { expect } from "chai";
import { cellPodLabelSelector, eventsAboutFieldSelector } from "../../src/kube/cellSelectors";
import type { SparkApplication } from "../../src/kube/kubernetesObjects";

const app = (status?: SparkApplication["status"]): SparkApplication => ({
  apiVersion: "sparkoperator.k8s.io/v1beta2",
  kind: "SparkApplication",
  metadata: { name: "cell-0001", namespace: "spark-apps" },
  status,
});

describe("cell selectors", () => {
  it("selects the current submission's pods by the operator's labels", () => {
    expect(cellPodLabelSelector(app({ submissionID: "3f9b" }))).to.equal(
      "sparkoperator.k8s.io/app-name=cell-0001,sparkoperator.k8s.io/submission-id=3f9b",
    );
  });

  it("selects by name alone before the operator has submitted", () => {
    expect(cellPodLabelSelector(app())).to.equal("sparkoperator.k8s.io/app-name=cell-0001");
  });

  it("selects events by the object they are about", () => {
    expect(eventsAboutFieldSelector("cell-0001-driver")).to.equal(
      "involvedObject.name=cell-0001-driver",
    );
  });
});
