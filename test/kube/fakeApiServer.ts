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
  /**
   * Plays the operator for SparkApplications created through the server: given the posted
   * object, returns it as it should then be read back (with a status). Default: as posted.
   */
  readonly operate?: (posted: Record<string, unknown>) => Record<string, unknown>;
}

/** A running fake API server. */
export interface FakeApiServer {
  /** A KubeConfig pointing at it over plain HTTP, with no credentials. */
  readonly kubeConfig: KubeConfig;
  /** Every request's method and path with query string, in arrival order. */
  readonly requests: string[];
  /** Every request's body, in the same order ("" for none). */
  readonly bodies: string[];
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

function status(
  response: http.ServerResponse,
  code: number,
  reason: string,
  message: string,
): void {
  response.writeHead(code, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: code < 300 ? "Success" : "Failure",
      message,
      reason,
      code,
    }),
  );
}

function route(
  objects: FakeClusterObjects,
  apps: Map<string, Record<string, unknown>>,
  request: { method: string; url: URL; body: string },
  response: http.ServerResponse,
): void {
  const { url } = request;
  const path = url.pathname;
  if (
    /^\/apis\/sparkoperator\.k8s\.io\/v1beta2\/namespaces\/[^/]+\/sparkapplications$/.test(path) &&
    request.method === "POST"
  ) {
    const posted = JSON.parse(request.body) as Record<string, unknown>;
    const name = metadataOf(posted).name ?? "";
    if (apps.has(name)) {
      status(
        response,
        409,
        "AlreadyExists",
        `sparkapplications.sparkoperator.k8s.io "${name}" already exists`,
      );
      return;
    }
    const stored = objects.operate ? objects.operate(posted) : posted;
    apps.set(name, stored);
    response.writeHead(201, { "content-type": "application/json" });
    response.end(JSON.stringify(stored));
    return;
  }
  let match =
    /^\/apis\/sparkoperator\.k8s\.io\/v1beta2\/namespaces\/[^/]+\/sparkapplications\/([^/]+)$/.exec(
      path,
    );
  if (match) {
    const app = apps.get(match[1]);
    if (!app) {
      notFound(response, `sparkapplications.sparkoperator.k8s.io "${match[1]}" not found`);
    } else if (request.method === "DELETE") {
      apps.delete(match[1]);
      status(response, 200, "", `deleted ${match[1]}`);
    } else {
      json(response, app);
    }
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
  const bodies: string[] = [];
  const apps = new Map(objects.apps.map((app) => [metadataOf(app).name ?? "", app]));
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      bodies.push(body);
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      route(objects, apps, { method: request.method ?? "GET", url, body }, response);
    });
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
    bodies,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
