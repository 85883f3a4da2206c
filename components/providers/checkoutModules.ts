/**
 * How the run resources' dynamic providers reach the project's tested code. A dynamic
 * provider's functions are serialized into the stack's state, and `pulumi destroy` (or any later
 * update) runs the copy in the state, possibly from another clone on another machine. So the
 * serialized code holds no path of the machine that wrote it: it loads the modules, by their
 * place in the repository, from the checkout the engine runs in (the provider's working folder),
 * and a fix to those modules reaches every existing stack.
 */

/** The project's name in package.json: the working folder must be a checkout of it. */
export const PROJECT_NAME = "spark-at-scale";

/** Loads `relativePath` (e.g. "src/runs/runApplication") from the checkout Pulumi runs in. */
export function checkoutModule<T>(relativePath: string): T {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const path = require("node:path") as typeof import("node:path");
  const fs = require("node:fs") as typeof import("node:fs");
  const root = process.cwd();
  const manifest = path.join(root, "package.json");
  const name = fs.existsSync(manifest)
    ? (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name
    : undefined;
  if (name !== PROJECT_NAME) {
    throw new Error(
      `the spark-at-scale run resources need a spark-at-scale checkout (with npm ci done) as Pulumi's working folder; ` +
        `this one is ${root}${name ? `, a checkout of ${name}` : ""}`,
    );
  }
  const state = globalThis as { sparkAtScaleTsNode?: boolean };
  if (!state.sparkAtScaleTsNode) {
    (require(path.join(root, "node_modules", "ts-node")) as typeof import("ts-node")).register({
      transpileOnly: true,
      project: path.join(root, "tsconfig.json"),
    });
    state.sparkAtScaleTsNode = true;
  }
  return require(path.join(root, relativePath)) as T;
  /* eslint-enable @typescript-eslint/no-require-imports */
}
