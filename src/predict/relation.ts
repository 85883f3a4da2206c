/**
 * Sizes of the hashed relation a hash join builds, for the workload's single BIGINT key: Spark
 * uses LongHashedRelation, whose LongToUnsafeRowMap keeps
 *
 * - a page (one long[]) with every row followed by an 8-byte pointer to the key's next row, so
 *   the rows take rows x (rowBytes + 8) bytes ("used"); the page starts at 1 MiB and doubles,
 *   and while it doubles the old and the new page are both alive;
 * - a key array: sparse, 2 longs a slot, or dense (one long per key in [min, max]) after
 *   `optimize()` when the key range is small.
 *
 * There is no other factor: the relation is used + index. A broadcast relation is rebuilt on
 * each executor from the serialized `used` words, so its page there is exactly `used`; a
 * shuffled hash join grows its page and array through the task's memory manager, so what it
 * asks for at its peak is 1.5 x the final page (old + new) plus the array.
 */
import {
  ARRAY_LONGS_PER_KEY,
  COLLECTED_ROW_LENGTH_BYTES,
  COMPRESSIBLE_RANDOM_CHARS,
  DENSE_RANGE_FLOOR,
  LZ4_KEPT_COLLECTED_STRUCTURE_BYTES,
  LZ4_KEPT_STRUCTURE_BYTES,
  PAGE_INITIAL_BYTES,
  PAGE_MAX_BYTES,
  ROW_POINTER_BYTES,
  SHJ_INITIAL_ARRAY_LONGS,
} from "./constants";

/** The workload's payload kinds (workloads/README.md). */
export type PayloadKind = "random" | "compressible";

/** UnsafeRow size of a (BIGINT, STRING) row: 8 null bits + 8 key + 8 offset/length + payload. */
export function rowBytesFor(payloadBytes: number): number {
  return 24 + Math.ceil(payloadBytes / 8) * 8;
}

/**
 * Bytes one row takes after LZ4, in the relation's page layout (row + next pointer): its random
 * characters plus ~16 structure bytes (see LZ4_KEPT_STRUCTURE_BYTES), never more than raw.
 */
export function compressedRowBytes(payloadBytes: number, kind: PayloadKind): number {
  return Math.min(
    rowBytesFor(payloadBytes) + ROW_POINTER_BYTES,
    randomChars(payloadBytes, kind) + LZ4_KEPT_STRUCTURE_BYTES,
  );
}

/**
 * Bytes one row takes as a collect task sends it to the driver (length + row, LZ4'd): its
 * random characters plus ~6.5 structure bytes (see LZ4_KEPT_COLLECTED_STRUCTURE_BYTES), never
 * more than raw.
 */
export function collectedRowBytes(payloadBytes: number, kind: PayloadKind): number {
  return Math.min(
    rowBytesFor(payloadBytes) + COLLECTED_ROW_LENGTH_BYTES,
    randomChars(payloadBytes, kind) + LZ4_KEPT_COLLECTED_STRUCTURE_BYTES,
  );
}

function randomChars(payloadBytes: number, kind: PayloadKind): number {
  return kind === "random" ? payloadBytes : Math.min(COMPRESSIBLE_RANDOM_CHARS, payloadBytes);
}

/** Smallest power of two >= n (n >= 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * The page's length once it holds `usedBytes`: 1 MiB doubled until it fits, at most 8 GiB
 * (LongToUnsafeRowMap.grow: max(needed, min(2 x length, 1 << 30 longs)); a row adds far less
 * than the page, so each growth is a doubling).
 */
export function pageCapacityBytes(usedBytes: number): number {
  let page = PAGE_INITIAL_BYTES;
  while (page < usedBytes && page < PAGE_MAX_BYTES) page *= 2;
  return page;
}

/** What `rows` rows take in a relation's page: each row followed by its next pointer. */
function usedPageBytes(rows: number, payloadBytes: number): number {
  return rows * (rowBytesFor(payloadBytes) + ROW_POINTER_BYTES);
}

