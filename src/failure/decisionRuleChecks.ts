/**
 * The check behind each rule of `DECISION_RULES`. Each looks at one kind of signal and, if it
 * finds it, says which class it means and where it saw it; the order they are tried in, and so
 * their precedence, is `DECISION_RULES`.
 */
import type { DecisionRule } from "./decisionRules";
import { containerLimitsApply, type FailureEvidence } from "./evidence";
import type { FailureClass } from "./failureClass";
import { clip } from "./excerpt";
import {
  driverLogLabel,
  findLine,
  lastTellingLine,
  type TextSide,
  type TextSource,
} from "./evidenceText";
import type { ExecutorExit } from "./executorExits";
import { OPERATOR_EVENT_REASONS, SUBMISSION_ERROR_MESSAGE } from "./operatorMessages";
import {
  BROADCAST_NOT_ENOUGH_MEMORY,
  BROADCAST_OVER_BYTES,
  BROADCAST_OVER_ROWS,
  EXIT_JVM_OOM,
  EXIT_SIGKILL,
  JAVA_OUT_OF_MEMORY,
  REASON_OOM_KILLED,
  SPARK_OUT_OF_MEMORY,
  TASK_FAILED_N_TIMES,
  TASK_FAILURE_CONTEXT,
  TASK_RESULT_UNREADABLE,
} from "./sparkMessages";

/** A rule's verdict: the class, and what to tell a person about why. */
export interface Verdict {
  readonly failureClass: FailureClass;
  readonly source: string;
  readonly excerpt: string;
}

/** A verdict with the rule that gave it. */
export interface Decision extends Verdict {
  readonly rule: DecisionRule;
}

/** The evidence, with its texts and executor exits pulled out once for all rules. */
export interface Facts {
  readonly evidence: FailureEvidence;
  readonly texts: readonly TextSource[];
  readonly exits: readonly ExecutorExit[];
}

type Rule = (facts: Facts) => Verdict | undefined;

const verdict = (
  failureClass: FailureClass,
  found: { readonly source: string; readonly excerpt: string } | undefined,
): Verdict | undefined =>
  found ? { failureClass, source: found.source, excerpt: found.excerpt } : undefined;

const stateOnly = (evidence: FailureEvidence) => ({
  source: "final state",
  excerpt: `finalState=${evidence.finalState}`,
});

/** The operator's or spark-submit's account of a submission that failed. */
function submissionExcerpt({ evidence }: Facts): { source: string; excerpt: string } {
  if (evidence.applicationErrorMessage) {
    return {
      source: "SparkApplication errorMessage",
      excerpt: clip(evidence.applicationErrorMessage),
    };
  }
  const error = evidence.workloadError;
  if (error) {
    return {
      source: "workload result error",
      excerpt: clip(`${error.exceptionClass}: ${error.message}`),
    };
  }
  const event = evidence.events.find((e) => e.reason === OPERATOR_EVENT_REASONS.submissionFailed);
  if (event)
    return { source: `event ${event.reason} on ${event.object}`, excerpt: clip(event.message) };
  const line = lastTellingLine(evidence.driverLog);
  if (line) return { source: driverLogLabel(evidence.runner), excerpt: clip(line) };
  return stateOnly(evidence);
}

const ownWords = (texts: readonly TextSource[], side: TextSide): TextSource[] =>
  texts.filter((text) => text.side === side);

const isContainerOom = (exit: ExecutorExit): boolean =>
  exit.termination.reason === REASON_OOM_KILLED || exit.termination.exitCode === EXIT_SIGKILL;

/** For a failure no other rule explains: the most telling line there is, for a person to read. */
export function unrecognised({ evidence, texts }: Facts): Verdict {
  const error = evidence.workloadError;
  const found = error
    ? {
        source: "workload result error",
        excerpt: clip(`${error.exceptionClass}: ${error.message}`),
      }
    : (findLine(texts, /\bERROR\b|Exception|Error:/) ?? stateOnly(evidence));
  return { failureClass: "other", ...found };
}

/**
 * Errors of the job's own making: Spark's analysis and parse errors, a missing path, and the
 * exceptions of a user's Python code (classes from `builtins` or the script's own module, or its
 * non-zero exit as the query workload reports it).
 */
const JOB_ERROR =
  /AnalysisException|ParseException|PATH_NOT_FOUND|TABLE_OR_VIEW_NOT_FOUND|UNRESOLVED_COLUMN|FileNotFoundException|^builtins\.|^__main__\.|exited with status \d+/;

/** The rule that applies when no other does. */
export const FALLBACK_RULE = "unrecognised-failure" satisfies DecisionRule;

