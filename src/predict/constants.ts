/**
 * Every number the predictor uses, each with where it comes from. Three kinds:
 *
 * - Spark: a default or a constant of Apache Spark 4.0 (the cluster image and the pinned
 *   pyspark are 4.0.4), named by the source file or the documented setting.
 * - Workload: a fact of workloads/join_workload.py (see workloads/README.md).
 * - Measured / assumed: measured on this machine, or an estimate; each says which, and the two
 *   that results can refit are marked "calibrated".
 */

import { BYTES_PER_GIB as GIB, BYTES_PER_MIB as MIB } from "../core/quantity";

// ---------------------------------------------------------------------------------------------
// Unified memory (core/src/main/scala/org/apache/spark/memory/UnifiedMemoryManager.scala)
// ---------------------------------------------------------------------------------------------

/** Spark: RESERVED_SYSTEM_MEMORY_BYTES, heap set aside before the unified pool is carved. */
export const RESERVED_SYSTEM_MEMORY_MIB = 300;

/** Spark: an executor needs at least 1.5 x the reserved memory (UnifiedMemoryManager.getMaxMemory). */
export { MIN_SPARK_HEAP_MIB as MIN_EXECUTOR_HEAP_MIB } from "../config/experiment";

/** Spark: spark.memory.fraction, the unified (execution + storage) share of heap - reserved. */
export const MEMORY_FRACTION = 0.6;

/**
 * Spark: spark.memory.storageFraction, the part of the unified pool execution cannot evict
 * cached blocks from. These joins cache nothing, so execution can take the whole pool; the
 * value is kept for the documentation and the pool arithmetic in the explanation.
 */
export const STORAGE_FRACTION = 0.5;

// ---------------------------------------------------------------------------------------------
// The hashed relation of a single BIGINT key: LongHashedRelation / LongToUnsafeRowMap
// (sql/core/src/main/scala/org/apache/spark/sql/execution/joins/HashedRelation.scala)
// ---------------------------------------------------------------------------------------------

/** Spark: each row in the map's page is followed by an 8-byte pointer to the key's next row. */
export const ROW_POINTER_BYTES = 8;

/** Spark: the page starts at 1 << 17 longs (1 MiB) and doubles (`grow`). */
export const PAGE_INITIAL_BYTES = 1 * MIB;

/**
 * Spark: the page cannot exceed 1 << 30 longs (8 GiB): "Can not build a HashedRelation that is
 * larger than 8G".
 */
export const PAGE_MAX_BYTES = 8 * GIB;

/**
 * Spark: a shuffled hash join builds with the default sizeEstimate 64, so the key array starts
 * at 2 x 64 longs and doubles whenever numKeys x 4 exceeds its length (`updateIndex`).
 */
export const SHJ_INITIAL_ARRAY_LONGS = 128;

/** Spark: the key array holds 4 longs per key before it grows (numKeys * 4 > array.length). */
export const ARRAY_LONGS_PER_KEY = 4;

/** Spark: `optimize()` turns the map dense when the key range is below this (or the array). */
export const DENSE_RANGE_FLOOR = 1024;

// ---------------------------------------------------------------------------------------------
// Broadcast (sql/core/.../exchange/BroadcastExchangeExec.scala, core/.../TorrentBroadcast.scala)
// ---------------------------------------------------------------------------------------------

/** Spark: MAX_BROADCAST_TABLE_ROWS, "Cannot broadcast the table over 512000000 rows". */
export const MAX_BROADCAST_TABLE_ROWS = 512_000_000;

/** Spark: MAX_BROADCAST_TABLE_BYTES (8L << 30), compared with the relation's estimatedSize. */
export const MAX_BROADCAST_TABLE_BYTES = 8 * GIB;

/**
 * Spark: spark.driver.maxResultSize default (1g). A broadcast first collects the build side's
 * rows to the driver as compressed task results, and a job whose results exceed this is
 * aborted ("Total size of serialized results … is bigger than spark.driver.maxResultSize").
 * Neither the cells nor the workload set it.
 */
export const DRIVER_MAX_RESULT_SIZE_BYTES = 1 * GIB;

// ---------------------------------------------------------------------------------------------
// A broadcast's build side, collected as task results (sql/core/.../SparkPlan.scala
// getByteArrayRdd, core/.../executor/Executor.scala TaskRunner.run, SerializerHelper.scala)
// ---------------------------------------------------------------------------------------------

