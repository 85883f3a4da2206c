import * as fs from "node:fs";
import * as path from "node:path";

/** One file to write: its name inside the folder and its content. */
export interface FileToWrite {
  readonly name: string;
  readonly content: string | Uint8Array;
}

/**
 * Writes a set of files into `dir` so that an interrupted or failed run leaves no half-written
 * set behind: every file goes to a temporary folder inside `dir` first, and only when all are
 * written are they moved in, in the order given (put the file that links the others last).
 * Returns the paths written.
 */
export function writeFilesStaged(dir: string, files: readonly FileToWrite[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(dir, ".staging-"));
  try {
    for (const file of files) fs.writeFileSync(path.join(staging, file.name), file.content);
    for (const file of files)
      fs.renameSync(path.join(staging, file.name), path.join(dir, file.name));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return files.map((file) => path.join(dir, file.name));
}
