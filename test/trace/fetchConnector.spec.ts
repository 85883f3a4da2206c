/**
 * The driver's init container script, run for real with Python against a stand-in metadata
 * server and Maven repository on loopback: it asks for the pod's token and fetches the jar
 * with it. (On GKE these are the metadata server and Artifact Registry.)
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { FETCH_CONNECTOR_SCRIPT } from "../../src/spark/eventLogStorage";

describe("fetching the Cloud Storage connector in the driver's init container", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "connector-"));
  const jar = Buffer.from("PK\u0003\u0004 a jar's bytes");
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((request, response) => {
    seen.push({ url: request.url ?? "", headers: request.headers });
    if (request.url === "/computeMetadata/v1/instance/service-accounts/default/token") {
      if (request.headers["metadata-flavor"] !== "Google")
        return void response.writeHead(403).end();
      response.setHeader("content-type", "application/json");
      return void response.end(JSON.stringify({ access_token: "ya29.token", expires_in: 3599 }));
    }
    if (request.url === "/repo/gcs-connector.jar") {
      if (request.headers.authorization !== "Bearer ya29.token") {
        return void response.writeHead(401).end();
      }
      return void response.end(jar);
    }
    response.writeHead(404).end();
  });
  let base = "";

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the script as the init container would (async: the stand-in server shares this process). */
  const run = (jarPath: string) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn("python3", ["-c", FETCH_CONNECTOR_SCRIPT], {
        env: {
          PATH: process.env.PATH,
          GCE_METADATA_HOST: base,
          CONNECTOR_URL: `http://${base}${jarPath}`,
          CONNECTOR_JAR: path.join(dir, "gcs-connector.jar"),
        },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });

  it("gets a token from the metadata server and downloads the jar with it", async () => {
    const done = await run("/repo/gcs-connector.jar");
    expect(done.status, done.stderr).to.equal(0);
    expect(fs.readFileSync(path.join(dir, "gcs-connector.jar"))).to.deep.equal(jar);
    expect(seen.map((s) => s.url)).to.deep.equal([
      "/computeMetadata/v1/instance/service-accounts/default/token",
      "/repo/gcs-connector.jar",
    ]);
    expect(done.stdout.trim()).to.equal(
      `fetched http://${base}/repo/gcs-connector.jar ${jar.length} bytes`,
    );
  });

  it("fails the pod (non-zero exit, the HTTP error) when the jar cannot be fetched", async () => {
    fs.rmSync(path.join(dir, "gcs-connector.jar"), { force: true });
    const done = await run("/repo/missing.jar");
    expect(done.status).to.not.equal(0);
    expect(done.stderr).to.include("HTTP Error 404");
    expect(fs.existsSync(path.join(dir, "gcs-connector.jar"))).to.equal(false);
  });
});
