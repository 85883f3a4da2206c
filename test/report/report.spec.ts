import { expect } from "chai";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { UsageError } from "../../src/config/errors";
import { FAILURE_CLASSES } from "../../src/failure/failureClass";
import { historyLinksFor } from "../../src/report/detectHistoryServer";
import { parseResults, readResultsFile } from "../../src/report/loadResults";
import { historyLink } from "../../src/report/measuredTable";
import { writeReport } from "../../src/report/writeReport";
import type { CellResult } from "../../src/results/cellResult";
import { sampleRecord } from "../helpers/sampleRecord";

/** Twelve real pilot records (local-cluster, Spark 4.0.4), as the pilot wrote them. */
const PILOT_RESULTS = path.resolve(__dirname, "..", "predict", "fixtures", "pilot-results.jsonl");

/** One record of every failure class, spread over the three strategies. */
function everyClass(): CellResult[] {
  const strategies = ["broadcast", "shuffle_hash", "sort_merge"] as const;
  return FAILURE_CLASSES.map((failureClass, i) =>
    sampleRecord(`c${i}`, {
      failureClass,
      state:
        failureClass === "none" ? "COMPLETED" : failureClass === "timeout" ? "TIMEOUT" : "FAILED",
      runner: "kubernetes",
      parameters: {
        ...sampleRecord("x").parameters,
        strategy: strategies[i % 3],
        tableRatio: 0.25 * (i + 1),
      },
    }),
  );
}

describe("report", function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reports on real pilot results: every file, the summary and the predictor's accuracy", async () => {
    const records = readResultsFile(PILOT_RESULTS);
    const report = await writeReport(records, path.join(dir, "pilot"), "pilot");
    expect(fs.readdirSync(path.join(dir, "pilot")).sort()).to.deep.equal(
      [
        "failure-map-broadcast.png",
        "failure-map-broadcast.svg",
        "failure-map-shuffle_hash.png",
        "failure-map-shuffle_hash.svg",
        "failure-map-sort_merge.png",
        "failure-map-sort_merge.svg",
        "index.html",
        "predicted-vs-observed.png",
        "predicted-vs-observed.svg",
        "results.csv",
      ].sort(),
    );
    const csv = fs
      .readFileSync(path.join(dir, "pilot", "results.csv"), "utf8")
      .trim()
      .split("\n");
    expect(csv).to.have.length(13);
    expect(csv[0]).to.match(
      /^cell,experiment,runner,executorMemory,tableRatio,scaleFactor,strategy/,
    );
    expect(report.summary).to.include(
      "broadcast with 512m executors, skew 0: first fails at ratio 1 (executor_jvm_oom), last passes at 0.25",
    );
    expect(report.summary).to.include(
      "sort_merge with 512m executors, skew 1.2: no failure up to ratio 1",
    );
    expect(report.accuracy.outcomeAccuracy).to.equal(1);
    expect(report.accuracy.classAccuracy).to.equal(1);
    const png = fs.readFileSync(path.join(dir, "pilot", "failure-map-broadcast.png"));
    expect(png.subarray(1, 4).toString()).to.equal("PNG");
  });

  it("reads a stack's exported cells output with failures of every class", async () => {
    const records = everyClass();
    const exported = JSON.stringify({
      clusterName: "x",
      cells: Object.fromEntries(records.map((r) => [r.cell, r])),
    });
    const parsed = parseResults(exported, "cells.json");
    expect(parsed.map((r) => r.failureClass)).to.deep.equal([...FAILURE_CLASSES]);
    const report = await writeReport(parsed, path.join(dir, "stack"), "stack");
    expect(report.charts).to.deep.equal([
      "failure-map-broadcast",
      "failure-map-shuffle_hash",
      "failure-map-sort_merge",
      "predicted-vs-observed",
    ]);
  });

  it("names the line of a results file it cannot read", () => {
    const good = JSON.stringify(sampleRecord("a"));
    expect(() => parseResults(`${good}\n{"cell": "b"}\n`, "r.jsonl")).to.throw(
      UsageError,
      /r\.jsonl:2: not a cell record/,
    );
  });

  it("renders in headless Chromium with no console errors and every chart as SVG with its marks", async () => {
    const records = readResultsFile(PILOT_RESULTS);
    const out = path.join(dir, "browser");
    await writeReport(records, out, "pilot");
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`file://${path.join(out, "index.html")}`);
      expect(await page.locator("figure > svg").count()).to.equal(4);
      // One square per cell across the three failure maps.
      const squares = await page
        .locator('figure[id^="failure-map"] svg g.mark-symbol.role-mark path')
        .count();
      expect(squares).to.equal(records.length);
      // One cell per (observed, predicted) pair: all 12 agree, in 3 classes.
      expect(
        await page
          .locator('figure[id="predicted-vs-observed"] svg g.mark-rect.role-mark path')
          .count(),
      ).to.equal(3);
      // Kept (git-ignored) for a person to look at: test-output/report-screenshot.png.
      const screenshot = path.resolve(
        __dirname,
        "..",
        "..",
        "test-output",
        "report-screenshot.png",
      );
      fs.mkdirSync(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(fs.statSync(screenshot).size).to.be.above(10_000);
      expect(errors).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });
});

