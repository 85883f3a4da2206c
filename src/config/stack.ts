import { z } from "zod";
import { experimentSchema } from "./experiment";
import { strictObject } from "./schemaHelpers";
import { testbedShape } from "./testbed";

/** Every key of a stack's config: the testbed's, plus an optional experiment. */
export const stackShape = {
  ...testbedShape,
  experiment: experimentSchema.optional(),
};

/** A whole stack config. */
export const stackSchema = strictObject(stackShape).refine(
  (c) => c.operatorNamespace !== c.jobNamespace,
  { error: "the operator and the jobs need namespaces of their own", path: ["jobNamespace"] },
);

/** A validated stack config, defaults filled in. */
export type StackConfig = z.infer<typeof stackSchema>;
