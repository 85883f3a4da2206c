// Flat config: TypeScript rules with type information, plus Pulumi's rules that catch
// Outputs interpolated into plain template strings (they render as "Calling [toString]...").
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

/**
 * The layers of src/, lowest first: a folder may import its own files and folders of a LOWER
 * layer only, never one of its own layer or above. So the pure core never reaches up into the
 * CLI, and two folders cannot import each other. A new folder is one line here (lint fails
 * until it has one); the README's layout table lists the same (test/lint/layers.spec.ts).
 */
const SRC_LAYERS = {
  core: 0, // units, machine types, GCP locations, text tables: facts that need nothing else
  config: 1, // the config schemas, stack files, config and usage errors
  spark: 2, // SparkApplication manifest types, event-log settings and storage
  testbed: 3, // pools, mirror, operator values, RBAC
  kube: 3, // the Kubernetes reader: API objects and names, polling
  history: 3, // Spark's History Server: local command and cluster objects
  failure: 4, // the failure classifier and its vocabulary
  experiment: 5, // cells: their parameters, sizes and placement on node groups
  results: 5, // the cell record schema and the workload's result line
  render: 6, // a cell's launch, its Kubernetes objects and spark-submit; the compiled stack
  predict: 6, // the memory model's prediction of a cell's fate
  campaign: 7, // one loop over an experiment's cells: store, lock, skip, progress, Ctrl-C, summary
  runs: 7, // one cell on the cluster: apply, wait, read, classify, record
  trace: 6, // a cell's event log read back into measured memory
  profile: 7, // a job projected from its small runs: fits of measured sizes, limits crossed
  pilot: 8, // the local pilot
  cluster: 8, // an existing-cluster stack run on its cluster without Pulumi (`run`)
  plan: 8, // what `plan` shows: cells, pools, predictions, cost bound
  report: 8, // the report from results
  cli: 9, // the command line
};

/** Folders outside src/ that src/ never imports: the Pulumi program and the checks on it. */
const ABOVE_SRC = ["components", "stacks", "index", "test", "bench", "scripts"];

/** One block per src/ folder forbidding imports of its own layer's siblings and layers above. */
function layerRules() {
  const folders = Object.keys(SRC_LAYERS);
  return folders.map((folder) => {
    const layer = SRC_LAYERS[folder];
    const forbidden = folders.filter((other) => other !== folder && SRC_LAYERS[other] >= layer);
    const allowed = folders.filter((other) => SRC_LAYERS[other] < layer);
    const patterns = forbidden.map((other) => ({
      regex: `^(\\.\\./)+${other}(/|$)`,
      message:
        `src/${folder} (layer ${layer}) may not import src/${other} (layer ${SRC_LAYERS[other]}); ` +
        `it may import ${allowed.length ? allowed.map((f) => `src/${f}`).join(", ") : "no other src/ folder"}. ` +
        "Move what both need down a layer (SRC_LAYERS in eslint.config.mjs).",
    }));
    patterns.push({
      regex: `^(\\.\\./)+(${ABOVE_SRC.join("|")})(/|\\.|$)`,
      message:
        "src/ is the core the Pulumi program, tests and tools build on; it never imports them.",
    });
    return {
      files: [`src/${folder}/**/*.ts`],
      rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] },
    };
  });
}

/** Any file of src/ outside the folders above: its folder has no layer yet. */
const unlayered = {
  files: ["src/**/*.ts"],
  ignores: Object.keys(SRC_LAYERS).map((folder) => `src/${folder}/**`),
  rules: {
    "no-restricted-syntax": [
      "error",
      {
        selector: "Program",
        message: "this src/ folder has no layer: add it to SRC_LAYERS in eslint.config.mjs",
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ["node_modules/**", ".venv/**", "results/**", "out/**", "workloads/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { pulumi },
    rules: {
      "pulumi/no-output-in-template-literal": "error",
      "pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  // Shared with the layering test, which reads the table through ESLint's own config.
  { settings: { srcLayers: SRC_LAYERS } },
  ...layerRules(),
  unlayered,
  {
    // Tests read registered resources' inputs, which the mock engine types as `any`; the
    // assertions themselves are the type check there.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
  {
    files: ["**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
