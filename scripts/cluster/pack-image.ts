/**
 * Packs layer tarballs into a `docker save` style folder (manifest.json, config, layers) that
 * `tar -ch -C DIR . | ctr images import -` loads into containerd. Layers are hard-linked, not
 * copied: they are large and live in the same cache.
 *
 *   node -r ts-node/register scripts/cluster/pack-image.ts --out DIR --reference REF \
 *     --layer FILE=DESCRIPTION ... --entrypoint '["/pause"]' [--env K=V ...] [--workdir D] [--user U]
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { archiveManifest, imageConfig, type ImageLayer } from "./imageArchive";

const collect = (value: string, previous: string[]) => [...previous, value];

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

async function main(): Promise<void> {
  const options = new Command()
    .requiredOption("--out <dir>", "folder to write the archive's contents to (emptied first)")
    .requiredOption(
      "--reference <ref>",
      "image reference, e.g. localhost/spark-at-scale/spark:4.0.4",
    )
    .requiredOption("--layer <file=description>", "a layer tarball, bottom first", collect, [])
    .requiredOption("--entrypoint <json>", "entrypoint as a JSON array")
    .option("--env <name=value>", "environment variable", collect, [])
    .option("--workdir <dir>", "working directory")
    .option("--user <uid>", "user to run as")
    .parse()
    .opts<{
      out: string;
      reference: string;
      layer: string[];
      entrypoint: string;
      env: string[];
      workdir?: string;
      user?: string;
    }>();

  fs.rmSync(options.out, { recursive: true, force: true });
  fs.mkdirSync(options.out, { recursive: true });
  const layers: ImageLayer[] = [];
  for (const spec of options.layer) {
    const [file, description = path.basename(spec)] = spec.split("=", 2);
    if (!fs.existsSync(file)) throw new Error(`--layer ${spec}: no such file ${file}`);
    const sha256 = await sha256File(file);
    const archivePath = `${sha256}.tar`;
    linkOrCopy(file, path.join(options.out, archivePath));
    layers.push({ archivePath, sha256, description });
  }
  const env = Object.fromEntries(
    options.env.map((pair) => {
      const at = pair.indexOf("=");
      if (at <= 0) throw new Error(`--env ${pair}: expected NAME=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const entrypoint = JSON.parse(options.entrypoint) as unknown;
  if (!Array.isArray(entrypoint) || !entrypoint.every((part) => typeof part === "string")) {
    throw new Error(`--entrypoint ${options.entrypoint}: expected a JSON array of strings`);
  }
  const image = {
    reference: options.reference,
    layers,
    runtime: { entrypoint, env, workingDir: options.workdir, user: options.user },
    // Fixed: the same layers and settings give the same image ID on every build.
    created: "2025-01-01T00:00:00Z",
  };
  const config = JSON.stringify(imageConfig(image));
  const configPath = `${createHash("sha256").update(config).digest("hex")}.json`;
  fs.writeFileSync(path.join(options.out, configPath), config);
  fs.writeFileSync(
    path.join(options.out, "manifest.json"),
    JSON.stringify(archiveManifest(image, configPath)),
  );
}

main().catch((error: unknown) => {
  console.error(`pack-image: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
