/**
 * Spark's hash partitioning of a BIGINT key, so the predictor knows which keys share a shuffle
 * partition: HashPartitioning places a row in pmod(Murmur3Hash(key, 42), partitions), and for a
 * long that hash is Murmur3_x86_32.hashLong (common/unsafe/.../hash/Murmur3_x86_32.java): the
 * low and high 32-bit words mixed in turn, then finalised with length 8.
 */
import { HASH_PARTITIONING_SEED } from "./constants";

const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593 | 0;
const TWO_32 = 2 ** 32;

function rotateLeft(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function mixK1(k1: number): number {
  return Math.imul(rotateLeft(Math.imul(k1, C1), 15), C2);
}

function mixH1(h1: number, k1: number): number {
  return (Math.imul(rotateLeft(h1 ^ k1, 13), 5) + (0xe6546b64 | 0)) | 0;
}

function fmix(h1: number, length: number): number {
  let h = h1 ^ length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b | 0);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35 | 0);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Murmur3_x86_32.hashLong(value, seed) as Spark computes it, as a signed 32-bit integer. Keys
 * here are non-negative safe integers (the workload's keys are 0 .. K - 1).
 */
export function hashLong(value: number, seed: number = HASH_PARTITIONING_SEED): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`hashLong: ${value} is not a non-negative safe integer`);
  }
  const low = (value % TWO_32) | 0;
  const high = Math.floor(value / TWO_32) | 0;
  const h1 = mixH1(mixH1(seed | 0, mixK1(low)), mixK1(high));
  return fmix(h1, 8);
}

/** Spark's Pmod for integers: the remainder made non-negative. */
export function pmod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}

/** The shuffle partition HashPartitioning puts a BIGINT key in. */
export function partitionOf(key: number, partitions: number): number {
  return pmod(hashLong(key), partitions);
}
