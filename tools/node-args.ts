import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/**
 * The Node.js flags the project runs with, from one place: `Pulumi.yaml`'s `runtime.options.nodeargs`,
 * which the Pulumi CLI's Node.js runtime passes to `node` for `pulumi preview` and `pulumi up`
 * (pulumi/pulumi#17040; its language host's `Run` splits the string with `shlex.Split` into node's
 * runtime arguments, sdk/nodejs/cmd/pulumi-language-nodejs/main.go). The flags here carry no quotes,
 * so splitting on whitespace reads them as that does. `npm run plan` runs with the same flags (package.json), and the benchmark
 * measures with them, so the figures it records are the ones users get.
 */
export const PROJECT_FILE = path.join(__dirname, "..", "Pulumi.yaml");

export function projectNodeArgs(projectFile: string = PROJECT_FILE): string[] {
  const project = YAML.parse(fs.readFileSync(projectFile, "utf8")) as {
    runtime?: { options?: { nodeargs?: string } };
  };
  const text = project.runtime?.options?.nodeargs ?? "";
  return text.split(/\s+/).filter((a) => a.length > 0);
}