/**
 * Spark: a collect task writes its partition's rows, LZ4-compressed, into a
 * ChunkedByteBufferOutputStream of 1 MiB chunks (getByteArrayRdd, `1024 * 1024` in the 4.0.4
 * bytecode), and SerializerHelper.serializeToChunkedBuffer serializes a result into chunks of
 * ChunkedByteBuffer.estimateBufferChunkSize = min(estimate, 1 MiB).
 */
export const TASK_RESULT_CHUNK_BYTES = 1 * MIB;

/**
 * Spark: copies of a collect task's rows its executor holds at once. TaskRunner.run keeps the
 * task's value (the chunks above), serializes it (`valueByteBuffer`), then serializes the
 * DirectTaskResult that wraps that copy (`serializedDirectResult`), all three live at once.
 * Measured here (G1 logs of the held-out 768 MiB broadcast cell, build side 0.4 x heap): with
 * two cores, the full collections before the OutOfMemoryError left 362 one-MiB chunks, more
 * than two copies of its two tasks (2 x 2 x 72) could hold, so the first copy stays reachable
 * while the third is written; with one core, 274 chunks were live at the fullest logged
 * collection, against 96 a copy.
 */
export const TASK_RESULT_COPIES = 3;

/** JVM: the header of a byte[] (compressed oops): a 1 MiB chunk is a 1,048,592-byte object. */
export const JAVA_ARRAY_HEADER_BYTES = 16;

/**
 * JDK 17 G1: the heap is cut into regions of heap / 2048, rounded down to a power of two, from
 * 1 MiB to 32 MiB (HeapRegion::setup_heap_region_size). An object of half a region or more is
 * humongous and takes whole regions of its own, so a 1 MiB chunk takes 2 MiB of a heap under
 * 4 GiB (seen in the logs above: each chunk at every other 1 MiB region).
 */
export const G1_TARGET_REGIONS = 2048;
export const G1_MIN_REGION_BYTES = 1 * MIB;
export const G1_MAX_REGION_BYTES = 32 * MIB;

/**
 * JDK 17: the JVM picks G1 only on a "server-class machine", 2 CPUs and 2 GiB - 256 MiB of
 * memory or more (os::is_server_class_machine, GCConfig::select_gc_ergonomically), else the
 * Serial collector; in a container the memory is its limit. Measured here: `java
 * -XX:+PrintFlagsFinal -version` in an 896 MiB memory cgroup prints UseSerialGC true, outside
 * it UseG1GC true. So an executor pod (or a pilot cgroup) under 1792 MiB runs Serial, whose
 * arrays take their own size, and the pilot's executors without limits, on a machine of 2 or
 * more CPUs and 2 GiB, run G1.
 */
export const SERVER_CLASS_MIN_MEMORY_MIB = 2048 - 256;

/**
 * Measured: heap an executor keeps live besides its tasks' results while it collects (Spark's
 * block manager, RPC and task state). G1 log of the 2-core held-out executor above, after the
 * full collections before its OutOfMemoryError: 23 old and 2 archive regions and 5 regions of
 * humongous objects that are not result chunks, 30 MiB.
 */
export const EXECUTOR_LIVE_HEAP_MIB = 30;

// ---------------------------------------------------------------------------------------------
// Adaptive query execution (sql/catalyst/.../internal/SQLConf.scala,
// sql/core/.../adaptive/OptimizeSkewedJoin.scala, ShufflePartitionsUtil.scala)
// ---------------------------------------------------------------------------------------------

/** Spark: spark.sql.adaptive.advisoryPartitionSizeInBytes (64MB = 64 MiB). */
export const ADVISORY_PARTITION_BYTES = 64 * MIB;

/** Spark: spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes (256MB). */
export const SKEWED_PARTITION_THRESHOLD_BYTES = 256 * MIB;

/** Spark: spark.sql.adaptive.skewJoin.skewedPartitionFactor (5.0 x the median). */
export const SKEWED_PARTITION_FACTOR = 5;

/** Spark: ShufflePartitionsUtil.SMALL_PARTITION_FACTOR, a split under 0.2 x target is merged. */
export const SMALL_PARTITION_FACTOR = 0.2;

