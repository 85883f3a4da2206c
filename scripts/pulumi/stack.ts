/**
 * Runs this project's Pulumi program with the engine built by build-engine.sh, through the
 * Automation API's inline program: the language runtime is served from this Node process, so no
 * separate Node.js language host is needed (its current module is not on the Go proxy). State
 * goes to a file backend folder.
 *
 *   node -r ts-node/register scripts/pulumi/stack.ts up --stack local --backend /var/lib/my-state
 *
 * PULUMI_CONFIG_PASSPHRASE encrypts the stack's secrets (the kubeconfig). Progress goes to
 * stderr; the result (changes and outputs) is printed to stdout as one JSON line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import {
  LocalWorkspace,
  PulumiCommand,
  type LocalWorkspaceOptions,
  type OutputMap,
  type Stack,
} from "@pulumi/pulumi/automation";
import { stackOutputs } from "../../stacks/entry";

const CHECKOUT = path.resolve(__dirname, "..", "..");
const PROJECT = "spark-at-scale";

/** KEY=VALUE lines of a shell env file (versions.env), comments skipped. */
function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1], match[2]]),
  );
}

/** Where build-engine.sh put the CLI, and the Pulumi home holding the Kubernetes plugin. */
export function enginePaths(env: NodeJS.ProcessEnv = process.env): {
  cliRoot: string;
  pulumiHome: string;
} {
  const cache = env.SPARK_AT_SCALE_CACHE ?? "/var/cache/spark-at-scale";
  const versions = readEnvFile(path.join(__dirname, "versions.env"));
  const cliRoot = path.join(cache, `pulumi-${versions.PULUMI_VERSION}`);
  if (!fs.existsSync(path.join(cliRoot, "bin", "pulumi"))) {
    throw new Error(
      `no Pulumi CLI ${versions.PULUMI_VERSION} under ${cliRoot}; build it with bash scripts/pulumi/build-engine.sh`,
    );
  }
  const pulumiHome = path.join(cache, `pulumi-home-${versions.PULUMI_KUBERNETES_PROVIDER_MODULE}`);
  return { cliRoot, pulumiHome };
}

interface StackOptions {
  readonly stack: string;
  readonly backend: string;
  readonly dir: string;
}

/** Workspace options that run the locally built engine on a file backend in `backend`. */
export async function engineWorkspace(
  backend: string,
  workDir: string,
): Promise<LocalWorkspaceOptions> {
  const passphrase = process.env.PULUMI_CONFIG_PASSPHRASE;
  if (passphrase === undefined) {
    throw new Error(
      "PULUMI_CONFIG_PASSPHRASE is not set: it encrypts the stack's secrets (the kubeconfig); set it, even to an empty string",
    );
  }
  fs.mkdirSync(backend, { recursive: true });
  const { cliRoot, pulumiHome } = enginePaths();
  const pulumiCommand = await PulumiCommand.get({ root: cliRoot, skipVersionCheck: true });
  return {
    workDir,
    pulumiHome,
    pulumiCommand,
    envVars: {
      PULUMI_BACKEND_URL: `file://${path.resolve(backend)}`,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // Every plugin is local: the Kubernetes provider installed from its file, the dynamic
      // provider's script from @pulumi/pulumi; never download one.
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PATH: [
        path.join(cliRoot, "bin"),
        path.join(CHECKOUT, "node_modules", "@pulumi", "pulumi"),
        process.env.PATH ?? "",
      ].join(path.delimiter),
    },
  };
}

async function openStack(options: StackOptions): Promise<Stack> {
  return LocalWorkspace.createOrSelectStack(
    {
      stackName: options.stack,
      projectName: PROJECT,
      program: () => Promise.resolve(stackOutputs()),
    },
    await engineWorkspace(path.resolve(options.backend), path.resolve(options.dir)),
  );
}

/** Outputs as plain values; secrets stay hidden. */
function plainOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, output]) => [
      key,
      output.secret ? "[secret]" : output.value,
    ]),
  );
}

const progress = (line: string) => process.stderr.write(line);
const result = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

function buildCommand(): Command {
  const program = new Command("stack")
    .description("Run the spark-at-scale Pulumi program with the locally built engine.")
    .exitOverride();
  const withStack = (command: Command) =>
    command
      .requiredOption("--stack <name>", "the stack (its config: Pulumi.<name>.yaml in --dir)")
      .requiredOption("--backend <dir>", "folder of the file backend holding the state")
      .option("--dir <dir>", "the checkout to run in (Pulumi.yaml, node_modules)", CHECKOUT);

  withStack(program.command("up").description("create or update the stack's resources")).action(
    async (options: StackOptions) => {
      const stack = await openStack(options);
      const up = await stack.up({ onOutput: progress });
      result({ changes: up.summary.resourceChanges, outputs: plainOutputs(up.outputs) });
    },
  );
  withStack(program.command("preview").description("show what up would change")).action(
    async (options: StackOptions) => {
      const preview = await (await openStack(options)).preview({ onOutput: progress });
      result({ changes: preview.changeSummary });
    },
  );
  withStack(program.command("destroy").description("delete every resource of the stack")).action(
    async (options: StackOptions) => {
      const destroy = await (await openStack(options)).destroy({ onOutput: progress });
      result({ changes: destroy.summary.resourceChanges });
    },
  );
  withStack(
    program
      .command("refresh")
      .description("reconcile the state with the cluster")
      .option("--clear-pending-creates", "forget creates an interrupted update left pending"),
  ).action(async (options: StackOptions & { clearPendingCreates?: boolean }) => {
    const refresh = await (
      await openStack(options)
    ).refresh({ onOutput: progress, clearPendingCreates: options.clearPendingCreates });
    result({ changes: refresh.summary.resourceChanges });
  });
  withStack(program.command("cancel").description("release the lock a killed update left")).action(
    async (options: StackOptions) => {
      await (await openStack(options)).cancel();
      result({ cancelled: true });
    },
  );
  withStack(program.command("export").description("print the stack's state (deployment)")).action(
    async (options: StackOptions) => {
      result(await (await openStack(options)).exportStack());
    },
  );
  withStack(program.command("outputs").description("print the stack's outputs")).action(
    async (options: StackOptions) => {
      result(plainOutputs(await (await openStack(options)).outputs()));
    },
  );
  return program;
}

if (require.main === module) {
  buildCommand()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      if (error instanceof CommanderError) process.exit(error.exitCode);
      process.stderr.write(`stack: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
