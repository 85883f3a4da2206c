/**
 * The run providers' one skeleton (cellRunProvider) and the two providers made from it: what
 * create, diff, update and delete do whatever the kind of run, a native run's diff by its launch's
 * content, and that what Pulumi serializes into a stack's state — the provider object and each of
 * its functions — serializes, captures no module, and runs from its copy in another process.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  nativeSparkRunProvider,
  type NativeRunInputs,
} from "../../components/providers/nativeSparkRunProvider";
import {
  cellRunProvider,
  RUN_PROVIDER_VERSION,
  type CellRunInputs,
} from "../../components/providers/runProvider";
import {
  sparkApplicationRunProvider,
  type RunInputs,
} from "../../components/providers/sparkApplicationRunProvider";
import type { CellLaunch } from "../../src/render/launch";
import { CELL_RESULT_SCHEMA_VERSION } from "../../src/results/cellResult";
import { cellRecord, type CellRecordBase, type RunOutcome } from "../../src/runs/cellRecord";
import type { SparkApplicationManifest } from "../../src/spark/sparkApplication";
import { PROJECT_DIR } from "../helpers/devStack";
import { sampleRecord } from "../helpers/sampleRecord";
import { startFakeApiServer, type FakeApiServer } from "../kube/fakeApiServer";

type ToyInputs = CellRunInputs<{ name: string; hash: string; base?: CellRecordBase }>;

/** How a run ended, cut down to its state: the skeleton passes it on unread. */
const ended = (state: string) => ({ state }) as unknown as RunOutcome;

/** A provider from the skeleton whose hooks only say what they were called with. */
function toyProvider(outcome = () => Promise.resolve(ended("COMPLETED"))) {
  const calls: string[] = [];
  const provider = cellRunProvider<ToyInputs>({
    run: (inputs) => {
      calls.push(`run ${inputs.run.name}`);
      return outcome();
    },
    id: (inputs) => {
      calls.push(`id ${inputs.run.name}`);
      return `spark-apps/${inputs.run.name}`;
    },
    changed: (olds, news) => olds.run.hash !== news.run.hash,
    remove: (olds) => {
      calls.push(`remove ${olds.run.name}`);
      return Promise.resolve();
    },
  });
  return { provider, calls };
}

function toyInputs(hash: string, providerVersion = RUN_PROVIDER_VERSION): ToyInputs {
  return { kubeconfig: "kubeconfig", run: { name: "cell-0001", hash }, providerVersion };
}

/** A cell's record's fixed fields. */
function baseOf(cell: string): CellRecordBase {
  const { experiment, parameters, sizing } = sampleRecord(cell);
  return { experiment, cell, parameters, sizing, scale: 1, pool: "highmem-16g" };
}

/** A launch, cut down to what the diff and delete read; `reordered` has its keys the other way. */
function launchOf(image: string, reordered = false): CellLaunch {
  const launch = reordered
    ? {
        labels: { "spark-at-scale/cell": "cell-0001", app: "join" },
        image,
        namespace: "spark-apps",
        name: "cell-0001",
      }
    : {
        name: "cell-0001",
        namespace: "spark-apps",
        image,
        labels: { app: "join", "spark-at-scale/cell": "cell-0001" },
      };
  return launch as unknown as CellLaunch;
}

function nativeInputs(
  kubeconfig: string,
  launch: CellLaunch,
  launchHash: string,
  providerVersion = RUN_PROVIDER_VERSION,
): NativeRunInputs {
  return {
    kubeconfig,
    run: { launch, launchHash, timeoutSeconds: 5, pollSeconds: 0.01, base: {} as never },
    providerVersion,
  };
}

function applicationInputs(
  kubeconfig: string,
  manifestHash: string,
  providerVersion = RUN_PROVIDER_VERSION,
): RunInputs {
  const manifest = {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name: "cell-0001", namespace: "spark-apps" },
  } as SparkApplicationManifest;
  return {
    kubeconfig,
    run: { manifest, manifestHash, timeoutSeconds: 5, pollSeconds: 0.01 },
    providerVersion,
  };
}