/** Spark: ShufflePartitionsUtil.MERGED_PARTITION_FACTOR, two splits under 1.2 x target merge. */
export const MERGED_PARTITION_FACTOR = 1.2;

/** Spark: spark.sql.adaptive.coalescePartitions.minPartitionSize (1MB). */
export const COALESCE_MIN_PARTITION_BYTES = 1 * MIB;

/** Spark: Murmur3Hash's default seed, which HashPartitioning uses to place a key. */
export const HASH_PARTITIONING_SEED = 42;

/** Spark: spark.reducer.maxSizeInFlight (48m), Netty (direct, off-heap) fetch buffers per task. */
export const SHUFFLE_FETCH_IN_FLIGHT_MIB = 48;

// ---------------------------------------------------------------------------------------------
// Sort-merge join (sql/core/.../joins/SortMergeJoinExec.scala, ExternalAppendOnlyUnsafeRowArray)
// ---------------------------------------------------------------------------------------------

/**
 * Spark: spark.sql.sortMergeJoinExec.buffer.in.memory.threshold defaults to
 * ByteArrayMethods.MAX_ROUNDED_ARRAY_LENGTH (2147483632 rows) in Spark 4.0, so the join keeps
 * every buffered-side row of the current key as an on-heap copy, outside the memory manager,
 * and spills only past that many rows (Spark 4.1 adds a size threshold).
 */
export const SMJ_IN_MEMORY_BUFFER_ROWS = 2_147_483_632;

/**
 * JVM object layout (compressed oops, heaps under 32 GiB): one buffered row is an
 * `UnsafeRow.copy()`: a byte[] (16-byte header + the row) and an UnsafeRow object (40 bytes),
 * plus its slot in the ArrayBuffer (4 bytes, up to 8 with the buffer's doubling).
 */
export const SMJ_BUFFERED_ROW_OVERHEAD_BYTES = JAVA_ARRAY_HEADER_BYTES + 40 + 8;

// ---------------------------------------------------------------------------------------------
// Workload (workloads/join_workload.py, workloads/README.md)
// ---------------------------------------------------------------------------------------------

/** Workload: default payload length; a row is 24 + ceil(payload / 8) * 8 bytes (128). */
export const DEFAULT_PAYLOAD_BYTES = 104;

/** Workload: default input partitions are one per 128 MiB, at least the default parallelism. */
export const INPUT_PARTITION_BYTES = 128 * MIB;

/** Workload: a key's rows are generated in chunks of at most this many rows, spread round-robin. */
export const CHUNK_ROWS = 10_000;

/** Workload: the `compressible` payload is 8 random characters padded with '.'. */
export const COMPRESSIBLE_RANDOM_CHARS = 8;

// ---------------------------------------------------------------------------------------------
// Measured here, or assumed
// ---------------------------------------------------------------------------------------------

/**
 * Measured: LZ4 (lz4-java 1.8.0 from pyspark 4.0.4, LZ4BlockOutputStream with 32 KiB blocks and
 * the fast compressor, as Spark's LZ4CompressionCodec) on 200,000 rows laid out as the
 * relation's page (null bits, key, offset/length, payload, next pointer: 136 bytes a row)
 * compressed to 0.881 of the bytes with random payloads and 0.180 with compressible ones, i.e.
 * each row keeps its random characters plus about 16 bytes of its 32 structure bytes
 * ((104 + 16) / 136 = 0.882, (8 + 16) / 136 = 0.176). The same estimate sizes the serialized
 * broadcast pieces and the map output AQE reads.
 */
export const LZ4_KEPT_STRUCTURE_BYTES = 16;

/**
 * Measured: the build side as collect tasks send it (getByteArrayRdd: a 4-byte length and the
 * row, 132 bytes, LZ4'd), which has no page pointer to keep. Executors logged "N bytes result
 * sent via BlockManager" of 110.5 bytes a row for random 104-character payloads (700,449-,
 * 734,003- and 471,860-row partitions: 110.52, 110.52, 110.36), i.e. the random characters
 * plus 6.5 bytes.
 */
export const LZ4_KEPT_COLLECTED_STRUCTURE_BYTES = 6.5;

/** Spark: getByteArrayRdd writes each collected row's length as an int before it. */
export const COLLECTED_ROW_LENGTH_BYTES = 4;

