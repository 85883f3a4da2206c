import { KubeConfig } from "@kubernetes/client-node";
import { UsageError } from "../config/errors";

/** Where a kubeconfig's text came from, and which of its contexts to use. */
export interface KubeConfigSource {
  /** Named in errors: a file, or what handed the text over. */
  readonly source: string;
  /** The context to make current; the text's current one when absent. */
  readonly context?: string;
  /** The config key the context was given by, named when it is not in the text. */
  readonly contextKey?: string;
}

/**
 * The project's one way to turn kubeconfig text into an API client's config: parsed, with the
 * asked-for context current. Text that is not a kubeconfig, or lacks the context, is a
 * UsageError naming where it came from and what it has.
 */
export function loadKubeConfig(text: string, from: KubeConfigSource): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromString(text);
  } catch (error) {
    throw new UsageError(
      `${from.source}: not a kubeconfig (${(error as Error).message.split("\n")[0]})`,
    );
  }
  if (from.context) {
    const names = kubeConfig.getContexts().map((c) => c.name);
    if (!names.includes(from.context)) {
      const key = from.contextKey ? `${from.contextKey}: ` : "";
      throw new UsageError(
        `${key}no context "${from.context}" in ${from.source}; it has ${names.join(", ") || "none"}`,
      );
    }
    kubeConfig.setCurrentContext(from.context);
  }
  return kubeConfig;
}
