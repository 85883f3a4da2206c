import { expect } from "chai";
import {
  byteArrayHeapBytes,
  chunkedBufferHeapBytes,
  ergonomicCollector,
  g1RegionBytes,
} from "../../src/predict/heapRegions";
import { GIB, MIB } from "./helpers";

describe("predict: G1 heap regions (JDK 17)", () => {
  it("sizes regions as heap / 2048 rounded down to a power of two, 1 to 32 MiB", () => {
    expect(g1RegionBytes(512 * MIB)).to.equal(1 * MIB);
    expect(g1RegionBytes(768 * MIB)).to.equal(1 * MIB); // "Heap Region Size: 1M" in the GC log
    expect(g1RegionBytes(4 * GIB - 1)).to.equal(1 * MIB);
    expect(g1RegionBytes(4 * GIB)).to.equal(2 * MIB);
    expect(g1RegionBytes(12 * GIB)).to.equal(4 * MIB);
    expect(g1RegionBytes(1024 * GIB)).to.equal(32 * MIB);
  });

  it("gives a humongous array whole regions and a small one its own size", () => {
    // A 1 MiB chunk is a 1,048,592-byte object: two 1 MiB regions, one 2 MiB region, and
    // under half of a 4 MiB region, where it is an ordinary object.
    expect(byteArrayHeapBytes(MIB, 768 * MIB)).to.equal(2 * MIB);
    expect(byteArrayHeapBytes(MIB, 6 * GIB)).to.equal(2 * MIB);
    expect(byteArrayHeapBytes(MIB, 12 * GIB)).to.equal(MIB + 16);
    // A 4 MiB broadcast piece takes five 1 MiB regions.
    expect(byteArrayHeapBytes(4 * MIB, 768 * MIB)).to.equal(5 * MIB);
  });

  it("counts a chunked buffer's whole chunks and its trimmed last one", () => {
    // 82.65 MiB of task result (the built-in probe at 0.374): 82 chunks of two regions, and a
    // last one of 0.65 MiB, humongous in one region.
    expect(chunkedBufferHeapBytes(86_665_371, MIB, 512 * MIB)).to.equal(82 * 2 * MIB + MIB);
    // A 48-byte remainder is an ordinary 64-byte object.
    expect(chunkedBufferHeapBytes(72 * MIB + 48, MIB, 768 * MIB)).to.equal(144 * MIB + 64);
    expect(chunkedBufferHeapBytes(60 * MIB, MIB, 512 * MIB)).to.equal(120 * MIB);
  });

  it("picks Serial in a pod or cgroup under 1792 MiB, as JDK 17 does, and G1 elsewhere", () => {
    // Measured: java -XX:+PrintFlagsFinal in an 896 MiB memory cgroup: UseSerialGC true.
    expect(ergonomicCollector(896)).to.equal("Serial");
    expect(ergonomicCollector(1791)).to.equal("Serial");
    expect(ergonomicCollector(1792)).to.equal("G1");
    expect(ergonomicCollector(null)).to.equal("G1"); // no limit: the machine's memory
    // Serial has no regions: a 1 MiB chunk is its own size.
    expect(byteArrayHeapBytes(MIB, 512 * MIB, "Serial")).to.equal(MIB + 16);
    expect(chunkedBufferHeapBytes(60 * MIB, MIB, 512 * MIB, "Serial")).to.equal(60 * (MIB + 16));
  });
});