/** What each rule checks; they are tried in the order of `DECISION_RULES`. */
export const RULE_CHECKS: Readonly<Record<Exclude<DecisionRule, typeof FALLBACK_RULE>, Rule>> = {
  "submission-state": (facts) =>
    facts.evidence.finalState === "SUBMISSION_FAILED"
      ? verdict("submission_failed", submissionExcerpt(facts))
      : undefined,

  "submission-error": (facts) => {
    const { finalState, applicationErrorMessage, submissionAttempts, executionAttempts } =
      facts.evidence;
    if (finalState !== "FAILED") return undefined;
    const operatorSaysSubmission = SUBMISSION_ERROR_MESSAGE.test(applicationErrorMessage ?? "");
    const neverRan = (submissionAttempts ?? 0) > 0 && executionAttempts === 0;
    return operatorSaysSubmission || neverRan
      ? verdict("submission_failed", submissionExcerpt(facts))
      : undefined;
  },

  "timeout-state": ({ evidence }) =>
    evidence.finalState === "TIMEOUT" ? verdict("timeout", stateOnly(evidence)) : undefined,

  "result-line-missing": ({ evidence }) =>
    evidence.runner === "local-cluster" &&
    evidence.finalState === "COMPLETED" &&
    evidence.workloadOutcome === undefined
      ? verdict("workload_error", {
          source: "spark-submit",
          excerpt: "exit 0 without a SPARK_AT_SCALE_RESULT line",
        })
      : undefined,

  "completed-state": ({ evidence }) =>
    evidence.finalState === "COMPLETED" && evidence.workloadOutcome !== "failed"
      ? verdict("none", stateOnly(evidence))
      : undefined,

  "broadcast-limit": ({ texts }) =>
    verdict(
      "broadcast_too_large",
      findLine(texts, BROADCAST_OVER_BYTES) ??
        findLine(texts, BROADCAST_OVER_ROWS) ??
        findLine(texts, BROADCAST_NOT_ENOUGH_MEMORY),
    ),

  "driver-container-oom": ({ evidence }) => {
    const driver = evidence.driverTermination;
    if (!containerLimitsApply(evidence) || !driver) return undefined;
    if (driver.reason !== REASON_OOM_KILLED && driver.exitCode !== EXIT_SIGKILL) return undefined;
    const reason = driver.reason === undefined ? "" : ` reason=${driver.reason}`;
    return verdict("driver_oom", {
      source: "driver container",
      excerpt: clip(`driver: exitCode=${driver.exitCode}${reason}`),
    });
  },

  "executor-container-oom": ({ evidence, exits }) => {
    // Only a process with a memory limit can be killed for it: a pod, or a pilot executor in a
    // memory cgroup. An unlimited local executor's 137 is some other SIGKILL.
    if (!containerLimitsApply(evidence)) return undefined;
    // A stated OOMKilled beats a bare 137, which Spark itself only calls a "possible" OOM.
    const exit =
      exits.find((e) => e.termination.reason === REASON_OOM_KILLED) ?? exits.find(isContainerOom);
    return verdict("executor_container_oom", exit);
  },

  "executor-jvm-oom-exit": ({ exits }) =>
    verdict(
      "executor_jvm_oom",
      exits.find((e) => e.termination.exitCode === EXIT_JVM_OOM),
    ),

  "executor-jvm-oom-task": ({ texts }) =>
    verdict(
      "executor_jvm_oom",
      findLine(texts, JAVA_OUT_OF_MEMORY, (line) => TASK_FAILURE_CONTEXT.test(line)) ??
        findLine(ownWords(texts, "executor"), JAVA_OUT_OF_MEMORY),
    ),

  "spark-memory-oom": ({ texts }) =>
    verdict("spark_memory_oom", findLine(texts, SPARK_OUT_OF_MEMORY)),

  "driver-jvm-oom": ({ evidence, texts }) => {
    const driver = evidence.driverTermination;
    if (driver?.exitCode === EXIT_JVM_OOM) {
      return verdict("driver_oom", {
        source: "driver container",
        excerpt: `driver: exitCode=${driver.exitCode}`,
      });
    }
    // Events and executors' own messages are not the driver's words.
    return verdict(
      "driver_oom",
      findLine(
        ownWords(texts, "driver"),
        JAVA_OUT_OF_MEMORY,
        (line) => !TASK_FAILURE_CONTEXT.test(line),
      ),
    );
  },

  "driver-result-unreadable": ({ texts }) =>
    verdict("driver_oom", findLine(texts, TASK_RESULT_UNREADABLE)),

  "task-failures-exhausted": ({ texts }) =>
    verdict("task_failures_exhausted", findLine(texts, TASK_FAILED_N_TIMES)),

  "workload-error": ({ evidence }) => {
    const error = evidence.workloadError;
    if (!error || !JOB_ERROR.test(`${error.exceptionClass}: ${error.message}`)) return undefined;
    return verdict("workload_error", {
      source: "workload result error",
      excerpt: clip(`${error.exceptionClass}: ${error.message}`),
    });
  },
};
