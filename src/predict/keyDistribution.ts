/**
 * How the build side's rows fall into shuffle partitions. The workload gives key k (0 .. K - 1)
 * the Zipf share (k + 1)^-s / H(K, s), with H(K, s) = sum over k = 1..K of k^-s, so the top key
 * holds 1 / H(K, s) of the rows (workloads/README.md, "Skew and output cardinality"). Each key
 * goes to the partition Spark's hash partitioning gives it, so a partition's share is the sum of
 * its keys' shares: exact, not an average. The counts the workload generates are within one row
 * of rows x share per key.
 */
import { partitionOf } from "./murmur3";

/** Where the build side's rows go, for one (K, s, P). */
export interface KeyDistribution {
  readonly keys: number;
  readonly skew: number;
  readonly partitions: number;
  /** Share of the most frequent key (key 0): 1 / H(K, s). */
  readonly topShare: number;
  /** The partition key 0 hashes to. */
  readonly hotPartition: number;
  /** Share of the build rows in each partition (they sum to 1). */
  readonly partitionShares: readonly number[];
  /** Keys that hash to each partition. */
  readonly partitionKeys: readonly number[];
  /** Share of each partition's most frequent key (0 for an empty partition). */
  readonly partitionTopShares: readonly number[];
}

/** H(K, s) = sum over k = 1..K of k^-s, the Zipf normaliser (K for s = 0). */
export function generalizedHarmonic(keys: number, skew: number): number {
  if (skew === 0) return keys;
  let sum = 0;
  // Smallest terms first, for accuracy when K is large.
  for (let k = keys; k >= 1; k--) sum += Math.pow(k, -skew);
  return sum;
}

/** Share of the top key under Zipf(s) over K keys: 1 / H(K, s). */
export function topKeyShare(keys: number, skew: number): number {
  return 1 / generalizedHarmonic(keys, skew);
}

const cache = new Map<string, KeyDistribution>();
const CACHE_ENTRIES = 32;

/**
 * The exact partition shares of Zipf(s) over K keys hashed into P partitions. O(K); cached,
 * because recommending a heap asks for the same distribution at every candidate size.
 */
export function keyDistribution(keys: number, skew: number, partitions: number): KeyDistribution {
  if (!Number.isInteger(keys) || keys < 1) throw new RangeError(`keys must be >= 1: ${keys}`);
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be >= 1: ${partitions}`);
  }
  if (!(skew >= 0)) throw new RangeError(`skew must be >= 0: ${skew}`);
  const id = `${keys}|${skew}|${partitions}`;
  const hit = cache.get(id);
  if (hit) return hit;

  const harmonic = generalizedHarmonic(keys, skew);
  const shares = new Array<number>(partitions).fill(0);
  const counts = new Array<number>(partitions).fill(0);
  const tops = new Array<number>(partitions).fill(0);
  for (let k = 0; k < keys; k++) {
    const share = (skew === 0 ? 1 : Math.pow(k + 1, -skew)) / harmonic;
    const p = partitionOf(k, partitions);
    shares[p] += share;
    counts[p] += 1;
    if (share > tops[p]) tops[p] = share;
  }
  const result: KeyDistribution = {
    keys,
    skew,
    partitions,
    topShare: 1 / harmonic,
    hotPartition: partitionOf(0, partitions),
    partitionShares: shares,
    partitionKeys: counts,
    partitionTopShares: tops,
  };
  if (cache.size >= CACHE_ENTRIES) cache.clear();
  cache.set(id, result);
  return result;
}
