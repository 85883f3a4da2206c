import * as yaml from "js-yaml";
import { writeFilesStaged } from "../core/stagedWrite";
import type { ExperimentObjects } from "../render/objects";

/**
 * Writes every object as its own YAML file (`<kind>-<name>.yaml`), all or none: an
 * interrupted run leaves no half-written set behind.
 */
export function writeManifests(dir: string, objects: ExperimentObjects): string[] {
  return writeFilesStaged(
    dir,
    [objects.configMap, ...objects.applications].map((object) => ({
      name: `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`,
      content: yaml.dump(object, { lineWidth: 120, noRefs: true }),
    })),
  );
}