/**
 * Calibrated (default). Driver heap a broadcast needs per byte of build side, on top of the
 * reserved 300 MiB: the driver holds the collected rows, builds the relation in a page that
 * doubles (old and new page live together), then serializes it into pieces. Measured here:
 * building a 1 GiB relation needed roughly 6 GiB of driver heap (workloads/README.md), i.e.
 * (6144 - 300) / 1024 = 5.7 at most; the pilot's 512 MiB broadcasts were built by a 3 GiB
 * driver (they failed later, on the executors), i.e. at most (3072 - 300) / 512 = 5.4. The
 * default 5 is below both; `calibrate` refits it.
 */
export const DEFAULT_DRIVER_BUILD_FACTOR = 5;

/**
 * Calibrated (default). Executor heap that Spark's own objects and the garbage collector keep
 * from on-heap data Spark does not account (a broadcast relation and its pieces, a sort-merge
 * key buffer): block manager and RPC state, task bookkeeping, G1's whole-region rounding of
 * humongous arrays (a relation's 4 MiB pieces take five 1 MiB regions; the collect's chunks are
 * counted on their own, with EXECUTOR_LIVE_HEAP_MIB). Assumed, not a Spark constant. Spark
 * budgets 300 MiB for it (the reserved memory), but that is a sizing rule: the pilot's
 * broadcast 0.25 cells held 136 MiB of relation plus 120 MiB of pieces in a 512 MiB heap,
 * leaving at most 255 MiB, and its sort-merge skew 1.2 cell buffered 153 MiB of one key beside
 * a full 127 MiB execution pool, leaving at most 232 MiB. 128 MiB is a round value below both;
 * `calibrate` refits it.
 */
export const DEFAULT_EXECUTOR_HEAP_BASELINE_MIB = 128;

/**
 * Assumed, and consistent with what pods and the pilot's memory cgroups showed (src/predict/
 * README.md, "Pod limit"). Native memory of an executor JVM besides the heap: metaspace, code
 * cache, thread stacks, symbol tables and Netty's pooled arenas. Spark's own overhead rule
 * (max(384 MiB, 10 % of heap), "VM overheads, interned strings, other native overheads") is
 * meant to cover it.
 */
export const JVM_NATIVE_BASE_MIB = 192;

/**
 * Assumed: native memory of the G1 collector per byte of heap. JDK 17 keeps two marking
 * bitmaps of 1/64 of the heap each, plus card table and remembered sets.
 */
export const GC_NATIVE_FRACTION = 1 / 32;

/**
 * JVM: the Serial collector's old generation is 2/3 of the heap (NewRatio 2). Measured here: a
 * 512 MiB executor under -XX:+UseSerialGC logged "tenured generation total 349568K". A
 * rebuilt relation's page, larger than the young generation, is allocated there, beside the
 * fetched pieces, promoted there while the relation is read: the 0.32 x heap broadcast's
 * executor held 186,281K in it (its 153.6 MiB of pieces and 28 MiB of its own) when the page
 * did not fit.
 */
export const SERIAL_OLD_GENERATION_FRACTION = 2 / 3;

/**
 * Chosen: the headroom `recommendExecutorMemory` keeps on every executor-side constraint, as a
 * margin in doublings: 0.25 = capacity at least 2^0.25 = 1.19 x the demand. It is above the
 * 10 % precision of the map-output sizes AQE decides on, and below the smallest margin of a
 * pilot cell that succeeded (shuffle hash 0.25 with skew 1.2: 0.40).
 */
export const SAFE_MARGIN = 0.25;

// ---------------------------------------------------------------------------------------------
// Lost executors (core/.../scheduler/TaskSetManager.scala: a lost executor's tasks are retried)
// ---------------------------------------------------------------------------------------------

/**
 * The lowest margin (log2 capacity / demand) at which an executor lost to a constraint can be
 * replaced by one that completes. Spark replaces a lost executor and retries its tasks; the
 * replacement meets the same demand, so whether it gets through is timing (what the JVM holds
 * when the demand peaks), not size — within a factor of two. Measured on the pilot's 64 MiB
 * overhead broadcasts (test/fixtures/predict/builtin-search): at -0.48 the first executors
 * were killed three times and the cell completed on replacements; at -1.46 and -1.70 every
 * replacement was killed too.
 */
export const REPLACEMENT_MARGIN_FLOOR = -1;
