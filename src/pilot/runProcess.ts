import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { Command } from "./sparkSubmit";

/** How a process ended. */
export interface ProcessRun {
  /**
   * Exit code, as a shell reports it: 128 + the signal's number when a signal ended it (137 for
   * SIGKILL — the kernel's OOM kill of a process over its cgroup's limit); null for our timeout.
   */
  readonly exitCode: number | null;
  /** True if it was killed for passing its deadline. */
  readonly timedOut: boolean;
  readonly stdout: string;
  /** The end of stderr (Spark is verbose; the end holds the failure). */
  readonly stderr: string;
  /** ISO-8601 start and end. */
  readonly start: string;
  readonly end: string;
}

/** Process groups still running, so an interrupted pilot can take them down with it. */
const runningGroups = new Set<number>();

/** Kills every process group this module started that is still running. */
export function killRunningProcesses(): void {
  for (const pid of runningGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  runningGroups.clear();
}

/** Most of stderr a run keeps: the tail, where the abort and its cause are. */
const STDERR_TAIL_CHARS = 2_000_000;

/**
 * Runs a command in its own process group and waits for it, killing the whole group (the
 * driver and the executor JVMs it launched) at the deadline. Never rejects for the command's
 * own failure: a failed run is a result.
 */
export function runProcess(
  command: Command,
  timeoutMs: number,
  onStart: (pid: number) => void = () => undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessRun> {
  const start = new Date();
  return new Promise((resolve, reject) => {
    const child = spawn(command.file, [...command.args], {
      env: { ...env, ...command.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 2 * STDERR_TAIL_CHARS) stderr = stderr.slice(-STDERR_TAIL_CHARS);
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    if (child.pid !== undefined) {
      runningGroups.add(child.pid);
      onStart(child.pid);
    }
    child.on("error", (error) => {
      clearTimeout(timer);
      if (child.pid !== undefined) runningGroups.delete(child.pid);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // Executors of a finished driver can linger a moment; make sure none outlives the cell.
      killGroup();
      if (child.pid !== undefined) runningGroups.delete(child.pid);
      const signalled = signal === null ? null : 128 + (constants.signals[signal] ?? 0);
      resolve({
        exitCode: timedOut ? null : (code ?? signalled),
        timedOut,
        stdout,
        stderr: stderr.slice(-STDERR_TAIL_CHARS),
        start: start.toISOString(),
        end: new Date().toISOString(),
      });
    });
  });
}