/** A broadcast relation, as the driver builds it and each executor rebuilds it. */
export interface BroadcastRelation {
  readonly rows: number;
  /** Rows and their pointers: rows x (rowBytes + 8). */
  readonly usedBytes: number;
  /** Whether `optimize()` makes the key array dense. */
  readonly dense: boolean;
  /** Key array: 8 x (key range) dense, 16 x nextPowerOfTwo(rows) sparse. */
  readonly indexBytes: number;
  /** The relation on an executor: used + index (what BroadcastHashJoin reports as its peak). */
  readonly relationBytes: number;
  /** The serialized, LZ4-compressed pieces an executor fetches and holds while it rebuilds. */
  readonly piecesBytes: number;
  /** The driver's `estimatedSize`: the doubled page + index, compared with the 8 GiB limit. */
  readonly driverEstimatedBytes: number;
}

/**
 * The broadcast relation of `rows` rows over keys 0 .. keys - 1. The driver builds it with
 * capacity = rows (the collected row count), so the sparse array has 2 x nextPowerOfTwo(rows)
 * longs, and it turns dense when the key range is below that or below 1024.
 */
export function broadcastRelation(
  rows: number,
  keys: number,
  payloadBytes: number,
  kind: PayloadKind,
): BroadcastRelation {
  const usedBytes = usedPageBytes(rows, payloadBytes);
  const slots = nextPowerOfTwo(Math.max(1, rows));
  const range = Math.max(0, keys - 1);
  const dense = range < 2 * slots || range < DENSE_RANGE_FLOOR;
  const indexBytes = dense ? 8 * (range + 1) : 16 * slots;
  return {
    rows,
    usedBytes,
    dense,
    indexBytes,
    relationBytes: usedBytes + indexBytes,
    piecesBytes: rows * compressedRowBytes(payloadBytes, kind) + indexBytes,
    driverEstimatedBytes: pageCapacityBytes(usedBytes) + indexBytes,
  };
}

/** What a shuffled hash join's build asks its task's memory manager for. */
export interface ShuffledRelationPeak {
  readonly rows: number;
  readonly keys: number;
  /** rows x (rowBytes + 8). */
  readonly usedBytes: number;
  /** The page's final length (a power-of-two number of MiB). */
  readonly pageBytes: number;
  /** The key array's final length, bytes. */
  readonly arrayBytes: number;
  /** Execution memory held + requested at the worst growth step. */
  readonly peakBytes: number;
  /** The rows need more than the 8 GiB page Spark allows. */
  readonly overPageLimit: boolean;
}

/**
 * The execution memory a shuffled hash join task needs to build its relation from `rows` rows
 * with `keys` distinct keys. Every growth first acquires the new array and then frees the old
 * one (`ensureAcquireMemory`, no spilling), so the peak is the larger of
 * - the last page doubling: old page (page / 2) + new page (page) + the array, and
 * - the last array doubling: the page + old array (array / 2) + new array (array).
 */
export function shuffledHashRelationPeak(
  rows: number,
  keys: number,
  payloadBytes: number,
): ShuffledRelationPeak {
  const usedBytes = usedPageBytes(rows, payloadBytes);
  const pageBytes = pageCapacityBytes(usedBytes);
  const arrayLongs = Math.max(SHJ_INITIAL_ARRAY_LONGS, nextPowerOfTwo(ARRAY_LONGS_PER_KEY * keys));
  const arrayBytes = 8 * arrayLongs;
  const pageStep = pageBytes > PAGE_INITIAL_BYTES ? pageBytes / 2 + pageBytes : pageBytes;
  const arrayStep = arrayLongs > SHJ_INITIAL_ARRAY_LONGS ? arrayBytes / 2 + arrayBytes : arrayBytes;
  return {
    rows,
    keys,
    usedBytes,
    pageBytes,
    arrayBytes,
    peakBytes: Math.max(pageStep + arrayBytes, pageBytes + arrayStep),
    overPageLimit: usedBytes > PAGE_MAX_BYTES,
  };
}
