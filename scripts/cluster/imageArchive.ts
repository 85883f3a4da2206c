/**
 * The `docker save` archive format (manifest.json, an image config, one tar per layer), which
 * `ctr images import` reads. The local test cluster has no registry and no Docker engine, so its
 * images are packed from rootfs tarballs with these pure functions and imported into containerd.
 */

/** A layer: its tar file's path inside the archive and the sha256 of its (uncompressed) bytes. */
export interface ImageLayer {
  readonly archivePath: string;
  /** Hex sha256 of the layer tar: the layer's diff ID. */
  readonly sha256: string;
  /** What the layer holds, for the image history. */
  readonly description: string;
}

/** How a container of the image starts. */
export interface ImageRuntime {
  readonly entrypoint: readonly string[];
  readonly cmd?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** A numeric uid (and optionally gid), as the stock Spark image's `185`. */
  readonly user?: string;
}

/** An image to pack. */
export interface ImageDefinition {
  /** Full reference, e.g. `localhost/spark-at-scale/spark:4.0.4`. */
  readonly reference: string;
  readonly layers: readonly ImageLayer[];
  readonly runtime: ImageRuntime;
  /** Creation time (ISO-8601); fixed by the caller so the same inputs give the same image. */
  readonly created: string;
}

/** The OCI/Docker image config JSON. */
export interface ImageConfig {
  readonly architecture: "amd64";
  readonly os: "linux";
  readonly created: string;
  readonly config: {
    readonly Env: string[];
    readonly Entrypoint: string[];
    readonly Cmd: string[] | null;
    readonly WorkingDir: string;
    readonly User: string;
  };
  readonly rootfs: { readonly type: "layers"; readonly diff_ids: string[] };
  readonly history: { readonly created: string; readonly created_by: string }[];
}

/** One entry of an archive's manifest.json. */
export interface ArchiveManifestEntry {
  readonly Config: string;
  readonly RepoTags: string[];
  readonly Layers: string[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Lowercase path components, an optional registry host and a tag: what containerd accepts. */
const REFERENCE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** The image config for a definition; throws on a malformed reference or layer digest. */
export function imageConfig(image: ImageDefinition): ImageConfig {
  if (!REFERENCE.test(image.reference)) {
    throw new Error(
      `image reference ${JSON.stringify(image.reference)}: expected lowercase name components and a tag, e.g. localhost/spark-at-scale/spark:4.0.4`,
    );
  }
  if (image.layers.length === 0) throw new Error(`image ${image.reference}: no layers`);
  for (const layer of image.layers) {
    if (!SHA256_HEX.test(layer.sha256)) {
      throw new Error(
        `image ${image.reference}: layer ${layer.archivePath} has no sha256 (got ${JSON.stringify(layer.sha256)})`,
      );
    }
  }
  const { runtime } = image;
  return {
    architecture: "amd64",
    os: "linux",
    created: image.created,
    config: {
      Env: Object.entries(runtime.env).map(([name, value]) => `${name}=${value}`),
      Entrypoint: [...runtime.entrypoint],
      Cmd: runtime.cmd ? [...runtime.cmd] : null,
      WorkingDir: runtime.workingDir ?? "/",
      User: runtime.user ?? "",
    },
    rootfs: { type: "layers", diff_ids: image.layers.map((layer) => `sha256:${layer.sha256}`) },
    history: image.layers.map((layer) => ({
      created: image.created,
      created_by: layer.description,
    })),
  };
}

/** manifest.json of an archive holding one image whose config is stored at `configPath`. */
export function archiveManifest(
  image: ImageDefinition,
  configPath: string,
): ArchiveManifestEntry[] {
  return [
    {
      Config: configPath,
      RepoTags: [image.reference],
      Layers: image.layers.map((layer) => layer.archivePath),
    },
  ];
}
