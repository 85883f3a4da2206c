/**
 * What an array costs the heap under G1, which allocates arrays of half a region or more as
 * humongous objects in whole regions of their own (JDK 17). The pod sees only the pages an
 * array touches, but the heap is full when its regions are: a 1 MiB byte[] fills 2 MiB of a
 * heap under 4 GiB.
 */
import {
  G1_MAX_REGION_BYTES,
  G1_MIN_REGION_BYTES,
  G1_TARGET_REGIONS,
  JAVA_ARRAY_HEADER_BYTES,
} from "./constants";

/** G1's region size for a heap of `heapBytes` (-Xmx). */
export function g1RegionBytes(heapBytes: number): number {
  let region = G1_MIN_REGION_BYTES;
  while (region * 2 <= heapBytes / G1_TARGET_REGIONS && region < G1_MAX_REGION_BYTES) region *= 2;
  return region;
}

/** Heap a byte[] of `dataBytes` takes: whole regions when humongous, else its own size. */
export function byteArrayHeapBytes(dataBytes: number, heapBytes: number): number {
  const objectBytes = dataBytes + JAVA_ARRAY_HEADER_BYTES;
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
): number {
  const whole = Math.floor(bytes / chunkBytes);
  const rest = bytes - whole * chunkBytes;
  return (
    whole * byteArrayHeapBytes(chunkBytes, heapBytes) +
    (rest > 0 ? byteArrayHeapBytes(rest, heapBytes) : 0)
  );
}
