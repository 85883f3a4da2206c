import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { registeredResources, resetRegistrations } from "./mocks";
import { devStackWith, PROJECT_DIR } from "./helpers/devStack";
import { ConfigError } from "../src/config/errors";
import { stackShape } from "../src/config/stack";
import { runProgram } from "../stacks/program";

const pool = (overrides: Record<string, unknown>) => [
  { name: "highmem-16g", machineType: "e2-highmem-2", maxNodes: 2, ...overrides },
];

/** Each case: what is wrong, the overrides that make it so, and what the error must say. */
const invalidConfigs: Array<[string, Record<string, unknown>, RegExp[]]> = [
  [
    "missing project",
    { gcpProject: undefined },
    [/spark-at-scale:gcpProject/, /GCP project ID/, /got nothing/],
  ],
  [
    "malformed project",
    { gcpProject: "My_Project" },
    [/spark-at-scale:gcpProject/, /"My_Project"/, /lowercase/],
  ],
  [
    "bad location",
    { location: "mars-north" },
    [/spark-at-scale:location/, /"mars-north"/, /region/],
  ],
  [
    "unknown machine type",
    { experimentPools: pool({ machineType: "e2-huge-9" }) },
    [/spark-at-scale:experimentPools\[0\]\.machineType/, /"e2-huge-9"/, /e2-highmem-2/],
  ],
  [
    "negative node count",
    { experimentPools: pool({ maxNodes: -1 }) },
    [/spark-at-scale:experimentPools\[0\]\.maxNodes/, /-1/, /0 or more/],
  ],
  [
    "min above max",
    { experimentPools: pool({ minNodes: 3 }) },
    [/experimentPools\[0\]\.minNodes/, /must not exceed maxNodes/],
  ],
  [
    "pool name that is not a label",
    { experimentPools: pool({ name: "High_Mem" }) },
    [/experimentPools\[0\]\.name/, /"High_Mem"/, /lowercase letters, digits and '-'/],
  ],
  [
    "duplicate pool names",
    {
      experimentPools: [
        { name: "tier", machineType: "e2-highmem-2", maxNodes: 1 },
        { name: "tier", machineType: "e2-highmem-4", maxNodes: 1 },
      ],
    },
    [/experimentPools/, /unique/],
  ],
  ["no experiment pools", { experimentPools: [] }, [/experimentPools/, /at least one/]],
  [
    "unknown top-level key",
    { experimentPool: [] },
    [/spark-at-scale:experimentPool: unknown key/, /allowed keys: .*experimentPools/],
  ],
  [
    "unknown pool key",
    { experimentPools: pool({ memory: "16g" }) },
    [
      /experimentPools\[0\]\.memory: unknown key/,
      /allowed keys: machineType, maxNodes, minNodes, name, spot/,
    ],
  ],
  [
    "malformed authorized network",
    { masterAuthorizedNetworks: ["10.0.0.0/33"] },
    [/masterAuthorizedNetworks\[0\]/, /CIDR/],
  ],
  [
    "non-boolean deletion protection",
    { deletionProtection: "maybe" },
    [/deletionProtection/, /"maybe"/, /true or false/],
  ],
  [
    "operator chart outside 2.5",
    { operatorChartVersion: "1.1.27" },
    [/operatorChartVersion/, /2\.5/],
  ],
  [
    "same namespace twice",
    { jobNamespace: "spark-operator" },
    [/jobNamespace/, /namespaces of their own/],
  ],
];

describe("config validation", () => {
  for (const [what, overrides, expected] of invalidConfigs) {
    it(`rejects ${what} with a clear message and registers nothing`, async () => {
      resetRegistrations();
      let error: unknown;
      try {
        runProgram(devStackWith(overrides), "Pulumi.dev.yaml");
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).to.match(/^invalid config in Pulumi\.dev\.yaml/);
      for (const pattern of expected) expect(message).to.match(pattern);
      expect(await registeredResources()).to.have.length(0);
    });
  }

  it("reports every problem at once, not only the first", () => {
    expect(() => runProgram(devStackWith({ gcpProject: "X", location: "nowhere" }))).to.throw(
      ConfigError,
      /2 problems[\s\S]*gcpProject[\s\S]*location/,
    );
  });
});

describe("Pulumi.yaml config declarations", () => {
  const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config: Record<
      string,
      { type?: string; description?: string; items?: unknown; default?: unknown }
    >;
  };

  it("names the project spark-at-scale", () => {
    expect(project.name).to.equal("spark-at-scale");
  });

  it("declares exactly the keys the program accepts, each with a description", () => {
    expect(Object.keys(project.config).sort()).to.deep.equal(Object.keys(stackShape).sort());
    for (const [key, declaration] of Object.entries(project.config)) {
      expect(declaration.description ?? "", `${key} has a description`).to.have.length.above(10);
    }
  });

  // Both places hold the defaults, by necessity: Pulumi makes a declared key without a default
  // mandatory for `pulumi up`, and plan and pilot read stack files without Pulumi, so only the
  // schema fills defaults there. The schema is the source; Pulumi.yaml must repeat it exactly.
  it("repeats each schema default exactly, and gives none to a key the schema has none for", () => {
    for (const [key, schema] of Object.entries(stackShape)) {
      const parsed = schema.safeParse(undefined);
      const schemaDefault: unknown = parsed.success ? parsed.data : undefined;
      const declared = project.config[key].default;
      if (declared === undefined) {
        expect(schemaDefault, `${key}: no default in Pulumi.yaml, so none in the schema`).to.equal(
          undefined,
        );
      } else {
        // Pulumi.yaml may spell an object default shortly ({}): it must mean the same.
        expect(schema.parse(declared), `${key}: Pulumi.yaml's default`).to.deep.equal(
          schemaDefault,
        );
      }
    }
  });

  it("uses only the types Pulumi's project schema allows, with items for arrays", () => {
    for (const [key, declaration] of Object.entries(project.config)) {
      if (declaration.type === undefined) continue;
      expect(["string", "integer", "boolean", "array"], key).to.include(declaration.type);
      if (declaration.type === "array")
        expect(declaration.items, `${key} items`).to.not.equal(undefined);
    }
  });
});
