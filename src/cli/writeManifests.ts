import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import type { ExperimentObjects } from "../experiment/objects";

/**
 * Writes every object as its own YAML file (`<kind>-<name>.yaml`). Files go to a temporary
 * folder first and are moved in when all are written, so an interrupted run leaves no
 * half-written set behind.
 */
export function writeManifests(dir: string, objects: ExperimentObjects): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(dir, ".plan-"));
  const all = [objects.configMap, ...objects.applications];
  const names: string[] = [];
  try {
    for (const object of all) {
      const name = `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
      fs.writeFileSync(
        path.join(staging, name),
        yaml.dump(object, { lineWidth: 120, noRefs: true }),
      );
      names.push(name);
    }
    for (const name of names) fs.renameSync(path.join(staging, name), path.join(dir, name));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return names.map((name) => path.join(dir, name));
}
