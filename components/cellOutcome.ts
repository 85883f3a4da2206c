import * as pulumi from "@pulumi/pulumi";
import type { CellRecordBase } from "../src/runs/cellRecord";
import type { ObserveApplicationInput } from "../src/runs/observeApplication";

/**
 * The module that does the work, as an absolute path. A dynamic provider's code is serialized
 * into the deployment and run by Pulumi's provider host, so it must be self-contained: the
 * serialized functions below capture only these two strings and load the real (tested)
 * modules at run time, on the machine running `pulumi up`.
 */
const OBSERVER_MODULE = require.resolve("../src/runs/observeApplication");
const RECORD_MODULE = require.resolve("../src/runs/cellRecord");
const TS_NODE = require.resolve("ts-node");

/** Inputs of the cell-outcome resource, as the provider receives them. */
interface OutcomeInputs extends ObserveApplicationInput {
  /** The cell's fixed record fields; absent for an application that is not a cell (spark-pi). */
  readonly base?: CellRecordBase;
  /** Hash of the cell's SparkApplication: a new run whenever it changes. */
  readonly manifestHash: string;
}

/**
 * Waits for a cell's SparkApplication and records how it ended. Create-only: a finished cell is
 * never observed again (its record stays in the stack state), and a changed cell is replaced
 * together with its SparkApplication.
 */
export const cellOutcomeProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: OutcomeInputs): Promise<pulumi.dynamic.CreateResult> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(TS_NODE) as typeof import("ts-node")).register({ transpileOnly: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { observeApplication } = require(
      OBSERVER_MODULE,
    ) as typeof import("../src/runs/observeApplication");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { cellRecord } = require(RECORD_MODULE) as typeof import("../src/runs/cellRecord");
    const outcome = await observeApplication(inputs);
    const record = inputs.base ? cellRecord(inputs.base, outcome) : outcome;
    return { id: `${inputs.namespace}/${inputs.name}`, outs: { ...inputs, record } };
  },
  diff(
    _id: string,
    olds: OutcomeInputs,
    news: OutcomeInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    const replaces = (["manifestHash", "name", "namespace"] as const).filter(
      (key) => olds[key] !== news[key],
    );
    return Promise.resolve({ changes: replaces.length > 0, replaces, deleteBeforeReplace: true });
  },
  delete(): Promise<void> {
    // Nothing to clean up: the record lives only in the state, the application is its own resource.
    return Promise.resolve();
  },
};

/** Inputs of CellOutcome. */
export interface CellOutcomeArgs {
  readonly kubeconfig: pulumi.Input<string>;
  readonly namespace: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
  readonly timeoutSeconds: pulumi.Input<number>;
  readonly pollSeconds: pulumi.Input<number>;
  readonly base?: pulumi.Input<CellRecordBase>;
  readonly manifestHash: pulumi.Input<string>;
}

/**
 * How a SparkApplication ended — for a cell, its whole record — as a resource whose creation
 * waits for the run.
 */
export class CellOutcome extends pulumi.dynamic.Resource {
  /** The cell's record (src/results/cellResult.ts), or the run's outcome for a non-cell. */
  declare readonly record: pulumi.Output<Record<string, unknown>>;

  constructor(name: string, args: CellOutcomeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      cellOutcomeProvider,
      name,
      { ...args, record: undefined },
      opts,
      "spark-at-scale",
      "CellOutcome",
    );
  }
}
