import * as yaml from "js-yaml";

/** What a kubeconfig for a GKE cluster is built from: all three are cluster outputs. */
export interface GkeEndpoint {
  /** Context name; the cluster's project, location and name keep it unique. */
  readonly contextName: string;
  /** Control-plane IP or host name. */
  readonly endpoint: string;
  /** Base64 CA certificate of the control plane. */
  readonly clusterCaCertificate: string;
}

/**
 * A kubeconfig that authenticates through `gke-gcloud-auth-plugin`, as GKE requires since
 * 1.26: no token is written into state, the plugin asks gcloud for one on every call.
 */
export function gkeKubeconfig({
  contextName,
  endpoint,
  clusterCaCertificate,
}: GkeEndpoint): string {
  return yaml.dump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: contextName,
        cluster: {
          "certificate-authority-data": clusterCaCertificate,
          server: `https://${endpoint}`,
        },
      },
    ],
    contexts: [{ name: contextName, context: { cluster: contextName, user: contextName } }],
    "current-context": contextName,
    users: [
      {
        name: contextName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            installHint:
              "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin " +
              "(or apt-get install google-cloud-cli-gke-gcloud-auth-plugin)",
            provideClusterInfo: true,
          },
        },
      },
    ],
  });
}
