import { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import type { Construct } from "constructs";

/**
 * A named Docker volume that holds a service's data. Its name never depends
 * on anything but the name prefix, so no config change replaces it; with
 * `protect`, Terraform's `prevent_destroy` makes scaling in or `cdktf
 * destroy` fail instead of deleting the data.
 */
export function dataVolume(scope: Construct, id: string, name: string, protect: boolean): Volume {
  return new Volume(scope, id, { name, lifecycle: { preventDestroy: protect } });
}
