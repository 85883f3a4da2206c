import { spawn } from "node:child_process";
import * as path from "node:path";
import { fileUri } from "../spark/eventLogSettings";

/** Spark's History Server, the class `spark-class` starts. */
export const HISTORY_SERVER_CLASS = "org.apache.spark.deploy.history.HistoryServer";
/** Spark's default History Server port. */
export const DEFAULT_HISTORY_PORT = 18080;
/** Only loopback: the History Server has no authentication. */
export const LOOPBACK = "127.0.0.1";

/** What a local History Server is started with. */
export interface LocalHistoryServerOptions {
  /** A Spark distribution: the pip pyspark package folder (bin/spark-class, jars). */
  readonly sparkHome: string;
  /** Absolute folder of event logs (results/<experiment>/events). */
  readonly logDirectory: string;
  /** UI port; 0 lets the system choose a free one. */
  readonly port: number;
  /** How often new or grown logs are picked up. */
  readonly updateInterval?: string;
}

/** A command to run, with the environment it adds. */
export interface HistoryServerCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The History Server as `spark-class` starts it: Spark's own launcher builds the java command
 * from SPARK_HOME's jars and SPARK_HISTORY_OPTS, then replaces itself with the JVM, so the
 * process started is the server. SPARK_LOCAL_IP binds the UI to loopback only.
 */
export function localHistoryServerCommand(
  options: LocalHistoryServerOptions,
): HistoryServerCommand {
  if (!path.isAbsolute(options.logDirectory)) {
    throw new Error(`log directory ${options.logDirectory}: an absolute path is required`);
  }
  const settings = {
    "spark.history.fs.logDirectory": fileUri(options.logDirectory),
    "spark.history.ui.port": String(options.port),
    "spark.history.fs.update.interval": options.updateInterval ?? "5s",
  };
  return {
    file: path.join(options.sparkHome, "bin", "spark-class"),
    args: [HISTORY_SERVER_CLASS],
    env: {
      SPARK_HOME: options.sparkHome,
      SPARK_LOCAL_IP: LOOPBACK,
      SPARK_PUBLIC_DNS: LOOPBACK,
      SPARK_HISTORY_OPTS: Object.entries(settings)
        .map(([key, value]) => `-D${key}=${value}`)
        .join(" "),
    },
  };
}

/** The URL the History Server says it started at, from its log line. */
export function startedUrl(logText: string): string | undefined {
  return /Bound HistoryServer to \S+, and started at (http:\/\/\S+)/.exec(logText)?.[1];
}

/** A running local History Server. */
export interface LocalHistoryServer {
  /** Its UI, e.g. http://127.0.0.1:18080. */
  readonly url: string;
  /** The JVM's process id. */
  readonly pid: number;
  /** Resolves with the exit code (or signal) when the JVM ends. */
  readonly exited: Promise<number | string>;
  /** Stops the JVM: SIGTERM, then SIGKILL if it has not ended in 10 s. */
  stop(): Promise<void>;
}

/** Lines of the server's output kept to explain a failed start. */
const KEPT_LINES = 30;

/**
 * Starts Spark's History Server over a folder of event logs and resolves once its UI is
 * bound; rejects with the server's last lines if it ends or stays silent past `timeoutMs`.
 */
export function startLocalHistoryServer(
  options: LocalHistoryServerOptions,
  timeoutMs = 120_000,
): Promise<LocalHistoryServer> {
  const command = localHistoryServerCommand(options);
  const child = spawn(command.file, [...command.args], {
    env: { ...process.env, ...command.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).split("\n").slice(-KEPT_LINES).join("\n");
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => {
      void stop().then(() =>
        reject(new Error(`the History Server did not start in ${timeoutMs / 1000} s:\n${output}`)),
      );
    }, timeoutMs);
    const watch = (chunk: Buffer) => {
      keep(chunk);
      seen += chunk.toString("utf8");
      const url = startedUrl(seen);
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout.off("data", watch);
      child.stderr.off("data", watch);
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      resolve({ url, pid: child.pid ?? -1, exited, stop });
    };
    child.stdout.on("data", watch);
    child.stderr.on("data", watch);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${command.file}: ${error.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the History Server ended (${code}) before its UI was up:\n${output}`));
    });
  });
}
