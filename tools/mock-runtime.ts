import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { Alias } from "@pulumi/pulumi/proto/alias_pb";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { parseStackFile } from "../components/config/stack-file";

/**
 * Runs the org-access program under Pulumi's mocked runtime and records what it registers. The
 * offline plan, the benchmark and the tests share this, so what they report is what the program
 * does: no AWS account, no Pulumi CLI, no network.
 */

export const PROJECT = "org-access";
export const REPO_ROOT = path.resolve(__dirname, "..");

/** One resource the program registered, with the options and provider it got. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** True for AWS (and other provider) resources, false for components. */
  readonly custom: boolean;
  /** Inputs with secrets unwrapped, as a policy pack sees them; `secretInputs` says which were secret. */
  readonly inputs: Record<string, unknown>;
  /** Top-level input names whose value is (or contains) a Pulumi secret. */
  readonly secretInputs: string[];
  readonly parent?: string;
  /** `<providerUrn>::<providerId>` for custom resources given an explicit provider. */
  readonly provider?: string;
  /** URN of that provider. */
  readonly providerUrn?: string;
  /** Account the provider is pinned to (`allowedAccountIds`), if any. */
  readonly account?: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** Import ID when the resource adopts an existing one. */
  readonly import?: string;
  /**
   * Direct dependencies the engine receives: explicit `dependsOn` plus every resource an input came
   * from. A component's `dependsOn` is not among its children's (the SDK sends only their own).
   */
  readonly dependencies: string[];
  /** Per top-level input, the resources its value came from (the request's property dependencies). */
  readonly propertyDependencies?: Record<string, string[]>;
  /** Top-level inputs whose value is (or contains) an unknown, as during a preview before a dependency exists. */
  readonly unknownInputs?: string[];
  /** Inputs whose changes the engine ignores (`ignoreChanges`). */
  readonly ignoreChanges?: string[];
  /** Inputs whose change forces a replacement on top of the provider's own (`replaceOnChanges`). */
  readonly replaceOnChanges?: string[];
  /** Aliases the program gave (previous name, type or parent URN), as the engine receives them. */
  readonly aliases?: { name?: string; type?: string; parentUrn?: string }[];
}

/** A provider resource, decoded. */
export interface RecordedProvider {
  readonly urn: string;
  readonly name: string;
  readonly accountId?: string;
  readonly roleArn?: string;
  readonly sessionName?: string;
  readonly duration?: string;
  readonly region?: string;
  readonly inputs: Record<string, unknown>;
}

export interface ProgramRun {
  readonly stack: string;
  readonly resources: RecordedResource[];
  readonly providers: RecordedProvider[];
  readonly outputs: Record<string, unknown>;
}

/** Config the way the Pulumi CLI hands it to a program: namespaced keys, string values. */
export interface StackConfig {
  readonly values: Record<string, string>;
  /** Namespaced keys whose value is (or contains) a secret. */
  readonly secretKeys: string[];
  /** Which values were `secure:` in the stack file (`vendors[1].externalId`); unknown when absent. */
  readonly encryptedPaths?: string[];
}

/** Placeholder a secret takes under the offline tools, which cannot decrypt stack secrets. */
export const SECRET_PLACEHOLDER = "offline-plan-secret-placeholder";

/**
 * Reads a `Pulumi.<stack>.yaml` as the CLI does: keys without a namespace belong to the project,
 * scalars become strings, objects and lists become JSON, and a `secure:` value (at any depth) makes
 * its top-level key secret. Offline there is no secrets provider, so secure values are replaced by a
 * placeholder and reported as `[secret]`; `encryptedPaths` says which values they were. A file of
 * the wrong shape (empty, binary, not YAML, no `config:`) throws one line saying so.
 */
export function readStackFile(file: string): StackConfig {
  return parseStackFile(fs.readFileSync(file), { project: PROJECT, secureValue: SECRET_PLACEHOLDER });
}

/**
 * The Pulumi project the tools work in: the nearest directory holding `Pulumi.yaml`, searching upwards
 * from the working directory, as the Pulumi CLI finds its project (pulumi/pulumi
 * sdk/go/common/workspace/paths.go, `DetectProjectPathFrom`); this repository when there is none.
 */
