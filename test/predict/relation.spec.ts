import { expect } from "chai";
import {
  broadcastRelation,
  collectedRowBytes,
  compressedRowBytes,
  pageCapacityBytes,
  rowBytesFor,
  shuffledHashRelationPeak,
} from "../../src/predict/relation";
import { GIB, MIB, pilotRecord } from "./helpers";

describe("predict: hashed relation sizes (LongToUnsafeRowMap)", () => {
  it("sizes rows as the workload does: 24 + ceil(payload / 8) * 8", () => {
    expect(rowBytesFor(104)).to.equal(128);
    expect(rowBytesFor(0)).to.equal(24);
    expect(rowBytesFor(13)).to.equal(40);
  });

  it("estimates LZ4 as the measured ratios: random 120 of 136 bytes, compressible 24", () => {
    // 104 random characters + 16 structure bytes, of 128 + 8 (row + next pointer)
    expect(compressedRowBytes(104, "random")).to.equal(120);
    expect(120 / 136).to.be.closeTo(0.881, 0.002); // measured: 0.881
    // 8 random characters + 16
    expect(compressedRowBytes(104, "compressible")).to.equal(24);
    expect(24 / 136).to.be.closeTo(0.18, 0.005); // measured: 0.180
    // Never more than the raw bytes.
    expect(compressedRowBytes(0, "random")).to.equal(16);
  });

  it("sizes a collected row without the page's pointer: random characters + 6.5 bytes", () => {
    // Measured: executors sent 110.52 bytes a row of task result for 104-character payloads.
    expect(collectedRowBytes(104, "random")).to.equal(110.5);
    expect(collectedRowBytes(104, "compressible")).to.equal(14.5);
    expect(collectedRowBytes(0, "random")).to.equal(6.5);
  });

  it("doubles the page from 1 MiB, at most 8 GiB", () => {
    expect(pageCapacityBytes(100)).to.equal(1 * MIB);
    expect(pageCapacityBytes(34 * MIB)).to.equal(64 * MIB);
    expect(pageCapacityBytes(64 * MIB)).to.equal(64 * MIB);
    expect(pageCapacityBytes(64 * MIB + 1)).to.equal(128 * MIB);
    expect(pageCapacityBytes(4.1 * GIB)).to.equal(8 * GIB);
    expect(pageCapacityBytes(9 * GIB)).to.equal(8 * GIB);
  });

  it("sizes the pilot's broadcast relation exactly as BroadcastHashJoin reported it", () => {
    // 128 MiB build / 128-byte rows = 1,048,576 rows; page = rows x (128 + 8) = 142,606,336;
    // 50,000 keys: range 49,999 < 2 x 2^20 sparse slots, so the array goes dense: 8 x 50,000.
    // 142,606,336 + 400,000 = 143,006,336 bytes: the pilot's peakExecutionMemoryBytes.
    const relation = broadcastRelation(1_048_576, 50_000, 104, "random");
    expect(relation.usedBytes).to.equal(142_606_336);
    expect(relation.dense).to.equal(true);
    expect(relation.indexBytes).to.equal(400_000);
    expect(relation.relationBytes).to.equal(143_006_336);
    const workload = pilotRecord("m512m-bhj-r0p25-s0-aqe-1").workload as {
      metrics: { peakExecutionMemoryBytes: number };
    };
    expect(relation.relationBytes).to.equal(workload.metrics.peakExecutionMemoryBytes);
    // Pieces: 1,048,576 x 120 + 400,000 = 126,229,120. Driver estimatedSize: the page doubled
    // to 256 MiB (136 MiB used) + the dense array.
    expect(relation.piecesBytes).to.equal(126_229_120);
    expect(relation.driverEstimatedBytes).to.equal(256 * MIB + 400_000);
  });

  it("keeps the key array sparse when the key range is wide against the rows", () => {
    // 1,000 rows over 10,000 keys: 1,024 slots, 2,048 longs; range 9,999 is neither below
    // 2,048 nor below 1,024, so the array stays sparse: 16 x 1,024 bytes.
    const relation = broadcastRelation(1_000, 10_000, 104, "random");
    expect(relation.dense).to.equal(false);
    expect(relation.indexBytes).to.equal(16 * 1024);
  });

  it("asks for 1.5 x the final page + the array when a shuffled hash join builds", () => {
    // 262,144 rows (32 MiB at 128 B): page rows x 136 = 34 MiB -> 64 MiB; 12,500 keys x 4 =
    // 50,000 longs -> 65,536 longs = 512 KiB. Last page doubling holds 32 MiB and asks for
    // 64 MiB: 96 MiB + 0.5 MiB.
    const peak = shuffledHashRelationPeak(262_144, 12_500, 104);
    expect(peak.usedBytes).to.equal(34 * MIB);
    expect(peak.pageBytes).to.equal(64 * MIB);
    expect(peak.arrayBytes).to.equal(512 * 1024);
    expect(peak.peakBytes).to.equal(96 * MIB + 512 * 1024);
    expect(peak.overPageLimit).to.equal(false);
    // A tiny build never grows: 1 MiB page + the initial 128-long array.
    expect(shuffledHashRelationPeak(10, 10, 104).peakBytes).to.equal(MIB + 1024);
  });
});
