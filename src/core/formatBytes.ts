import { BYTES_PER_GIB as GIB, BYTES_PER_MIB as MIB } from "./quantity";

/** Bytes for people: "136.4 MiB", "4.25 GiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const sign = bytes < 0 ? "-" : "";
  const b = Math.abs(bytes);
  return b >= GIB ? `${sign}${(b / GIB).toFixed(2)} GiB` : `${sign}${(b / MIB).toFixed(1)} MiB`;
}