export function projectDir(from: string = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (["Pulumi.yaml", "Pulumi.yml"].some((f) => fs.existsSync(path.join(dir, f)))) return dir;
    if (path.dirname(dir) === dir) return REPO_ROOT;
  }
}

/**
 * The stack file of a named stack: `Pulumi.<stack>.yaml` next to the project's `Pulumi.yaml`, the file
 * `pulumi up --stack <stack>` reads (same source, `ProjectStackPath`). Never an example's: a user's
 * pipeline must not pick up the example organization's facts.
 */
export function stackFilePath(stack: string): string {
  return path.join(projectDir(), `Pulumi.${stack}.yaml`);
}

/** The example organizations, each a folder of stack files: `full`, `minimal`, `sharded`. */
export const EXAMPLES_DIR = path.join(REPO_ROOT, "examples");

/** An example's stack file: `examples/full/Pulumi.management.yaml` is `exampleStackFile("full", "management")`. */
export function exampleStackFile(example: string, stack: string): string {
  return path.join(EXAMPLES_DIR, example, `Pulumi.${stack}.yaml`);
}

/** The mocked monitor's registration call, typed by the SDK's own protocol messages. */
interface Monitor {
  registerResource(
    req: RegisterResourceRequest,
    callback: (err: unknown, resp?: RegisterResourceResponse) => void,
  ): void;
}

/** `waitForRPCs` is exported by the SDK's runtime settings but not declared in its types. */
const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };

/**
 * Runs `index.ts` under mocks with the given config and returns every registered resource. Throws
 * whatever the program throws (a config validation error, for instance) before any registration.
 */
export async function runProgram(args: {
  stack: string;
  config: StackConfig;
  preview?: boolean;
  /**
   * Simulate the preview of a first `pulumi up` (implies `preview`): every resource is still to be
   * created, so, as the engine reports them, their IDs and computed outputs are unknown and only
   * their inputs are known. Whatever derives from them (an ARN, a provider's role) is unknown too.
   */
  firstRun?: boolean;
  programPath?: string;
  /**
   * Whether the stack traces the SDK takes for every resource (its source positions) go through
   * ts-node's source maps, as under the Pulumi CLI (the default). Tools that discard source positions
   * (the plan) turn it off: mapping every frame of every registration is most of a large run's time,
   * and the SDK's own empty traces are then not formatted at all (see {@link unpositioned}).
   */
  sourceMappedStacks?: boolean;
}): Promise<ProgramRun> {
  const resources: RecordedResource[] = [];
  const providerAccounts = new Map<string, string | undefined>();
  const providers: RecordedProvider[] = [];

  await pulumi.runtime.setMocks(
    {
      newResource(mock: pulumi.runtime.MockResourceArgs): {
        id: string | undefined;
        state: Record<string, unknown>;
      } {
        if (mock.custom === false) return { id: undefined, state: {} };
        // The engine creates nothing during a preview: IDs and computed outputs stay unknown.
        if (args.firstRun === true) return { id: undefined, state: mock.inputs };
        const account =
          mock.provider === undefined ? undefined : providerAccounts.get(providerUrnOf(mock.provider));
        return {
          id: mockId(mock.type, mock.name, mock.inputs),
          state: mockState(mock.type, mock.name, mock.inputs, account),
        };
      },
      call(mock: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        if (mock.token === "aws:index/getCallerIdentity:getCallerIdentity") {
          return { accountId: "000000000000", arn: "arn:aws:iam::000000000000:root", userId: "mock" };
        }
        return mock.inputs;
      },
    },
    PROJECT,
    args.stack,
    args.firstRun === true || (args.preview ?? true),
  );
  pulumi.runtime.setAllConfig(args.config.values, args.config.secretKeys);

  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const type = req.getType();
    const secretInputs: string[] = [];
    const unknownInputs: string[] = [];
    const object = req.getObject();
    const properties = object === undefined ? {} : pulumi.runtime.deserializeProperties(object);
    const inputs = Object.fromEntries(
      Object.entries(properties).map(([key, value]) => {
        const plain = unwrapSecrets(value);
        if (plain.secret) secretInputs.push(key);
        if (pulumi.containsUnknowns(plain.value)) unknownInputs.push(key);
        return [key, plain.value];
      }),
    );
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      propertyDependencies[key] = deps.getUrnsList();
    });
    const providerRef = req.getProvider() || undefined;
    register(req, (err, resp) => {
      if (err === null && resp !== undefined) {
        const urn = resp.getUrn();
        if (type.startsWith("pulumi:providers:")) {
          const decoded = decodeProvider(urn, req.getName(), inputs);
          providers.push(decoded);
          providerAccounts.set(urn, decoded.accountId);
        }
        const providerUrn = providerRef === undefined ? undefined : providerUrnOf(providerRef);
        resources.push({
          urn,
          type,
          name: req.getName(),
          custom: req.getCustom(),
          inputs,
          secretInputs,
          parent: req.getParent() || undefined,
          provider: providerRef,
          providerUrn,
          account: providerUrn === undefined ? undefined : providerAccounts.get(providerUrn),
          protect: req.getProtect() === true,
          retainOnDelete: req.getRetainondelete() === true,
          import: req.getImportid() || undefined,
          dependencies: req.getDependenciesList(),
          propertyDependencies,
          unknownInputs,
          ignoreChanges: req.getIgnorechangesList(),
          replaceOnChanges: req.getReplaceonchangesList(),
          aliases: req.getAliasesList().map(aliasOf),
        });
      }
      callback(err, resp);
    });
  };

  const programPath = args.programPath ?? path.join(REPO_ROOT, "index.ts");
  clearProgramModules();
  const prepareStackTrace = Error.prepareStackTrace;
  // V8's own formatting is used when no hook is set.
  if (args.sourceMappedStacks === false)
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = unpositioned;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(programPath) as Record<string, unknown>;
    // Stack outputs may be unknown in a simulated first-run preview: read them with their unknowns.
    const outputs = (await (
      pulumi.output(exported) as unknown as { promise(withUnknowns?: boolean): Promise<unknown> }
    ).promise(true)) as Record<string, unknown>;
    await settle();
    return { stack: args.stack, resources, providers, outputs };
  } catch (err) {
    // What the program registered before it failed: a config error must leave this empty.
    await settle();
    if (err !== null && typeof err === "object") Object.assign(err, { registered: [...resources] });
    throw err;
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
  }
}

