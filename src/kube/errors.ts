/** The SparkApplication is not there: not created yet, or already deleted. */
export class SparkApplicationNotFoundError extends Error {
  constructor(
    /** The namespace looked in. */
    readonly namespace: string,
    /** The application's name. */
    readonly appName: string,
  ) {
    super(
      `SparkApplication ${namespace}/${appName} not found: it has not been created yet, ` +
        "or it was deleted (check the experiment stack and the operator's ttl)",
    );
    this.name = "SparkApplicationNotFoundError";
  }
}
