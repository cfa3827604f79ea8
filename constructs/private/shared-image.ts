import { createHash } from "node:crypto";
import { Image } from "@cdktf/provider-docker/lib/image/index.js";
import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

const imagesByStack = new WeakMap<TerraformStack, Map<string, Image>>();

/**
 * The stack's one `docker_image` for `reference`: the three NATS nodes share
 * one image resource instead of pulling it three times. Its id derives from
 * the reference alone, so adding a node does not touch it.
 */
export function sharedImage(scope: IConstruct, reference: string): Image {
  const stack = TerraformStack.of(scope);
  let images = imagesByStack.get(stack);
  if (!images) {
    images = new Map();
    imagesByStack.set(stack, images);
  }
  let image = images.get(reference);
  if (!image) {
    const readable = reference.replace(/[^A-Za-z0-9]+/g, "-");
    const digest = createHash("sha256").update(reference).digest("hex").slice(0, 8);
    // keep_locally: `cdktf destroy` leaves the image in the engine's cache,
    // where other stacks on the same host may use it too.
    image = new Image(stack, `Image-${readable}-${digest}`, { name: reference, keepLocally: true });
    images.set(reference, image);
  }
  return image;
}