/**
 * Stack traces for a run that discards source positions. The SDK takes one for every registration
 * (\`Resource.callsites\`, its source position) and every promise it tracks (\`debuggablePromise\`),
 * always as an empty \`new Error()\`, and formatting them is most of a large program's time. Those
 * get no frames (the SDK then records no source position); any other error keeps V8's usual format.
 */
function unpositioned(error: Error, frames: NodeJS.CallSite[]): string {
  const head = error.message === "" ? error.name : `${error.name}: ${error.message}`;
  if (error.message === "" && error.name === "Error") return head;
  return [head, ...frames.map((f) => `    at ${String(f)}`)].join("\n");
}

/** An alias spec of a registration, without its empty fields. */
function aliasOf(alias: Alias): { name?: string; type?: string; parentUrn?: string } {
  const spec = alias.getSpec();
  if (spec === undefined) return {};
  return {
    ...(spec.getName() ? { name: spec.getName() } : {}),
    ...(spec.getType() ? { type: spec.getType() } : {}),
    ...(spec.getParenturn() ? { parentUrn: spec.getParenturn() } : {}),
  };
}

/** Resolves an Output (or plain value) to its value, as tests and tools read outputs. */
export function promiseOf<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

async function settle(): Promise<void> {
  if (runtime.waitForRPCs !== undefined) await runtime.waitForRPCs();
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

/** Drops the program's own modules from the require cache so each run builds a fresh program. */
function clearProgramModules(): void {
  for (const key of Object.keys(require.cache)) {
    if (
      key.startsWith(REPO_ROOT) &&
      !key.includes(`${path.sep}node_modules${path.sep}`) &&
      !key.includes(`${path.sep}tools${path.sep}`)
    ) {
      delete require.cache[key];
    }
  }
}

/** Replaces secret wrappers by their values, and says whether there was one. */
function unwrapSecrets(value: unknown): { value: unknown; secret: boolean } {
  // An unknown stays the SDK's marker, so callers can tell it from a value.
  if (pulumi.isUnknown(value)) return { value, secret: false };
  if (Array.isArray(value)) {
    const items = value.map(unwrapSecrets);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    // The runtime's serialised secret, `{ [specialSigKey]: specialSecretSig, value }`.
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
      return { value: unwrapSecrets(record.value).value, secret: true };
    }
    let secret = false;
    const out = Object.fromEntries(
      Object.entries(record).map(([k, v]) => {
        const inner = unwrapSecrets(v);
        secret ||= inner.secret;
        return [k, inner.value];
      }),
    );
    return { value: out, secret };
  }
  return { value, secret: false };
}

