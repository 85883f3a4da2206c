import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

const ROOT = path.resolve(__dirname, "..", "..");
const LAYER_RULE = "@typescript-eslint/no-restricted-imports";

describe("the layering of src/ (SRC_LAYERS in eslint.config.mjs)", function () {
  // The project's own ESLint config, running only the two layering rules: they read import
  // paths alone, and type information for the whole program would add a minute here.
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: tseslint.configs.disableTypeChecked,
    ruleFilter: ({ ruleId }) => ruleId === LAYER_RULE || ruleId === "no-restricted-syntax",
  });

  /** Lints `code` as if it were the file `file` of this repository. */
  async function lint(file: string, code: string): Promise<ESLint.LintResult["messages"]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result.messages;
  }
  const layerErrors = (messages: ESLint.LintResult["messages"]) =>
    messages.filter((m) => m.ruleId === LAYER_RULE).map((m) => m.message);

  async function srcLayers(): Promise<Record<string, number>> {
    const config = (await eslint.calculateConfigForFile(
      path.join(ROOT, "src/core/quantity.ts"),
    )) as {
      settings: { srcLayers: Record<string, number> };
    };
    return config.settings.srcLayers;
  }

  it("fails lint when a core module imports the CLI, naming both layers", async () => {
    const messages = await lint(
      "src/report/layerProbe.ts",
      'import { UsageError } from "../cli/main";\nexport const probe = UsageError;\n',
    );
    const errors = layerErrors(messages);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(
      /^'\.\.\/cli\/main' import is restricted .* src\/report \(layer 8\) may not import src\/cli \(layer 9\)/,
    );
    expect(errors[0]).to.match(/it may import src\/core, src\/config, .*src\/predict/);
  });

  it("fails lint on a type-only import between two folders of one layer", async () => {
    const messages = await lint(
      "src/kube/layerProbe.ts",
      'import type { PoolSpec } from "../testbed/pools";\nexport type Probe = PoolSpec;\n',
    );
    expect(layerErrors(messages)).to.deep.equal([
      "'../testbed/pools' import is restricted from being used by a pattern. src/kube (layer 3) may not import src/testbed (layer 3); it may import src/core, src/config, " +
        "src/spark. Move what both need down a layer (SRC_LAYERS in eslint.config.mjs).",
    ]);
  });

  it("fails lint on a re-export from a higher layer and on an import of the Pulumi program", async () => {
    const upward = await lint("src/failure/layerProbe.ts", 'export * from "../runs/cellRecord";\n');
    expect(layerErrors(upward)[0]).to.match(/src\/failure \(layer 4\) may not import src\/runs/);
    const program = await lint(
      "src/experiment/layerProbe.ts",
      'import { runProgram } from "../../stacks/program";\nexport const probe = runProgram;\n',
    );
    expect(layerErrors(program)[0]).to.match(/src\/ is the core .* never imports them/);
  });

  it("lets a folder import lower layers and its own files", async () => {
    const messages = await lint(
      "src/failure/layerProbe.ts",
      'import { POD_LABELS } from "../kube/sparkOperatorApi";\n' +
        'import { MACHINE_TYPES } from "../core/machineTypes";\n' +
        'import { clip } from "./excerpt";\n' +
        "export const probe = [POD_LABELS, MACHINE_TYPES, clip];\n",
    );
    expect(layerErrors(messages)).to.deep.equal([]);
  });

  it("fails lint on a file in a src/ folder that has no layer yet", async () => {
    const messages = await lint("src/submit/commandLine.ts", "export const probe = 1;\n");
    expect(messages.map((m) => m.message)).to.include(
      "this src/ folder has no layer: add it to SRC_LAYERS in eslint.config.mjs",
    );
  });

  it("gives every src/ folder a layer, and the table only names folders that exist", async () => {
    const folders = fs
      .readdirSync(path.join(ROOT, "src"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(Object.keys(await srcLayers()).sort()).to.deep.equal(folders);
  });

  it("lists every src/ folder with its layer in the README's layout table", async () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const [folder, layer] of Object.entries(await srcLayers())) {
      expect(readme, `README row for src/${folder}/`).to.include(
        `| \`src/${folder}/\` | ${layer} |`,
      );
    }
  });
});
