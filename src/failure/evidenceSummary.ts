import type { EvidenceSummary } from "./evidence";
import type { Decision, Facts } from "./decisionRuleChecks";

/**
 * What is kept of the evidence: every exit code and termination reason seen (so a person can
 * spot a second cause the precedence hid), and the excerpt and rule that decided.
 */
export function summarise(facts: Facts, chosen: Decision): EvidenceSummary {
  const { evidence, exits } = facts;
  const terminations = [
    ...(evidence.driverTermination ? [evidence.driverTermination] : []),
    ...exits.map((exit) => exit.termination),
  ];
  const exitCodes = new Set(terminations.map((t) => t.exitCode).filter((code) => code !== 0));
  const reasons = new Set(
    terminations
      .map((t) => t.reason)
      .filter((reason): reason is string => reason !== undefined && reason !== "Completed"),
  );
  return {
    exitCodes: [...exitCodes].sort((a, b) => a - b),
    terminationReasons: [...reasons].sort(),
    messageExcerpt: chosen.excerpt,
    decidedBy: `${chosen.rule}: ${chosen.source}`,
  };
}
