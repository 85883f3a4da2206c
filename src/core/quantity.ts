/**
 * Memory quantities, in the two spellings this project reads: Spark's (`512m`, `4g`, binary
 * units, case-insensitive) and Kubernetes' (`512Mi`, `4Gi`, plus decimal `M`/`G`). Everything
 * is normalised to whole MiB, the unit Spark and the node-pool arithmetic both work in.
 *
 * The unit constants below are the project's only ones; each name says what it counts, so a
 * "GiB" can never mean MiB in one file and bytes in another.
 */

/** MiB in one GiB. */
export const MIB_PER_GIB = 1024;
/** Bytes in one MiB. */
export const BYTES_PER_MIB = 1024 * 1024;
/** Bytes in one GiB. */
export const BYTES_PER_GIB = MIB_PER_GIB * BYTES_PER_MIB;

const SPARK_UNITS: Readonly<Record<string, number>> = {
  k: 1 / 1024,
  m: 1,
  g: MIB_PER_GIB,
  t: MIB_PER_GIB * MIB_PER_GIB,
};

/**
 * A memory size in whole MiB, as config validation produced it from a Spark spelling: the
 * brand keeps a count of bytes or GiB from passing for one, and means nothing downstream has
 * to parse the string again.
 */
export type MiB = number & { readonly unit: "MiB" };

/** A Spark memory string such as `512m` or `4g` (what `spark.executor.memory` accepts). */
export const SPARK_MEMORY_PATTERN = /^([1-9][0-9]*)([kmgt])$/i;

/** Parses a Spark memory string into MiB; returns undefined when it is not one. */
export function sparkMemoryToMiB(value: string): number | undefined {
  const match = SPARK_MEMORY_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * SPARK_UNITS[unit.toLowerCase()];
}

/** Formats MiB the way Spark's config expects it (`4096m` is unambiguous; `4g` rounds). */
export function mibToSparkMemory(mib: number): string {
  return mib % MIB_PER_GIB === 0 ? `${mib / MIB_PER_GIB}g` : `${Math.round(mib)}m`;
}

/** Formats MiB as a Kubernetes quantity (`Mi`), the unit pod limits are stated in. */
export function mibToKubernetesQuantity(mib: number): string {
  return `${Math.ceil(mib)}Mi`;
}

/** Formats a size in MiB for people: `13.3 GiB`, `512 MiB`. */
export function formatMiB(mib: number): string {
  return mib >= MIB_PER_GIB ? `${(mib / MIB_PER_GIB).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}
