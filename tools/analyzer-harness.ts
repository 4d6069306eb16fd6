import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import * as path from "path";
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { OrgFacts, PolicyPackConfigFile, reconcilePackConfig } from "../policy-pack/lib/pack-config";

/**
 * Runs a policy pack the way the Pulumi CLI does, without the CLI: `node
 * <@pulumi/pulumi>/cmd/run-policy-pack <engineAddress> .` in the pack directory, a small engine gRPC
 * server for the pack's log calls, and the analyzer protocol over gRPC (GetAnalyzerInfo, Configure
 * with the CLI's config reconciliation, Analyze per resource, AnalyzeStack). Messages are built with
 * the protobuf and gRPC copies `@pulumi/pulumi` resolves, as the pack's own server uses them.
 *
 *   const pack = await startPack({ packDir: "policy-pack", config, org });
 *   const { resources, stack } = await pack.analyzeAll(records);
 *   await pack.stop();
 */

export interface HarnessResource {
  readonly type: string;
  readonly name: string;
  /** Defaults to `urn:pulumi:<stack>::<project>::<type>::<name>`. */
  readonly urn?: string;
  /** Inputs as plain JSON; an unknown value is the Pulumi unknown sentinel string. */
  readonly props: Record<string, unknown>;
  /** The explicit provider: its inputs reach policies as `args.provider.props`. */
  readonly provider?: {
    readonly type?: string;
    readonly name?: string;
    readonly urn?: string;
    readonly props: Record<string, unknown>;
  };
  readonly opts?: { readonly protect?: boolean; readonly parent?: string };
  /** Parent URN and dependency URNs (AnalyzeStack only). */
  readonly parent?: string;
  readonly dependencies?: readonly string[];
}

export interface Diagnostic {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
  readonly description: string;
  /** As sent by the pack: the policy's description, a newline, then the violation. */
  readonly message: string;
  /** The violation alone (the message without the description the runtime puts first). */
  readonly violation: string;
  readonly enforcementLevel: Exclude<EnforcementLevel, "disabled">;
  /** The URN the violation names (the analyzed resource's, or the one a stack policy reported). */
  readonly urn: string;
}

export interface PackPolicyInfo {
  readonly name: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly configSchema?: { properties: Record<string, unknown>; required?: string[] };
}

export interface StartPackOptions {
  /** Directory of the pack (PulumiPolicy.yaml, package.json). Default: this repository's policy-pack. */
  readonly packDir?: string;
  /** `--policy-pack-config` file contents. */
  readonly config?: PolicyPackConfigFile;
  /** Org facts spread into every policy whose config schema has them (the file's values win). */
  readonly org?: OrgFacts;
  /** Names for default URNs. */
  readonly project?: string;
  readonly stack?: string;
  /** How long the pack may take to print its port (TypeScript packs are type-checked first). */
  readonly startTimeoutMs?: number;
}

export interface RunningPack {
  readonly name: string;
  readonly version: string;
  readonly policies: PackPolicyInfo[];
  /** What was sent in Configure, per policy, after defaults, `all`, org facts and the file. */
  readonly configured: Record<
    string,
    { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }
  >;
  /** Messages the pack logged through the engine (errors of policies that crashed show up here). */
  readonly logs: string[];
  /** Sends Configure again, as a new `pulumi preview` with another config file would. */
  configure(
    config?: PolicyPackConfigFile,
    org?: OrgFacts,
  ): Promise<Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>>;
  analyze(resource: HarnessResource): Promise<Diagnostic[]>;
  analyzeStack(resources: readonly HarnessResource[]): Promise<Diagnostic[]>;
  /** Analyze for each resource (several in flight, diagnostics in resource order), then AnalyzeStack over all of them. */
  analyzeAll(
    resources: readonly HarnessResource[],
  ): Promise<{ resources: Diagnostic[]; stack: Diagnostic[] }>;
  stop(): Promise<void>;
}

/** Analyze requests `analyzeAll` keeps in flight at once. */
const ANALYZE_WINDOW = 16;

const LEVEL_NAMES: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const LEVEL_NUMBERS: Record<EnforcementLevel, number> = {
  advisory: 0,
  mandatory: 1,
  disabled: 2,
  remediate: 3,
};

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes carry no types here */
type Any = any;

