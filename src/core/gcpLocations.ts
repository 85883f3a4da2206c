/**
 * The GCP regions and zones a testbed may use. A location outside this table is a config error
 * with the closest known names, caught offline by `plan` instead of by `pulumi up` minutes in.
 *
 * From the Compute Engine "Regions and zones" table (cloud.google.com/compute/docs/regions-zones)
 * as of 2025. A region Google opens later is one line here.
 */

/** Region -> the letters of its zones (`us-central1-a` is zone "a" of us-central1). */
export const GCP_REGION_ZONES: Readonly<Record<string, string>> = {
  "africa-south1": "abc",
  "asia-east1": "abc",
  "asia-east2": "abc",
  "asia-northeast1": "abc",
  "asia-northeast2": "abc",
  "asia-northeast3": "abc",
  "asia-south1": "abc",
  "asia-south2": "abc",
  "asia-southeast1": "abc",
  "asia-southeast2": "abc",
  "australia-southeast1": "abc",
  "australia-southeast2": "abc",
  "europe-central2": "abc",
  "europe-north1": "abc",
  "europe-north2": "abc",
  "europe-southwest1": "abc",
  "europe-west1": "bcd",
  "europe-west2": "abc",
  "europe-west3": "abc",
  "europe-west4": "abc",
  "europe-west6": "abc",
  "europe-west8": "abc",
  "europe-west9": "abc",
  "europe-west10": "abc",
  "europe-west12": "abc",
  "me-central1": "abc",
  "me-central2": "abc",
  "me-west1": "abc",
  "northamerica-northeast1": "abc",
  "northamerica-northeast2": "abc",
  "northamerica-south1": "abc",
  "southamerica-east1": "abc",
  "southamerica-west1": "abc",
  "us-central1": "abcf",
  "us-east1": "bcd",
  "us-east4": "abc",
  "us-east5": "abc",
  "us-south1": "abc",
  "us-west1": "abc",
  "us-west2": "abc",
  "us-west3": "abc",
  "us-west4": "abc",
};

/** Every known region and zone, sorted. */
export const GCP_LOCATIONS: readonly string[] = Object.entries(GCP_REGION_ZONES)
  .flatMap(([region, zones]) => [region, ...[...zones].map((zone) => `${region}-${zone}`)])
  .sort();

/** True if `location` is a region or zone of the table. */
export function isKnownLocation(location: string): boolean {
  return GCP_LOCATIONS.includes(location);
}

/** Edits (insert, delete, replace one character) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, replace));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known locations nearest to `location` by edit distance, nearest first (ties in name
 * order): what a typo such as `us-centrall1` most likely meant.
 */
export function closestLocations(location: string, count = 3): string[] {
  return GCP_LOCATIONS.map((known) => ({ known, distance: editDistance(location, known) }))
    .sort((x, y) => x.distance - y.distance || x.known.localeCompare(y.known))
    .slice(0, count)
    .map((x) => x.known);
}
