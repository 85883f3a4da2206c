import type * as pulumi from "@pulumi/pulumi";
import type { EventLogSource } from "../../src/cluster/clusterEventLogs";
import type { CellRecordBase, RunOutcome } from "../../src/runs/cellRecord";
import { checkoutModule } from "./checkoutModules";

/**
 * The version of the run providers' serialized code. A stack whose runs were written by another
 * version gets an update (not a replacement) that stores the current code, so a fix reaches it.
 */
export const RUN_PROVIDER_VERSION = 2;

/**
 * Inputs of a run, as its provider receives them. The kubeconfig stays a separate input so that
 * it alone is secret: what the run is remains readable in previews and diffs.
 */
export interface CellRunInputs<Spec extends CellRunSpec> {
  readonly kubeconfig: string;
  readonly run: Spec;
  readonly providerVersion: number;
}

/** What every kind of run holds: for a cell, its record's fixed fields. */
export interface CellRunSpec {
  /** Absent for a run that is not a cell (spark-pi): its record is then its outcome alone. */
  readonly base?: CellRecordBase;
  /**
   * Where the machine running Pulumi reads the cell's event log (a node folder that is here, or
   * the bucket GKE drivers write to): the record's measured memory is read from it.
   */
  readonly eventLogs?: EventLogSource;
}

/** A run resource's inputs as the engine gets them: its provider's, with `record` to come. */
export function cellRunProps<Spec extends CellRunSpec>(
  kubeconfig: pulumi.Input<string>,
  run: Spec,
): pulumi.Inputs {
  return { kubeconfig, run, providerVersion: RUN_PROVIDER_VERSION, record: undefined };
}

/** What sets one kind of run apart; the provider around it is the same for every kind. */
export interface CellRunHooks<Inputs extends CellRunInputs<CellRunSpec>> {
  /** Runs it to its end (or adopts the run an interrupted update started): how it ended. */
  readonly run: (inputs: Inputs) => Promise<RunOutcome>;
  /** The resource's id, from its inputs: `namespace/name`. */
  readonly id: (inputs: Inputs) => string;
  /** Whether the run itself changed: if so the resource is replaced (deleted, then run anew). */
  readonly changed: (olds: Inputs, news: Inputs) => boolean;
  /** Removes what the run made; one already gone is fine. */
  readonly remove: (olds: Inputs) => Promise<void>;
}

type RecordModule = typeof import("../../src/runs/cellRecord");
type EventLogModule = typeof import("../../src/cluster/clusterEventLogs");

/**
 * A run provider: create runs the run to its end and outputs its inputs with its `record` (for
 * a cell, its whole record); a finished run is never observed again; a changed run replaces the
 * resource; a newer provider version only updates the stored code; delete removes what it made.
 *
 * Pulumi serializes the returned functions into the stack's state with what they capture — the
 * hooks and, through them, what those capture. So the hooks load the project's modules when they
 * are called (checkoutModule), never capture one, and this file imports Pulumi for types only.
 * The functions capture the hooks as one object under a name no global has: Pulumi leaves out a
 * captured name the global object holds (mocha's `run`, say), and the copy would then lack it.
 */
export function cellRunProvider<Inputs extends CellRunInputs<CellRunSpec>>(
  runHooks: CellRunHooks<Inputs>,
): pulumi.dynamic.ResourceProvider {
  return {
    async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
      const { cellRecord } = checkoutModule<RecordModule>("src/runs/cellRecord");
      const { withEventLog } = checkoutModule<EventLogModule>("src/cluster/clusterEventLogs");
      const ran = await runHooks.run(inputs);
      const { base, eventLogs } = inputs.run;
      const outcome = eventLogs ? await withEventLog(ran, eventLogs) : ran;
      const record = base ? cellRecord(base, outcome) : outcome;
      return { id: runHooks.id(inputs), outs: { ...inputs, record } };
    },
    diff(_id: string, olds: Inputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
      const replaced = runHooks.changed(olds, news);
      return Promise.resolve({
        changes: replaced || olds.providerVersion !== news.providerVersion,
        replaces: replaced ? ["run"] : [],
        deleteBeforeReplace: true,
      });
    },
    update(
      _id: string,
      olds: Inputs & { record?: unknown },
      news: Inputs,
    ): Promise<pulumi.dynamic.UpdateResult> {
      // Only the provider's version changed: the run and its record stand as they are.
      return Promise.resolve({ outs: { ...news, record: olds.record } });
    },
    async delete(_id: string, olds: Inputs): Promise<void> {
      await runHooks.remove(olds);
    },
  };
}
