import { regionOf } from "./location";

/** Upstream registries the testbed mirrors, and the Artifact Registry repository for each. */
export const MIRRORS = {
  /** The Spark Operator's images (`ghcr.io/kubeflow/spark-operator/controller`). */
  ghcr: { repositoryId: "ghcr-mirror", upstreamUri: "https://ghcr.io" },
  /** The stock Spark images (`docker.io/apache/spark`). */
  dockerHub: { repositoryId: "dockerhub-mirror", publicRepository: "DOCKER_HUB" },
} as const;

/** Host name of Artifact Registry's Docker endpoint for a location. */
export function mirrorHost(location: string): string {
  return `${regionOf(location)}-docker.pkg.dev`;
}

/** The path of a mirror repository under its host: `<project>/<repository>`. */
export function mirrorPath(project: string, repositoryId: string): string {
  return `${project}/${repositoryId}`;
}

/** Where the stock Spark image is pulled from, through the Docker Hub mirror. */
export function sparkImageRef(
  project: string,
  location: string,
  image: string,
  version: string,
): string {
  return `${mirrorHost(location)}/${mirrorPath(project, MIRRORS.dockerHub.repositoryId)}/${image}:${version}`;
}
