import { createHash } from "node:crypto";
import { Image } from "@cdktf/provider-docker/lib/image/index.js";
import type { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

const imagesByStack = new WeakMap<TerraformStack, Map<string, Image>>();

/**
 * The stack's one `docker_image` for `reference`: the three NATS nodes share
 * one image resource instead of pulling it three times. Its id derives from
 * the reference alone, so adding a node does not touch it. In a multi-host
 * stack each engine (`provider`) pulls its own, with the alias in its id.
 */
export function sharedImage(scope: IConstruct, reference: string, provider?: DockerProvider): Image {
  const stack = TerraformStack.of(scope);
  let images = imagesByStack.get(stack);
  if (!images) {
    images = new Map();
    imagesByStack.set(stack, images);
  }
  const alias = provider?.alias;
  const key = alias === undefined ? reference : `${alias}|${reference}`;
  let image = images.get(key);
  if (!image) {
    const readable = reference.replace(/[^A-Za-z0-9]+/g, "-");
    const digest = createHash("sha256").update(reference).digest("hex").slice(0, 8);
    // keep_locally: `cdktf destroy` leaves the image in the engine's cache,
    // where other stacks on the same host may use it too.
    const id = alias === undefined ? `Image-${readable}-${digest}` : `Image-${alias}-${readable}-${digest}`;
    image = new Image(stack, id, { name: reference, keepLocally: true, provider });
    images.set(key, image);
  }
  return image;
}
