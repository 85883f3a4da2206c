/**
 * Driving the real Pulumi engine from the cluster tests: checkouts of the repository as users have
 * them, scripts/pulumi/stack.ts (the Automation API's inline program, a file backend) run in one
 * of them, and the process tree of an update, to kill it as `kill -9` would.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { PROJECT_DIR } from "../helpers/devStack";

/** Encrypts the test stacks' secrets (the kubeconfig); the state lives and dies with the test. */
const PASSPHRASE = "spark-at-scale-test";

export const harnessEnv = { ...process.env, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };

/** A checkout as a user has one: the repository's files, with its installs. */
export function makeClone(parent: string, name: string): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(dir, { recursive: true });
  const files = spawnSync("git", ["ls-files", "-z", "-co", "--exclude-standard"], {
    cwd: PROJECT_DIR,
    encoding: "utf8",
  }).stdout.split("\0");
  for (const file of files.filter(Boolean)) {
    const from = path.join(PROJECT_DIR, file);
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
  }
  // node_modules as hard links (a copy in no time or space): Node loads modules by their real
  // path, and the state's source positions must point into this checkout, as after `npm ci`.
  const linked = spawnSync("cp", ["-al", path.join(PROJECT_DIR, "node_modules"), dir]);
  if (linked.status !== 0)
    fs.cpSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), {
      recursive: true,
    });
  // The venv only gives spark-submit to the run resources, outside the state.
  fs.symlinkSync(path.join(PROJECT_DIR, ".venv"), path.join(dir, ".venv"));
  return dir;
}

export interface HarnessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Node's arguments for scripts/pulumi/stack.ts `command` on `stack`, in `clone`. */
export function harnessArgs(
  clone: string,
  stack: string,
  backend: string,
  command: string[],
): string[] {
  return [
    "-r",
    "ts-node/register",
    path.join(clone, "scripts", "pulumi", "stack.ts"),
    ...command,
    "--stack",
    stack,
    "--backend",
    backend,
    "--dir",
    clone,
  ];
}

/** Runs scripts/pulumi/stack.ts in `clone`, waits for it and shows the engine's summary. */
export function harness(
  clone: string,
  stack: string,
  backend: string,
  command: string[],
): HarnessResult {
  const run = spawnSync("node", harnessArgs(clone, stack, backend, command), {
    cwd: clone,
    env: harnessEnv,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(
    `      $ stack ${command.join(" ")} -> ${run.status}\n` +
      run.stderr
        .split("\n")
        .filter((line) => /error|warning|\+ |~ |- |Resources:|created|deleted|pending/i.test(line))
        .slice(-40)
        .map((line) => `      | ${line}\n`)
        .join(""),
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The JSON result line a successful harness command prints. */
export function resultOf(run: HarnessResult, what: string): any {
  expect(run.status, `${what}: ${run.stderr.slice(-3000)}`).to.equal(0);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!);
}

/** Every process descended from `pid`, from /proc. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const parent = Number(
        /^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${entry}/status`, "utf8"))?.[1],
      );
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Ended while being read.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * SIGKILL to a detached process's group and to everything it started: the Pulumi CLI puts its
 * plugins (the run's dynamic provider, with its spark-submit) in process groups of their own.
 */
export function killTree(pid: number): void {
  const tree = descendantsOf(pid);
  process.kill(-pid, "SIGKILL");
  for (const descendant of tree) {
    try {
      process.kill(descendant, "SIGKILL");
    } catch {
      // Gone with the group.
    }
  }
}

/** Polls `check` every 2 s until it gives a value (errors count as not yet), or throws. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  seconds: number,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${seconds}s`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
