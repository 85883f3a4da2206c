/**
 * What an array costs the heap, by the executor JVM's garbage collector. G1 (JDK 17) allocates
 * arrays of half a region or more as humongous objects in whole regions of their own, so a
 * 1 MiB byte[] fills 2 MiB of a heap under 4 GiB; Serial, which the JVM picks when it sees
 * under 1792 MiB (a small pod), stores it in its own size. The pod sees only the pages an
 * array touches either way, but the heap is full when its regions are.
 */
import {
  G1_MAX_REGION_BYTES,
  G1_MIN_REGION_BYTES,
  G1_TARGET_REGIONS,
  JAVA_ARRAY_HEADER_BYTES,
  SERVER_CLASS_MIN_MEMORY_MIB,
} from "./constants";

/** The collector an executor JVM picks on its own (no -XX:+Use...GC among its options). */
export type Collector = "G1" | "Serial";

/**
 * The collector of an executor that sees `visibleMemoryMiB` (its pod's or cgroup's limit; null
 * when it runs unlimited on a machine assumed to have 2 CPUs and 2 GiB or more).
 */
export function ergonomicCollector(visibleMemoryMiB: number | null): Collector {
  return visibleMemoryMiB === null || visibleMemoryMiB >= SERVER_CLASS_MIN_MEMORY_MIB
    ? "G1"
    : "Serial";
}

/** G1's region size for a heap of `heapBytes` (-Xmx). */
export function g1RegionBytes(heapBytes: number): number {
  let region = G1_MIN_REGION_BYTES;
  while (region * 2 <= heapBytes / G1_TARGET_REGIONS && region < G1_MAX_REGION_BYTES) region *= 2;
  return region;
}

/** Heap a byte[] of `dataBytes` takes: under G1 whole regions when humongous, else its size. */
export function byteArrayHeapBytes(
  dataBytes: number,
  heapBytes: number,
  collector: Collector = "G1",
): number {
  const objectBytes = dataBytes + JAVA_ARRAY_HEADER_BYTES;
  if (collector !== "G1") return objectBytes;
  const region = g1RegionBytes(heapBytes);
  return objectBytes * 2 >= region ? Math.ceil(objectBytes / region) * region : objectBytes;
}

/**
 * Heap a ChunkedByteBuffer of `bytes` takes in chunks of `chunkBytes`: whole chunks, and the
 * last, partly full one trimmed to its size (ChunkedByteBufferOutputStream.toChunkedByteBuffer).
 */
export function chunkedBufferHeapBytes(
  bytes: number,
  chunkBytes: number,
  heapBytes: number,
  collector: Collector = "G1",
): number {
  const whole = Math.floor(bytes / chunkBytes);
  const rest = bytes - whole * chunkBytes;
  return (
    whole * byteArrayHeapBytes(chunkBytes, heapBytes, collector) +
    (rest > 0 ? byteArrayHeapBytes(rest, heapBytes, collector) : 0)
  );
}