function providerUrnOf(ref: string): string {
  const at = ref.lastIndexOf("::");
  return at < 0 ? ref : ref.slice(0, at);
}

/** Provider inputs reach the monitor JSON-encoded; decode the ones that say where it acts. */
function decodeProvider(urn: string, name: string, inputs: Record<string, unknown>): RecordedProvider {
  const allowed = decodeJson(inputs.allowedAccountIds) as string[] | undefined;
  const assumeRoles = decodeJson(inputs.assumeRoles) as
    { roleArn?: string; sessionName?: string; duration?: string }[] | undefined;
  const assumed = assumeRoles?.[0];
  return {
    urn,
    name,
    accountId: allowed?.length === 1 ? allowed[0] : assumed?.roleArn?.split(":")[4],
    roleArn: assumed?.roleArn,
    sessionName: assumed?.sessionName,
    duration: assumed?.duration,
    region: typeof inputs.region === "string" ? inputs.region : undefined,
    inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, decodeJson(v)])),
  };
}

function decodeJson(value: unknown): unknown {
  if (typeof value === "string" && /^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function mockId(type: string, name: string, inputs: Record<string, unknown>): string {
  if (type === "aws:iam/role:Role" || type === "aws:iam/policy:Policy") return String(inputs.name ?? name);
  return `${name}-id`;
}

/** Plausible provider outputs: ARNs built from the provider's account, so trust policies read naturally. */
function mockState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  account = "000000000000",
): Record<string, unknown> {
  const physical = String(inputs.name ?? name);
  switch (type) {
    case "aws:iam/role:Role":
      return {
        ...inputs,
        name: physical,
        arn: `arn:aws:iam::${account}:role${String(inputs.path ?? "/")}${physical}`,
        uniqueId: `AROA${name}`,
      };
    case "aws:iam/policy:Policy":
      return {
        ...inputs,
        name: physical,
        arn: `arn:aws:iam::${account}:policy${String(inputs.path ?? "/")}${physical}`,
      };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return {
        ...inputs,
        arn: `arn:aws:iam::${account}:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}`,
      };
    case "aws:iam/group:Group":
      return { ...inputs, name: physical, arn: `arn:aws:iam::${account}:group/${physical}` };
    case "aws:kms/key:Key":
      return { ...inputs, arn: `arn:aws:kms:us-east-1:${account}:key/${name}-id`, keyId: `${name}-id` };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return {
        ...inputs,
        bucket: String(inputs.bucket ?? name),
        arn: `arn:aws:s3:::${String(inputs.bucket ?? name)}`,
      };
    case "aws:organizations/policy:Policy":
      return {
        ...inputs,
        arn: `arn:aws:organizations::${account}:policy/o-mock/service_control_policy/p-${name}`,
        id: `p-${name}`,
      };
    case "aws:ssoadmin/permissionSet:PermissionSet":
      return { ...inputs, arn: `arn:aws:sso:::permissionSet/ssoins-mock/ps-${name}` };
    case "aws:cloudformation/stackSet:StackSet":
      return {
        ...inputs,
        arn: `arn:aws:cloudformation:us-east-1:${account}:stackset/${physical}:mock`,
        stackSetId: `${physical}:mock`,
      };
    default:
      return { ...inputs, arn: `arn:aws:mock:us-east-1:${account}:${type.split(":").pop()}/${name}` };
  }
}
