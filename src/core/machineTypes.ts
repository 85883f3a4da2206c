/**
 * The GCE machine types a node pool may use, and what GKE leaves of their memory for pods.
 *
 * Memory is the nominal size from the GCE machine-type tables; an unknown type is a config
 * error rather than a guess, because every cell's pool placement is derived from it.
 */

import { MIB_PER_GIB } from "./quantity";

/** Nominal shape of a GCE machine type. */
export interface MachineShape {
  /** Virtual CPUs. */
  readonly vcpus: number;
  /** Nominal memory in MiB. */
  readonly memoryMiB: number;
  /** Approximate on-demand price per node-hour in USD (us-central1), for cost estimates only. */
  readonly usdPerHour: number;
}

/**
 * Machine types → shape. Prices: GCE on-demand list prices for us-central1 (vCPU + memory),
 * rounded to the cent; other regions differ by a few percent and spot is far cheaper, so
 * estimates built on them are an order of magnitude, not a bill.
 */
export const MACHINE_TYPES: Readonly<Record<string, MachineShape>> = {
  "e2-medium": { vcpus: 2, memoryMiB: 4 * MIB_PER_GIB, usdPerHour: 0.03 },
  "e2-standard-2": { vcpus: 2, memoryMiB: 8 * MIB_PER_GIB, usdPerHour: 0.07 },
  "e2-standard-4": { vcpus: 4, memoryMiB: 16 * MIB_PER_GIB, usdPerHour: 0.13 },
  "e2-standard-8": { vcpus: 8, memoryMiB: 32 * MIB_PER_GIB, usdPerHour: 0.27 },
  "e2-standard-16": { vcpus: 16, memoryMiB: 64 * MIB_PER_GIB, usdPerHour: 0.54 },
  "e2-highmem-2": { vcpus: 2, memoryMiB: 16 * MIB_PER_GIB, usdPerHour: 0.09 },
  "e2-highmem-4": { vcpus: 4, memoryMiB: 32 * MIB_PER_GIB, usdPerHour: 0.18 },
  "e2-highmem-8": { vcpus: 8, memoryMiB: 64 * MIB_PER_GIB, usdPerHour: 0.36 },
  "e2-highmem-16": { vcpus: 16, memoryMiB: 128 * MIB_PER_GIB, usdPerHour: 0.72 },
  "n2-standard-2": { vcpus: 2, memoryMiB: 8 * MIB_PER_GIB, usdPerHour: 0.1 },
  "n2-standard-4": { vcpus: 4, memoryMiB: 16 * MIB_PER_GIB, usdPerHour: 0.19 },
  "n2-standard-8": { vcpus: 8, memoryMiB: 32 * MIB_PER_GIB, usdPerHour: 0.39 },
  "n2-highmem-2": { vcpus: 2, memoryMiB: 16 * MIB_PER_GIB, usdPerHour: 0.13 },
  "n2-highmem-4": { vcpus: 4, memoryMiB: 32 * MIB_PER_GIB, usdPerHour: 0.26 },
  "n2-highmem-8": { vcpus: 8, memoryMiB: 64 * MIB_PER_GIB, usdPerHour: 0.52 },
  "n2-highmem-16": { vcpus: 16, memoryMiB: 128 * MIB_PER_GIB, usdPerHour: 1.05 },
  "n2-highmem-32": { vcpus: 32, memoryMiB: 256 * MIB_PER_GIB, usdPerHour: 2.1 },
};

/** The machine type names, sorted, for error messages and schemas. */
export const MACHINE_TYPE_NAMES: readonly string[] = Object.keys(MACHINE_TYPES).sort();

/** Memory GKE holds back as the kubelet's hard eviction threshold, on every node. */
export const EVICTION_THRESHOLD_MIB = 100;

/**
 * GKE's memory reservation for system daemons, as tiers of the machine's memory: 25 % of the
 * first 4 GiB, 20 % of the next 4 GiB, 10 % of the next 8 GiB, 6 % of the next 112 GiB and
 * 2 % of anything above 128 GiB (GKE docs, "Node allocatable resources", Standard clusters).
 */
const RESERVATION_TIERS: ReadonlyArray<{ readonly sizeMiB: number; readonly fraction: number }> = [
  { sizeMiB: 4 * MIB_PER_GIB, fraction: 0.25 },
  { sizeMiB: 4 * MIB_PER_GIB, fraction: 0.2 },
  { sizeMiB: 8 * MIB_PER_GIB, fraction: 0.1 },
  { sizeMiB: 112 * MIB_PER_GIB, fraction: 0.06 },
  { sizeMiB: Number.POSITIVE_INFINITY, fraction: 0.02 },
];

/** Memory GKE reserves on a node of the given size, eviction threshold excluded, in MiB. */
export function reservedMemoryMiB(memoryMiB: number): number {
  let remaining = memoryMiB;
  let reserved = 0;
  for (const tier of RESERVATION_TIERS) {
    const inTier = Math.min(remaining, tier.sizeMiB);
    reserved += inTier * tier.fraction;
    remaining -= inTier;
    if (remaining <= 0) break;
  }
  return reserved;
}

/**
 * Memory left for pods on one node of the given machine type, in whole MiB (rounded down, as
 * a pod that needs the last fraction would not be scheduled). The single source of this fact:
 * pool outputs, cell placement and `plan` all read it from here.
 */
export function allocatableMemoryMiB(machineType: string): number {
  const shape = MACHINE_TYPES[machineType];
  if (!shape) {
    throw new Error(
      `unknown machine type "${machineType}"; known: ${MACHINE_TYPE_NAMES.join(", ")}`,
    );
  }
  return Math.floor(shape.memoryMiB - reservedMemoryMiB(shape.memoryMiB) - EVICTION_THRESHOLD_MIB);
}
