import { expect } from "chai";
import { allocatableMemoryMiB, reservedMemoryMiB } from "../src/core/machineTypes";

describe("allocatable memory (GKE reservation rule)", () => {
  // Hand-computed: reserved = 25% of the first 4 GiB + 20% of the next 4 + 10% of the next 8
  // + 6% of the next 112 + 2% above 128 GiB; allocatable = memory - reserved - 100 MiB.
  const cases: Array<[string, number]> = [
    ["e2-medium", 4096 - 1024 - 100], // 4 GiB: 1024 reserved -> 2972
    ["e2-standard-2", 8192 - (1024 + 819.2) - 100], // 6248.8 -> 6248
    ["e2-highmem-2", 16384 - (1024 + 819.2 + 819.2) - 100], // 13621.6 -> 13621
    ["e2-highmem-4", 32768 - (1024 + 819.2 + 819.2 + 983.04) - 100], // 29022.56 -> 29022
    ["e2-highmem-16", 131072 - (1024 + 819.2 + 819.2 + 6881.28) - 100], // 121428.32
    ["n2-highmem-32", 262144 - (1024 + 819.2 + 819.2 + 6881.28 + 2621.44) - 100], // 249878.88
  ];
  for (const [machineType, expected] of cases) {
    it(`${machineType} leaves ${Math.floor(expected)} MiB for pods`, () => {
      expect(allocatableMemoryMiB(machineType)).to.equal(Math.floor(expected));
    });
  }

  it("reserves 25% of a node at or under 4 GiB", () => {
    expect(reservedMemoryMiB(2048)).to.equal(512);
  });

  it("rejects a machine type it does not know, naming it and the known ones", () => {
    expect(() => allocatableMemoryMiB("e2-huge-9")).to.throw(
      /unknown machine type "e2-huge-9".*e2-highmem-2/,
    );
  });
});
