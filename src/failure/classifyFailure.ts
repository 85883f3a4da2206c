import { DECISION_RULES } from "./decisionRules";
import {
  FALLBACK_RULE,
  RULE_CHECKS,
  unrecognised,
  type Decision,
  type Facts,
} from "./decisionRuleChecks";
import type { Classification, FailureEvidence } from "./evidence";
import { summarise } from "./evidenceSummary";
import { textSources } from "./evidenceText";
import { executorExits } from "./executorExits";

function classification(facts: Facts, decided: Decision): Classification {
  return { failureClass: decided.failureClass, evidence: summarise(facts, decided) };
}

/**
 * The root cause of how a cell ended, and the evidence for it. Pure: the same evidence always
 * gives the same answer, whether it came from GKE or from the local pilot. Rules are tried in
 * the order of `DECISION_RULES`; the first that applies decides.
 */
export function classifyFailure(evidence: FailureEvidence): Classification {
  const facts: Facts = { evidence, texts: textSources(evidence), exits: executorExits(evidence) };
  for (const rule of DECISION_RULES) {
    // The fallback is last in DECISION_RULES; reaching it means nothing else applied.
    if (rule === FALLBACK_RULE) break;
    const found = RULE_CHECKS[rule](facts);
    if (found) return classification(facts, { ...found, rule });
  }
  return classification(facts, { ...unrecognised(facts), rule: FALLBACK_RULE });
}
