import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { regionOf } from "../src/testbed/location";
import { MAVEN_MIRROR } from "../src/testbed/mavenMirror";

/** Inputs of MavenMirror. */
export interface MavenMirrorArgs {
  /** GCP project: the mirror lives in the cluster's own project. */
  readonly project: string;
  /** Cluster location; the repository goes in its region. */
  readonly location: string;
  /** IAM members allowed to read (the Google service accounts that fetch jars). */
  readonly readerMembers: ReadonlyArray<pulumi.Input<string>>;
}

/**
 * An Artifact Registry remote repository in front of Maven Central, like the image mirrors:
 * pods fetch jars (the Cloud Storage connector) from the project, with their own identity,
 * never from the internet. Read access is granted on this repository only.
 */
export class MavenMirror extends pulumi.ComponentResource {
  readonly repository: gcp.artifactregistry.Repository;

  constructor(name: string, args: MavenMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:registry:MavenMirror", name, {}, opts);
    const self = { parent: this };
    this.repository = new gcp.artifactregistry.Repository(
      name,
      {
        project: args.project,
        location: regionOf(args.location),
        repositoryId: MAVEN_MIRROR.repositoryId,
        format: "MAVEN",
        mode: "REMOTE_REPOSITORY",
        description: "Pull-through mirror of Maven Central (the Cloud Storage connector)",
        remoteRepositoryConfig: {
          description: "Maven Central",
          mavenRepository: { publicRepository: MAVEN_MIRROR.publicRepository },
        },
      },
      self,
    );
    args.readerMembers.forEach((member, index) => {
      new gcp.artifactregistry.RepositoryIamMember(
        `${name}-reader-${index}`,
        {
          project: args.project,
          location: this.repository.location,
          repository: this.repository.repositoryId,
          role: "roles/artifactregistry.reader",
          member,
        },
        self,
      );
    });
    this.registerOutputs({ repository: this.repository.id });
  }
}
