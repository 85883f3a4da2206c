import type { SparkApplication } from "./kubernetesObjects";
import { POD_LABELS } from "./sparkOperatorApi";

/**
 * The label selector for a cell's driver and executor pods: the operator labels both with the
 * application's name and the current submission's id, so pods left by an earlier submission of
 * the same name are not mistaken for this one's.
 */
export function cellPodLabelSelector(app: SparkApplication): string {
  const selectors = [`${POD_LABELS.appName}=${app.metadata.name}`];
  const submissionId = app.status?.submissionID;
  if (submissionId) selectors.push(`${POD_LABELS.submissionId}=${submissionId}`);
  return selectors.join(",");
}

/** The field selector for the Events about one object, by name. */
export function eventsAboutFieldSelector(objectName: string): string {
  return `involvedObject.name=${objectName}`;
}
