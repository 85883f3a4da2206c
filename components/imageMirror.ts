import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { regionOf } from "../src/testbed/location";
import { MIRRORS } from "../src/testbed/mirror";

/** Inputs of an ImageMirror. */
export interface ImageMirrorArgs {
  /** GCP project: the mirror lives in the cluster's own project. */
  readonly project: string;
  /** Cluster location; the repositories go in its region, next to the nodes. */
  readonly location: string;
  /** IAM member allowed to pull (the node service account). */
  readonly readerMember: pulumi.Input<string>;
}

/**
 * Artifact Registry remote repositories in front of ghcr.io and Docker Hub. Nodes pull every
 * image through them: no pod depends on an internet registry's availability or rate limits,
 * and private nodes need no NAT to start a job.
 */
export class ImageMirror extends pulumi.ComponentResource {
  /** Mirror of ghcr.io (Spark Operator images). */
  readonly ghcr: gcp.artifactregistry.Repository;
  /** Mirror of Docker Hub (Spark images). */
  readonly dockerHub: gcp.artifactregistry.Repository;

  constructor(name: string, args: ImageMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("spark-at-scale:registry:ImageMirror", name, {}, opts);
    const self = { parent: this };
    const common = {
      project: args.project,
      location: regionOf(args.location),
      format: "DOCKER",
      mode: "REMOTE_REPOSITORY",
    };
    this.ghcr = new gcp.artifactregistry.Repository(
      `${name}-ghcr`,
      {
        ...common,
        repositoryId: MIRRORS.ghcr.repositoryId,
        description: "Pull-through mirror of ghcr.io (Spark Operator images)",
        remoteRepositoryConfig: {
          description: "ghcr.io",
          dockerRepository: { customRepository: { uri: MIRRORS.ghcr.upstreamUri } },
        },
      },
      self,
    );
    this.dockerHub = new gcp.artifactregistry.Repository(
      `${name}-dockerhub`,
      {
        ...common,
        repositoryId: MIRRORS.dockerHub.repositoryId,
        description: "Pull-through mirror of Docker Hub (Spark images)",
        remoteRepositoryConfig: {
          description: "Docker Hub",
          dockerRepository: { publicRepository: MIRRORS.dockerHub.publicRepository },
        },
      },
      self,
    );
    for (const [suffix, repo] of [
      ["ghcr", this.ghcr],
      ["dockerhub", this.dockerHub],
    ] as const) {
      new gcp.artifactregistry.RepositoryIamMember(
        `${name}-${suffix}-reader`,
        {
          project: args.project,
          location: repo.location,
          repository: repo.repositoryId,
          role: "roles/artifactregistry.reader",
          member: args.readerMember,
        },
        self,
      );
    }
    this.registerOutputs({ ghcr: this.ghcr.id, dockerHub: this.dockerHub.id });
  }
}
