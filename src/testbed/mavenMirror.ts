import { regionOf } from "./location";

/**
 * Maven Central through an Artifact Registry remote repository in the testbed's project, like
 * the image mirrors: pods fetch jars from the project, not from the internet.
 */
export const MAVEN_MIRROR = {
  repositoryId: "maven-central-mirror",
  publicRepository: "MAVEN_CENTRAL",
} as const;

/**
 * Google's Cloud Storage connector for Hadoop, which lets Spark write event logs to `gs://`.
 * 4.0.x is built against Hadoop 3.4 (Spark 4.0 ships Hadoop 3.4.1 client jars); the shaded
 * jar carries its own Guava and gRPC, so it cannot clash with Spark's.
 */
export const GCS_CONNECTOR = {
  group: "com.google.cloud.bigdataoss",
  artifact: "gcs-connector",
  version: "4.0.4",
  classifier: "shaded",
} as const;

/** Artifact Registry's Maven endpoint for a repository: `https://<region>-maven.pkg.dev/<project>/<repo>`. */
export function mavenMirrorUrl(project: string, location: string): string {
  return `https://${regionOf(location)}-maven.pkg.dev/${project}/${MAVEN_MIRROR.repositoryId}`;
}

/** The connector jar's address in a Maven repository (its standard layout). */
export function gcsConnectorJarUrl(repositoryUrl: string): string {
  const { group, artifact, version, classifier } = GCS_CONNECTOR;
  return `${repositoryUrl}/${group.replace(/\./g, "/")}/${artifact}/${version}/${artifact}-${version}-${classifier}.jar`;
}