function loadProto(packDir: string) {
  const pulumiPackage = require.resolve("@pulumi/pulumi/package.json", { paths: [packDir] });
  const load = createRequire(pulumiPackage);
  return {
    runPolicyPack: require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] }),
    grpc: load("@grpc/grpc-js") as Any,
    analyzer: load("./proto/analyzer_pb") as Any,
    analyzerRpc: load("./proto/analyzer_grpc_pb") as Any,
    engineRpc: load("./proto/engine_grpc_pb") as Any,
    struct: load("google-protobuf/google/protobuf/struct_pb") as Any,
    empty: load("google-protobuf/google/protobuf/empty_pb") as Any,
  };
}

function unary<T>(client: Any, method: string, request: Any): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response)));
  });
}

function waitForPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`policy pack did not start in ${timeoutMs} ms: ${stderr()}`)),
      timeoutMs,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`policy pack exited with code ${code} before serving: ${stderr()}`));
    });
  });
}

/** Starts the pack process and configures it; call `stop()` when done. */
export async function startPack(options: StartPackOptions = {}): Promise<RunningPack> {
  const packDir = path.resolve(options.packDir ?? path.join(__dirname, "..", "policy-pack"));
  const project = options.project ?? "org-access";
  const stackName = options.stack ?? "dev";
  const p = loadProto(packDir);
  const logs: string[] = [];

  // A minimal engine: the pack only logs through it.
  const engine = new p.grpc.Server();
  engine.addService(p.engineRpc.EngineService, {
    log: (call: Any, cb: Any) => {
      logs.push(String(call.request.getMessage()));
      cb(null, new p.empty.Empty());
    },
    getRootResource: (_call: Any, cb: Any) =>
      cb(null, new p.engineRpc.EngineService.getRootResource.responseType()),
    setRootResource: (_call: Any, cb: Any) =>
      cb(null, new p.engineRpc.EngineService.setRootResource.responseType()),
  });
  const enginePort: number = await new Promise((resolve, reject) =>
    engine.bindAsync(
      "127.0.0.1:0",
      p.grpc.ServerCredentials.createInsecure(),
      (err: Error | null, port: number) => (err ? reject(err) : resolve(port)),
    ),
  );

  const child = spawn(process.execPath, [p.runPolicyPack, `127.0.0.1:${enginePort}`, "."], {
    cwd: packDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PULUMI_NODEJS_PROJECT: project, PULUMI_NODEJS_STACK: stackName },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const stopAll = async () => {
    if (child.exitCode === null && child.pid !== undefined) child.kill("SIGTERM");
    await new Promise<void>((resolve) => engine.tryShutdown(() => resolve()));
  };

  let client: Any;
  try {
    const port = await waitForPort(child, options.startTimeoutMs ?? 120000, () => stderr);
    client = new p.analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, p.grpc.credentials.createInsecure());
  } catch (e) {
    await stopAll();
    throw e;
  }

  try {
    const info: Any = await unary(client, "getAnalyzerInfo", new p.empty.Empty());
    const policies: PackPolicyInfo[] = info.getPoliciesList().map((pi: Any) => {
      const schema = pi.getConfigschema();
      return {
        name: pi.getName(),
        enforcementLevel: LEVEL_NAMES[pi.getEnforcementlevel()],
        configSchema: schema
          ? { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() }
          : undefined,
      };
    });

    // The CLI's reconciliation, over the metadata the pack itself reported.
    const configure = async (config?: PolicyPackConfigFile, org?: OrgFacts) => {
      const { config: resolved, errors } = reconcilePackConfig(
        policies.map((pi) => ({ ...pi, description: "" })) as unknown as Policies,
        config,
        org,
      );
      if (errors.length > 0) throw new Error(`invalid policy pack config: ${errors.join("; ")}`);
      const request = new p.analyzer.ConfigureAnalyzerRequest();
      const map = request.getPolicyconfigMap();
      for (const [name, c] of Object.entries(resolved)) {
        const pc = new p.analyzer.PolicyConfig();
        pc.setEnforcementlevel(LEVEL_NUMBERS[c.enforcementLevel]);
        pc.setProperties(p.struct.Struct.fromJavaScript(c.properties));
        map.set(name, pc);
      }
      await unary(client, "configure", request);
      return resolved;
    };
    const running = { configured: await configure(options.config, options.org) };

    const urnOf = (r: HarnessResource) =>
      r.urn ?? `urn:pulumi:${stackName}::${project}::${r.type}::${r.name}`;
    const optionsOf = (r: HarnessResource) => {
      const o = new p.analyzer.AnalyzerResourceOptions();
      o.setProtect(r.opts?.protect === true);
      if (r.opts?.parent !== undefined) o.setParent(r.opts.parent);
      return o;
    };
    const providerOf = (r: HarnessResource) => {
      if (!r.provider) return undefined;
      const pr = new p.analyzer.AnalyzerProviderResource();
      const name = r.provider.name ?? "provider";
      pr.setType(r.provider.type ?? "pulumi:providers:aws");
      pr.setName(name);
      pr.setUrn(r.provider.urn ?? `urn:pulumi:${stackName}::${project}::pulumi:providers:aws::${name}`);
      pr.setProperties(p.struct.Struct.fromJavaScript(r.provider.props ?? {}));
      return pr;
    };
    const diagnostics = (response: Any, fallbackUrn: string): Diagnostic[] =>
      response.getDiagnosticsList().map((d: Any) => ({
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion(),
        description: d.getDescription(),
        message: d.getMessage(),
        violation: String(d.getMessage()).startsWith(`${d.getDescription()}\n`)
          ? String(d.getMessage()).slice(String(d.getDescription()).length + 1)
          : String(d.getMessage()),
        enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()] as Diagnostic["enforcementLevel"],
        urn: d.getUrn() || fallbackUrn,
      }));

    const analyze = async (r: HarnessResource) => {
      const req = new p.analyzer.AnalyzeRequest();
      req.setType(r.type);
      req.setName(r.name);
      req.setUrn(urnOf(r));
      req.setProperties(p.struct.Struct.fromJavaScript(r.props ?? {}));
      req.setOptions(optionsOf(r));
      const provider = providerOf(r);
      if (provider) req.setProvider(provider);
      return diagnostics(await unary(client, "analyze", req), urnOf(r));
    };
    const analyzeStack = async (resources: readonly HarnessResource[]) => {
      const req = new p.analyzer.AnalyzeStackRequest();
      for (const r of resources) {
        const ar = new p.analyzer.AnalyzerResource();
        ar.setType(r.type);
        ar.setName(r.name);
        ar.setUrn(urnOf(r));
        ar.setProperties(p.struct.Struct.fromJavaScript(r.props ?? {}));
        ar.setOptions(optionsOf(r));
        const provider = providerOf(r);
        if (provider) ar.setProvider(provider);
        if (r.parent !== undefined) ar.setParent(r.parent);
        ar.setDependenciesList([...(r.dependencies ?? [])]);
        req.addResources(ar);
      }
      return diagnostics(await unary(client, "analyzeStack", req), "");
    };
    return {
      name: info.getName(),
      version: info.getVersion(),
      policies,
      get configured() {
        return running.configured;
      },
      logs,
      configure: async (config, org) => {
        running.configured = await configure(config, org);
        return running.configured;
      },
      analyze,
      analyzeStack,
      analyzeAll: async (resources) => {
        // Up to ANALYZE_WINDOW requests in flight: the pack analyses one resource while this process
        // encodes the next (sent one at a time, each side waits half the time). Each Analyze is
        // independent of the others, so the diagnostics are the same; they are kept in resource order.
        const perResource: Diagnostic[][] = new Array(resources.length);
        let next = 0;
        const worker = async () => {
          while (next < resources.length) {
            const i = next++;
            perResource[i] = await analyze(resources[i]);
          }
        };
        await Promise.all(Array.from({ length: Math.min(ANALYZE_WINDOW, resources.length) }, worker));
        return { resources: perResource.flat(), stack: await analyzeStack(resources) };
      },
      stop: async () => {
        client.close();
        await stopAll();
      },
    };
  } catch (e) {
    client.close();
    await stopAll();
    throw e;
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */
