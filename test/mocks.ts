/**
 * The one place tests install Pulumi mocks (setMocks replaces them for every file, so a second
 * call elsewhere would silently change other tests). Records every registered resource.
 */
import * as pulumi from "@pulumi/pulumi";

/** A resource as the engine saw it register. */
export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, any>;
}

const registered: RegisteredResource[] = [];

/** Outputs a cloud provider would compute, so dependent resources see realistic values. */
function computedState(type: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case "gcp:container/cluster:Cluster":
      return { endpoint: "203.0.113.10", masterAuth: { clusterCaCertificate: "Q0EtREFUQQ==" } };
    case "gcp:serviceaccount/account:Account": {
      const email = `${String(inputs.accountId)}@${String(inputs.project)}.iam.gserviceaccount.com`;
      return { email, member: `serviceAccount:${email}` };
    }
    case "pulumi-nodejs:dynamic/spark-at-scale:SparkApplicationRun":
    case "pulumi-nodejs:dynamic/spark-at-scale:NativeSparkRun":
      // Stands in for the provider's create (tested on its own against a fake API server):
      // a completed run, so the program's wiring of records into outputs can be checked.
      return {
        record: {
          ...(inputs.run?.base ?? {}),
          runner: "kubernetes",
          state: "COMPLETED",
          failureClass: "none",
        },
      };
    default:
      return {};
  }
}

void pulumi.runtime.setMocks(
  {
    newResource(args: pulumi.runtime.MockResourceArgs): {
      id: string;
      state: Record<string, unknown>;
    } {
      registered.push({
        type: args.type,
        name: args.name,
        custom: args.custom ?? true,
        inputs: args.inputs,
      });
      return {
        id: `${args.name}-id`,
        state: { ...args.inputs, ...computedState(args.type, args.inputs) },
      };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      return args.inputs;
    },
  },
  "spark-at-scale",
  "test",
  false,
);

/** Forgets what earlier tests registered. */
export function resetRegistrations(): void {
  registered.length = 0;
}

/** Waits until registration has settled (mock registration is asynchronous), then lists it. */
export async function registeredResources(): Promise<RegisteredResource[]> {
  let last = -1;
  let stableRounds = 0;
  while (stableRounds < 3) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (registered.length === last) stableRounds += 1;
    else {
      last = registered.length;
      stableRounds = 0;
    }
  }
  return [...registered];
}

/** An Output's value as a promise, so a failing assertion fails the test instead of hanging. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}
