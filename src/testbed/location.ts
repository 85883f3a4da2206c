/** A zone is a region plus a one-letter suffix (`us-central1-a`); a region has none. */
export function isZone(location: string): boolean {
  return /-[a-z]$/.test(location);
}

/** The region a location lies in: Artifact Registry repositories are regional. */
export function regionOf(location: string): string {
  return isZone(location) ? location.replace(/-[a-z]$/, "") : location;
}