/** Three real pilot cells with their measured memory (test/fixtures/trace). */
const TRACE_RESULTS = path.resolve(__dirname, "..", "fixtures", "trace", "results.jsonl");

describe("report: measured memory", function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-measured-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("adds the measured peaks to results.csv, beside the predictor's demand", async () => {
    const out = path.join(dir, "csv");
    await writeReport(readResultsFile(TRACE_RESULTS), out, "trace");
    const [header, ...rows] = fs
      .readFileSync(path.join(out, "results.csv"), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(","));
    const column = (row: string[], name: string) => row[header.indexOf(name)];
    const shuffleHash = rows.find((r) => r[0] === "m512m-shj-r1-s0-aqe-1")!;
    expect(column(shuffleHash, "bindingConstraint")).to.equal("shj_task_memory");
    expect(column(shuffleHash, "measuredPeakBytes")).to.equal("100794368");
    expect(column(shuffleHash, "measuredAs")).to.equal("executor execution memory");
    expect(column(shuffleHash, "failedTasks")).to.equal("6");
    expect(column(shuffleHash, "eventLog")).to.equal("events/eventlog_v2_app-20261130012612-0000");
    const broadcast = rows.find((r) => r[0] === "m512m-bhj-r1-s0-aqe-1")!;
    expect(column(broadcast, "measuredPeakBytes")).to.equal("532974720");
    expect(column(broadcast, "measuredAs")).to.equal("executor JVM heap");
    expect(Number(column(broadcast, "predictedDemandBytes"))).to.be.above(512 * 2 ** 20);
  });

  it("shows the table, the demand-vs-peak chart and History Server links in headless Chromium", async () => {
    const out = path.join(dir, "browser");
    await writeReport(readResultsFile(TRACE_RESULTS), out, "trace", {
      historyUrl: "http://127.0.0.1:18080",
      // As a History Server would list them: one cell's log is not there, so it gets no link.
      historyApplications: new Set(["app-20261130011905-0000", "app-20261130012612-0000"]),
    });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`file://${path.join(out, "index.html")}`);
      // One point per cell with a measured peak, one panel per strategy, each with its diagonal.
      const chart = page.locator('figure[id="demand-vs-peak"] svg');
      expect(await chart.locator("g.mark-symbol.role-mark path").count()).to.equal(3);
      expect(await chart.locator("g.mark-line.role-mark path").count()).to.equal(3);
      const rows = page.locator("#measured-memory tbody tr");
      expect(await rows.count()).to.equal(3);
      const shuffleHash = page.locator('#measured-memory tr[data-cell="m512m-shj-r1-s0-aqe-1"]');
      expect(await shuffleHash.innerText()).to.include("96.1 MiB");
      expect(await shuffleHash.innerText()).to.include("Can't acquire 134217728 bytes");
      const links = await page
        .locator("#measured-memory a")
        .evaluateAll((anchors) => anchors.map((a) => a.getAttribute("href")));
      expect(links).to.deep.equal([
        "http://127.0.0.1:18080/history/app-20261130011905-0000/jobs/",
        "http://127.0.0.1:18080/history/app-20261130012612-0000/jobs/",
      ]);
      const screenshot = path.resolve(
        __dirname,
        "..",
        "..",
        "test-output",
        "report-measured-memory.png",
      );
      fs.mkdirSync(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(errors).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });
});

describe("report: History Server links", () => {
  it("links only the applications a History Server lists, and every cell when it does not answer", async () => {
    const server = http.createServer((request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(
        request.url === "/api/v1/applications"
          ? JSON.stringify([{ id: "app-1" }, { id: "app-2" }])
          : "[]",
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const links = await historyLinksFor(`http://127.0.0.1:${port}`);
      expect(links.historyUrl).to.equal(`http://127.0.0.1:${port}`);
      expect([...(links.historyApplications ?? [])]).to.deep.equal(["app-1", "app-2"]);
      expect(links.note).to.equal(
        `linking cells to the History Server at http://127.0.0.1:${port} (2 application(s) there)`,
      );
    } finally {
      server.close();
    }
    const silent = await historyLinksFor(`http://127.0.0.1:${port}`);
    expect(silent.historyApplications).to.equal(undefined);
    expect(silent.note).to.match(/did not answer; linking every cell to it anyway$/);
    expect(historyLink("http://h:1/", "app-1")).to.equal("http://h:1/history/app-1/jobs/");
  });
});
