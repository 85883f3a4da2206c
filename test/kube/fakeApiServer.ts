import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

/** The objects one fake API server holds, as the real one would return them. */
export interface FakeClusterObjects {
  /** SparkApplications by name. */
  readonly apps: readonly Record<string, unknown>[];
  /** Pods in the namespace. */
  readonly pods: readonly Record<string, unknown>[];
  /** Events in the namespace. */
  readonly events: readonly Record<string, unknown>[];
  /** Container logs by pod name. */
  readonly logs: Readonly<Record<string, string>>;
}

/** A running fake API server. */
export interface FakeApiServer {
  /** A KubeConfig pointing at it over plain HTTP, with no credentials. */
  readonly kubeConfig: KubeConfig;
  /** Every request's method and path with query string, in arrival order. */
  readonly requests: string[];
  /** Stops it. */
  close(): Promise<void>;
}

type Metadata = { name?: string; labels?: Record<string, string> };
const metadataOf = (object: Record<string, unknown>) => (object.metadata ?? {}) as Metadata;

function notFound(response: http.ServerResponse, message: string): void {
  response.writeHead(404, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason: "NotFound",
      code: 404,
    }),
  );
}

function json(response: http.ServerResponse, body: unknown): void {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** Only equality selectors ("a=b,c=d"): all this project sends. */
function matchesSelector(
  values: Record<string, string | undefined>,
  selector: string | null,
): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    return values[key] === value;
  });
}

function route(objects: FakeClusterObjects, url: URL, response: http.ServerResponse): void {
  const path = url.pathname;
  let match =
    /^\/apis\/sparkoperator\.k8s\.io\/v1beta2\/namespaces\/[^/]+\/sparkapplications\/([^/]+)$/.exec(
      path,
    );
  if (match) {
    const app = objects.apps.find((a) => metadataOf(a).name === match?.[1]);
    if (app) json(response, app);
    else notFound(response, `sparkapplications.sparkoperator.k8s.io "${match[1]}" not found`);
    return;
  }
  if (/^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(path)) {
    const selector = url.searchParams.get("labelSelector");
    const items = objects.pods.filter((p) => matchesSelector(metadataOf(p).labels ?? {}, selector));
    json(response, {
      apiVersion: "v1",
      kind: "PodList",
      metadata: { resourceVersion: "49000" },
      items,
    });
    return;
  }
  if (/^\/api\/v1\/namespaces\/[^/]+\/events$/.test(path)) {
    const selector = url.searchParams.get("fieldSelector");
    const items = objects.events.filter((e) => {
      const involved = (e.involvedObject ?? {}) as { name?: string };
      return matchesSelector({ "involvedObject.name": involved.name }, selector);
    });
    json(response, {
      apiVersion: "v1",
      kind: "EventList",
      metadata: { resourceVersion: "49000" },
      items,
    });
    return;
  }
  match = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)\/log$/.exec(path);
  if (match) {
    const log = objects.logs[match[1]];
    if (log === undefined) {
      notFound(response, `pods "${match[1]}" not found`);
      return;
    }
    const tail = Number(url.searchParams.get("tailLines") ?? "0");
    const lines = log.split("\n");
    const kept = tail > 0 ? lines.slice(Math.max(0, lines.length - 1 - tail)) : lines;
    response.writeHead(200, { "content-type": "text/plain" });
    response.end(kept.join("\n"));
    return;
  }
  notFound(response, `no route for ${path}`);
}

/** Starts a fake Kubernetes API server on 127.0.0.1 at a free port, serving `objects`. */
export async function startFakeApiServer(objects: FakeClusterObjects): Promise<FakeApiServer> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    route(objects, new URL(request.url ?? "/", "http://127.0.0.1"), response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "fake", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "nobody" }],
    contexts: [{ name: "fake", cluster: "fake", user: "nobody" }],
    currentContext: "fake",
  });

  return {
    kubeConfig,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
