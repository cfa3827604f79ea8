import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { propError } from "./validation.js";

interface Claim {
  readonly path: string;
  readonly container: string;
}

// One registry per stack: two containers of one stack cannot publish the same
// host address and port, and Docker would only say so at apply time.
const claimsByStack = new WeakMap<TerraformStack, Map<string, Claim>>();

/**
 * Records that `scope` publishes `address` ("ip:port") on the Docker host and
 * fails at synth time when another container of the same stack already does.
 * A port bound to 0.0.0.0 collides with the same port on any address.
 */
export function claimHostPort(scope: IConstruct, address: string, container: string, engine = ""): void {
  const stack = TerraformStack.of(scope);
  let claims = claimsByStack.get(stack);
  if (!claims) {
    claims = new Map();
    claimsByStack.set(stack, claims);
  }
  const port = address.slice(address.lastIndexOf(":") + 1);
  const key = `${engine}|${address}`;
  for (const [takenKey, claim] of claims) {
    // Each host of a multi-host stack has ports of its own.
    if (!takenKey.startsWith(`${engine}|`)) continue;
    const taken = takenKey.slice(engine.length + 1);
    const takenPort = taken.slice(taken.lastIndexOf(":") + 1);
    const sameAddress = taken === address || taken.startsWith("0.0.0.0:") || address.startsWith("0.0.0.0:");
    if (takenPort === port && sameAddress) {
      throw propError(
        scope,
        "host port",
        address,
        `is already published by ${claim.container} ("${claim.path}")`,
        "give one of the two services another host port",
      );
    }
  }
  claims.set(key, { path: scope.node.path, container });
}
