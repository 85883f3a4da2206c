import { z } from "zod";

/**
 * An object schema that rejects keys it does not declare and says which ones it allows: a
 * misspelt key (`experimentPool`) must fail loudly, not be silently ignored.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const allowed = Object.keys(shape).sort().join(", ");
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") return `allowed keys: ${allowed}`;
      if (issue.code === "invalid_type") return `a mapping with the keys ${allowed}`;
      return undefined;
    },
  });
}

/** A Kubernetes label value / DNS-1123 label: lowercase alphanumerics and '-', at most 63. */
export const dnsLabel = (what: string, maxLength = 63) =>
  z
    .string({ error: `${what}: a string is required` })
    .max(maxLength, `${what}: at most ${maxLength} characters`)
    .regex(
      /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
      `${what}: lowercase letters, digits and '-', starting with a letter and not ending with '-'`,
    );

/** An IPv4 CIDR block such as `10.0.0.0/8`. */
export const ipv4Cidr = z
  .string()
  .regex(
    /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$/,
    "an IPv4 CIDR block such as 203.0.113.0/24",
  );

/** A whole number of nodes, zero or more. */
export const nodeCount = (what: string) =>
  z
    .number({ error: `${what}: a whole number of nodes (0 or more) is required` })
    .int(`${what}: a whole number of nodes (0 or more)`)
    .min(0, `${what}: a whole number of nodes (0 or more)`)
    .max(1000, `${what}: at most 1000 nodes`);
