import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import type { KubernetesCellObjects } from "../../src/failure/kubernetesEvidence";

/** Where the failure fixtures live. */
export const FAILURE_FIXTURES = path.join(__dirname, "..", "fixtures", "failure");

interface KubernetesList {
  readonly kind: "List";
  readonly items: readonly { readonly kind: string }[];
}

/**
 * A Kubernetes fixture: `<name>.yaml` is what `kubectl get sparkapplication,pods,events -o yaml`
 * prints for one cell (a v1 List), `<name>.driver.log` the driver container's log, if it had one.
 */
export function loadKubernetesFixture(name: string): Required<
  Pick<KubernetesCellObjects, "app" | "pods" | "events">
> & {
  readonly driverLog?: string;
} {
  const dir = path.join(FAILURE_FIXTURES, "kubernetes");
  const list = yaml.load(readFileSync(path.join(dir, `${name}.yaml`), "utf8")) as KubernetesList;
  const ofKind = (kind: string) => list.items.filter((item) => item.kind === kind);
  const [app] = ofKind("SparkApplication");
  const logPath = path.join(dir, `${name}.driver.log`);
  return {
    app,
    pods: ofKind("Pod"),
    events: ofKind("Event"),
    driverLog: existsSync(logPath) ? readFileSync(logPath, "utf8") : undefined,
  };
}