const UNCHANGED = { changes: false, replaces: [], deleteBeforeReplace: true };
const REPLACED = { changes: true, replaces: ["run"], deleteBeforeReplace: true };
const UPDATED = { changes: true, replaces: [], deleteBeforeReplace: true };

describe("run provider skeleton (cellRunProvider)", () => {
  it("creates by running the run, then naming it, and outputs its inputs with its record", async () => {
    const { provider, calls } = toyProvider(() => Promise.resolve(ended("FAILED")));
    const inputs = toyInputs("a");
    expect(await provider.create(inputs)).to.deep.equal({
      id: "spark-apps/cell-0001",
      outs: { ...inputs, record: { state: "FAILED" } },
    });
    expect(calls).to.deep.equal(["run cell-0001", "id cell-0001"]);
  });

  it("records a cell's run as its record's fixed fields with how it ended", async () => {
    const { provider } = toyProvider(() => Promise.resolve(ended("FAILED")));
    const base = baseOf("cell-0001");
    const inputs = { ...toyInputs("a"), run: { name: "cell-0001", hash: "a", base } };
    const result = await provider.create(inputs);
    expect(result.outs.record).to.deep.equal(cellRecord(base, ended("FAILED")));
    expect(result.outs.record).to.include({
      schemaVersion: CELL_RESULT_SCHEMA_VERSION,
      cell: "cell-0001",
      state: "FAILED",
    });
  });

  it("fails to create as the run fails", async () => {
    const { provider, calls } = toyProvider(() => Promise.reject(new Error("no API server")));
    let error: unknown;
    try {
      await provider.create(toyInputs("a"));
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.equal("Error: no API server");
    expect(calls).to.deep.equal(["run cell-0001"]);
  });

  it("replaces (deleting first) only a changed run, and updates for a newer provider version", async () => {
    const { provider } = toyProvider();
    const olds = toyInputs("a", 1);
    expect(await provider.diff!("id", olds, toyInputs("a", 1))).to.deep.equal(UNCHANGED);
    expect(await provider.diff!("id", olds, toyInputs("b", 1))).to.deep.equal(REPLACED);
    expect(await provider.diff!("id", olds, toyInputs("a", 2))).to.deep.equal(UPDATED);
    expect(await provider.diff!("id", olds, toyInputs("b", 2))).to.deep.equal(REPLACED);
  });

  it("updates by storing the new inputs and keeping the run's record", async () => {
    const { provider, calls } = toyProvider();
    const olds = { ...toyInputs("a", 1), record: { state: "FAILED" } };
    const news = toyInputs("a", 2);
    const updated = await provider.update!("spark-apps/cell-0001", olds, news);
    expect(updated).to.deep.equal({ outs: { ...news, record: { state: "FAILED" } } });
    expect(calls).to.deep.equal([]);
  });

  it("deletes by removing what the run made", async () => {
    const { provider, calls } = toyProvider();
    await provider.delete!("spark-apps/cell-0001", toyInputs("a"));
    expect(calls).to.deep.equal(["remove cell-0001"]);
  });
});

describe("NativeSparkRun provider", () => {
  let server: FakeApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("diffs by the launch's content, not by its stored hash", async () => {
    const olds = nativeInputs("k", launchOf("spark:4.0.4"), "hash-in-old-key-order", 1);
    const same = nativeInputs("k", launchOf("spark:4.0.4", true), "another-hash", 1);
    const diff = (news: NativeRunInputs) => nativeSparkRunProvider.diff!("id", olds, news);
    expect(await diff(same)).to.deep.equal(UNCHANGED);
    expect(
      await diff(nativeInputs("k", launchOf("spark:4.0.5"), "hash-in-old-key-order", 1)),
    ).to.deep.equal(REPLACED);
    expect(await diff({ ...same, providerVersion: 2 })).to.deep.equal(UPDATED);
  });

  it("keeps the run and its record when only the provider's code is updated", async () => {
    const olds = {
      ...nativeInputs("k", launchOf("spark:4.0.4"), "h", 1),
      record: { state: "COMPLETED" },
    };
    const news = nativeInputs("k", launchOf("spark:4.0.4"), "h", 2);
    const updated = await nativeSparkRunProvider.update!("spark-apps/cell-0001", olds, news);
    expect(updated.outs).to.deep.equal({ ...news, record: { state: "COMPLETED" } });
  });

  it("deletes the driver pod on delete, and a missing one is fine", async () => {
    server = await startFakeApiServer({ apps: [], pods: [], events: [], logs: {} });
    const inputs = nativeInputs(server.kubeConfig.exportConfig(), launchOf("spark:4.0.4"), "h");
    await nativeSparkRunProvider.delete!("spark-apps/cell-0001", inputs);
    expect(server.requests.filter((r) => r.startsWith("DELETE"))).to.have.length(1);
    expect(server.requests[0]).to.match(
      /^DELETE \/api\/v1\/namespaces\/spark-apps\/pods\/cell-0001-driver\b/,
    );
  });
});

/** Serializes as the SDK does for a dynamic resource's `__provider` (dynamic/index.js). */
function serializeProvider(provider: pulumi.dynamic.ResourceProvider) {
  return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
}

/** What serialized code may require: Node's own modules, and the checkout's by their paths. */
function requiredModules(text: string): string[] {
  return [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
}

type Calls = [string, unknown[]][];

/**
 * Serializes `provider` as the SDK does, then makes `calls` on the copy in another Node process
 * in the checkout, loading it as the engine's provider host does; gives what each call returned.
 */
async function runSerialized(
  provider: pulumi.dynamic.ResourceProvider,
  calls: Calls,
): Promise<unknown[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "run-provider-"));
  try {
    const file = path.join(dir, "provider.js");
    fs.writeFileSync(file, (await serializeProvider(provider)).text);
    const script = `
      const provider = require(${JSON.stringify(file)}).handler();
      (async () => {
        const results = [];
        for (const [method, args] of JSON.parse(process.argv[1])) {
          results.push((await provider[method](...args)) ?? null);
        }
        console.log(JSON.stringify(results));
      })().catch((e) => console.log("ERROR " + e.message));`;
    // The child runs while this process serves the fake API: execFileSync would block it.
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["-e", script, JSON.stringify(calls)],
        { cwd: PROJECT_DIR },
        (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout)),
      );
    });
    const last = output.trim().split("\n").pop() ?? "";
    expect(last).to.not.match(/^ERROR/);
    return JSON.parse(last) as unknown[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The calls after create, from `olds`: diff against the same run, a changed run and a newer
 * provider version; update to the newer; delete. With what each must return.
 */
function lifecycle<I extends object>(olds: I, same: I, changed: I, newer: I) {
  const calls: Calls = [
    ["diff", ["id", olds, same]],
    ["diff", ["id", olds, changed]],
    ["diff", ["id", olds, newer]],
    ["update", ["spark-apps/cell-0001", { ...olds, record: { state: "FAILED" } }, newer]],
    ["delete", ["spark-apps/cell-0001", olds]],
  ];
  const expected = [
    UNCHANGED,
    REPLACED,
    UPDATED,
    { outs: { ...newer, record: { state: "FAILED" } } },
    null,
  ];
  return { calls, expected };
}

describe("run providers as Pulumi serializes them", () => {
  let server: FakeApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const providers: [string, pulumi.dynamic.ResourceProvider][] = [
    ["NativeSparkRun", nativeSparkRunProvider],
    ["SparkApplicationRun", sparkApplicationRunProvider],
  ];
  for (const [name, provider] of providers) {
    it(`${name}: the provider and each of create, diff, update and delete serialize, capturing no module`, async () => {
      const functions = {
        provider: (await serializeProvider(provider)).text,
        create: (await pulumi.runtime.serializeFunction(provider.create)).text,
        diff: (await pulumi.runtime.serializeFunction(provider.diff!)).text,
        update: (await pulumi.runtime.serializeFunction(provider.update!)).text,
        delete: (await pulumi.runtime.serializeFunction(provider.delete!)).text,
      };
      for (const [what, text] of Object.entries(functions)) {
        expect(requiredModules(text), what).to.satisfy((modules: string[]) =>
          modules.every((m) => m === "node:path" || m === "node:fs"),
        );
        expect(text, what).to.not.match(/zod|classifyFailure|@kubernetes|@pulumi/); // loads, copies none
        expect(text, what).to.not.include(PROJECT_DIR); // nothing of this checkout's location
      }
      expect(functions.provider).to.include("checkoutModule");
    });
  }

  it("the skeleton's create, diff, update and delete run from the copy, whatever the hooks", async function () {
    this.timeout(60_000);
    // Hooks that capture nothing: the copy must bring along all the skeleton itself needs (it
    // loads the record's module from the checkout it runs in, as the engine's provider host does).
    const provider = cellRunProvider<ToyInputs>({
      run: (inputs) => Promise.resolve({ state: "COMPLETED", runner: inputs.run.name } as never),
      id: (inputs) => `spark-apps/${inputs.run.name}`,
      changed: (olds, news) => olds.run.hash !== news.run.hash,
      remove: () => Promise.resolve(),
    });
    const olds = toyInputs("a", 1);
    const cell = { ...olds, run: { ...olds.run, base: baseOf("cell-0001") } };
    const rest = lifecycle(olds, toyInputs("a", 1), toyInputs("b", 1), toyInputs("a", 2));
    const outcome = { state: "COMPLETED", runner: "cell-0001" };
    const output = await runSerialized(provider, [
      ["create", [olds]],
      ["create", [cell]],
      ...rest.calls,
    ]);
    expect(output).to.deep.equal([
      { id: "spark-apps/cell-0001", outs: { ...olds, record: outcome } },
      {
        id: "spark-apps/cell-0001",
        outs: { ...cell, record: { ...cellRecord(cell.run.base, ended("COMPLETED")), ...outcome } },
      },
      ...rest.expected,
    ]);
  });

  it("both run from their serialized copies in another Node process in the checkout", async function () {
    this.timeout(60_000);
    server = await startFakeApiServer({ apps: [], pods: [], events: [], logs: {} });
    const kubeconfig = server.kubeConfig.exportConfig();
    const native = (image: string, version: number, reordered = false) =>
      nativeInputs(kubeconfig, launchOf(image, reordered), reordered ? "other" : "h", version);
    const application = (hash: string, version: number) =>
      applicationInputs(kubeconfig, hash, version);
    const cases: [pulumi.dynamic.ResourceProvider, ReturnType<typeof lifecycle>][] = [
      [
        nativeSparkRunProvider,
        lifecycle(
          native("spark:4.0.4", 1),
          native("spark:4.0.4", 1, true),
          native("spark:4.0.5", 1),
          native("spark:4.0.4", 2, true),
        ),
      ],
      [
        sparkApplicationRunProvider,
        lifecycle(
          application("aaaaaaaaaa", 1),
          application("aaaaaaaaaa", 1),
          application("bbbbbbbbbb", 1),
          application("aaaaaaaaaa", 2),
        ),
      ],
    ];
    for (const [provider, { calls, expected }] of cases) {
      expect(await runSerialized(provider, calls)).to.deep.equal(expected);
    }
    const deletes = server.requests.filter((r) => r.startsWith("DELETE"));
    expect(deletes).to.have.length(2);
    expect(deletes[0]).to.match(
      /^DELETE \/api\/v1\/namespaces\/spark-apps\/pods\/cell-0001-driver\b/,
    );
    expect(deletes[1]).to.equal(
      "DELETE /apis/sparkoperator.k8s.io/v1beta2/namespaces/spark-apps/sparkapplications/cell-0001",
    );
  });
});
