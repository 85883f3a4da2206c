import { expect } from "chai";
import * as yaml from "js-yaml";
import { compileStack } from "../../src/render/compile";
import { existingClusterOperatorValues, operatorValues } from "../../src/testbed/operatorValues";
import { devStackConfig } from "../helpers/devStack";
import { chartValuesText } from "../helpers/operatorReference";

type Values = Record<string, unknown>;
const isMap = (value: unknown): value is Values =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Every key path of `ours` that the chart does not declare. Below a key whose chart default is
 * an empty map (nodeSelector: {}, labels: {}), keys are the user's own and not checked.
 */
function undeclaredKeys(ours: Values, chart: Values, prefix = ""): string[] {
  return Object.entries(ours).flatMap(([key, value]) => {
    const where = prefix ? `${prefix}.${key}` : key;
    if (!(key in chart)) return [where];
    const declared = chart[key];
    if (isMap(value) && isMap(declared) && Object.keys(declared).length > 0) {
      return undeclaredKeys(value, declared, where);
    }
    return [];
  });
}

describe("Helm values against the spark-operator chart's values.yaml (v2.5.2)", () => {
  const chart = yaml.load(chartValuesText()) as Values;
  const values = operatorValues(
    compileStack(devStackConfig(), "Pulumi.dev.yaml", () => "print(1)").config,
  );

  it("uses only keys the chart declares", () => {
    expect(undeclaredKeys(values, chart)).to.deep.equal([]);
  });

  it("uses only keys the chart declares when installing on an existing cluster", () => {
    const existing = existingClusterOperatorValues(
      compileStack(devStackConfig(), "Pulumi.dev.yaml", () => "print(1)").config,
      { "kubernetes.io/hostname": "node-1" },
    );
    expect(undeclaredKeys(existing, chart)).to.deep.equal([]);
    expect(existing).to.not.have.property("image"); // the chart's own images
    expect((existing.controller as Values).nodeSelector).to.deep.equal({
      "kubernetes.io/hostname": "node-1",
    });
  });

  it("sets the keys this program relies on, which the chart does declare", () => {
    for (const path of [
      "image.registry",
      "image.repository",
      "hook.image.registry",
      "controller.workers",
      "controller.nodeSelector",
      "webhook.enable",
      "webhook.port",
      "spark.jobNamespaces",
      "spark.serviceAccount.create",
      "spark.rbac.create",
    ]) {
      const [head, ...rest] = path.split(".");
      let chartValue: unknown = chart[head];
      let ourValue: unknown = values[head];
      for (const part of rest) {
        chartValue = (chartValue as Values)[part];
        ourValue = (ourValue as Values)[part];
      }
      expect(chartValue, `chart declares ${path}`).to.not.equal(undefined);
      expect(ourValue, `we set ${path}`).to.not.equal(undefined);
    }
  });

  it("would catch a key the chart does not have (the v1 spelling sparkJobNamespace)", () => {
    expect(undeclaredKeys({ ...values, sparkJobNamespace: "spark-apps" }, chart)).to.deep.equal([
      "sparkJobNamespace",
    ]);
    expect(undeclaredKeys({ webhook: { enable: true, enabled: true } }, chart)).to.deep.equal([
      "webhook.enabled",
    ]);
  });
});
