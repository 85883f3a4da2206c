import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import madge from "madge";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Files that import each other in a loop, type-only imports included: the folder layering in
 * eslint.config.mjs cannot see a loop inside one folder, and `import type` still ties two
 * files' meanings together, so neither can change without the other.
 */
async function importLoops(paths: string[], baseDir: string): Promise<string[][]> {
  const graph = await madge(paths, {
    baseDir,
    fileExtensions: ["ts"],
    tsConfig: path.join(ROOT, "tsconfig.json"),
    detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
  });
  return graph.circular();
}

describe("import loops between files", function () {
  this.timeout(120_000);

  it("finds none in src/, components/, stacks/ and the program", async () => {
    const loops = await importLoops(
      ["src", "components", "stacks", "index.ts"].map((p) => path.join(ROOT, p)),
      ROOT,
    );
    expect(loops, loops.map((loop) => loop.join(" -> ")).join("\n")).to.deep.equal([]);
  });

  it("finds a loop made of type-only imports, naming its files", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-loop-"));
    try {
      fs.writeFileSync(
        path.join(dir, "cell.ts"),
        'import type { Lane } from "./lane";\nexport interface Cell { lane: Lane }\n',
      );
      fs.writeFileSync(
        path.join(dir, "lane.ts"),
        'import type { Cell } from "./cell";\nexport interface Lane { cells: Cell[] }\n',
      );
      expect(await importLoops([dir], dir)).to.deep.equal([["cell.ts", "lane.ts"]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
