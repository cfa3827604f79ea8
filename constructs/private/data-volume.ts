import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import type { Construct } from "constructs";
import { engineKey } from "./engine.js";
import { claimDockerName } from "./unique-names.js";

/**
 * A named Docker volume that holds a service's data. Its name never depends
 * on anything but the name prefix, so no config change replaces it; with
 * `protect`, Terraform's `prevent_destroy` makes scaling in or `cdktf
 * destroy` fail instead of deleting the data. It lives on the engine of
 * `network` (the host's provider in a multi-host stack).
 */
export function dataVolume(scope: Construct, id: string, name: string, protect: boolean, network?: Network): Volume {
  claimDockerName(scope, "volume", name, network ? engineKey(network) : "");
  return new Volume(scope, id, { name, lifecycle: { preventDestroy: protect }, provider: network?.provider });
}
