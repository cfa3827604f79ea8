import { join } from "node:path";
import type { TerraformStack } from "cdktf";
import { renderKeptVolumesHcl } from "./kept-volumes.js";

/** What `TerraformStack.toHclTerraform()` returns: cdk.tf's text and metadata.json's content. */
export interface HclSynthesis {
  readonly hcl: string;
  readonly metadata: unknown;
  readonly [key: string]: unknown;
}

function replaceString(value: unknown, from: string, to: string): unknown {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((item) => replaceString(item, from, to));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceString(item, from, to)]));
  }
  return value;
}

/**
 * Writes an attribute whose whole value is one interpolation, `a = "${x.y}"`,
 * as the bare expression `a = x.y`, the form `terraform fmt` (1.x) insists on;
 * cdktf renders every reference in quotes. Heredoc bodies (uploaded files) are
 * left alone.
 */
export function unwrapInterpolations(hcl: string): string {
  let heredocEnd: string | undefined;
  return hcl
    .split("\n")
    .map((line) => {
      if (heredocEnd !== undefined) {
        if (line.trim() === heredocEnd) heredocEnd = undefined;
        return line;
      }
      const heredoc = /<<-?([A-Za-z_]\w*)$/.exec(line);
      if (heredoc) {
        heredocEnd = heredoc[1];
        return line;
      }
      return line.replace(/^(\s*[^\s=]+\s*=\s*)"\$\{([^"{}]*)\}"$/, "$1$2");
    })
    .join("\n");
}

/**
 * Makes a stack's `cdktf synth --hcl` output plain, portable Terraform:
 * - the `removed` blocks of its KeptVolumes, which cdktf's HCL renderer drops;
 * - references as bare expressions ({@link unwrapInterpolations});
 * - the default local backend's state path made relative (cdktf writes the
 *   absolute path of the folder it ran in, in cdk.tf and metadata.json): the
 *   state file is then expected next to cdk.tf, where Terraform run in that
 *   folder looks for it. A backend the user configured is left as it is.
 */
export function portableHcl(stack: TerraformStack, rendered: HclSynthesis): HclSynthesis {
  const stateFile = `terraform.${stack.node.id}.tfstate`;
  const machinePath = join(process.cwd(), stateFile);
  const hcl = unwrapInterpolations(rendered.hcl)
    .split(`path = ${JSON.stringify(machinePath)}`)
    .join(`path = ${JSON.stringify(stateFile)}`);
  return { ...rendered, hcl: `${hcl}${renderKeptVolumesHcl(stack)}`, metadata: replaceString(rendered.metadata, machinePath, stateFile) };
}
