import { TerraformStack, Token } from "cdktf";
import type { IConstruct } from "constructs";
import { propError } from "./validation.js";

/** What kind of Docker object a name belongs to: names are unique per kind on one engine. */
export type DockerNameKind = "container" | "volume";

// One registry per stack: Docker refuses a second container or volume of
// the same name only at apply time, after the first one exists.
const namesByStack = new WeakMap<TerraformStack, Map<string, IConstruct>>();

/**
 * Records that `owner` (the part, e.g. a NatsCluster) creates a container or
 * volume called `name`, and fails at synth time when another part of the
 * same stack already does on the same engine (`engine`: the provider alias
 * of a multi-host stack's host, "" for the stack's only engine), naming both.
 */
export function claimDockerName(owner: IConstruct, kind: DockerNameKind, name: string, engine = ""): void {
  if (Token.isUnresolved(name)) return;
  const stack = TerraformStack.of(owner);
  let names = namesByStack.get(stack);
  if (!names) {
    names = new Map();
    namesByStack.set(stack, names);
  }
  // Names are unique per engine: each host of a multi-host stack has its own.
  const key = `${engine}|${kind}:${name}`;
  const other = names.get(key);
  if (other !== undefined) {
    throw propError(
      owner,
      `${kind} name`,
      name,
      `is already the name of a ${kind} of ${other.constructor.name} "${other.node.path}" in this stack`,
      "give one of the two another namePrefix",
    );
  }
  names.set(key, owner);
}
