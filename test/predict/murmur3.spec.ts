import { expect } from "chai";
import { hashLong, partitionOf, pmod } from "../../src/predict/murmur3";

describe("predict: Spark's hash partitioning of a BIGINT key", () => {
  it("matches Murmur3_x86_32.hashLong(key, 42) of Spark 4.0.4's spark-unsafe jar", () => {
    // Printed by the jar's own Murmur3_x86_32.hashLong on this machine.
    const vectors: Array<[number, number]> = [
      [0, -1670924195],
      [1, -1712319331],
      [2, -797927272],
      [3, 519220707],
      [42, 1316951768],
      [49_999, -1038912828],
      [2 ** 40, -1596767687], // a key with a non-zero high word
    ];
    for (const [key, hash] of vectors) expect(hashLong(key), `key ${key}`).to.equal(hash);
  });

  it("places a key with Pmod, the non-negative remainder", () => {
    expect(pmod(-7, 4)).to.equal(1);
    expect(pmod(7, 4)).to.equal(3);
    // -1670924195 % 4 = -3, + 4 = 1: the pilot's hottest key (0) lands in partition 1 of 4.
    expect(partitionOf(0, 4)).to.equal(1);
    // 519220707 % 4 = 3
    expect(partitionOf(3, 4)).to.equal(3);
  });

  it("refuses keys it cannot represent exactly", () => {
    expect(() => hashLong(-1)).to.throw(RangeError);
    expect(() => hashLong(0.5)).to.throw(RangeError);
  });
});
