import type { IConstruct } from "constructs";
import type { LogCollectorKind } from "../log-collector.js";
import { imageReleaseVersion, isAtLeast, type ReleaseVersion } from "./image-version.js";
import { propError } from "./validation.js";

/**
 * The first Loki release with `loki -health`, the healthcheck of Loki's
 * distroless image (no shell, no wget): backported to 3.6.5, and in 3.7.
 */
export const LOKI_HEALTH_FLAG_SINCE: ReleaseVersion = [3, 6, 5];

/**
 * Refuses a Loki image whose tag names a release without `loki -health`:
 * its container could never turn healthy, and `terraform apply` would wait
 * for it until the timeout. A tag without an x.y.z release passes.
 */
export function requireLokiWithHealthFlag(scope: IConstruct, prop: string, image: string): string {
  const version = imageReleaseVersion(image);
  if (version !== undefined && !isAtLeast(version, LOKI_HEALTH_FLAG_SINCE)) {
    throw propError(
      scope,
      prop,
      image,
      `must be Loki ${LOKI_HEALTH_FLAG_SINCE.join(".")} or later: the healthcheck runs \`loki -health\`, which older releases do not have`,
      "use grafana/loki:3.7.8, the default, or another release from 3.6.5 on",
    );
  }
  return image;
}

/**
 * Refuses an Alloy `-distroless` image: it has no bash, so the collector's
 * readiness probe (an HTTP request over bash's /dev/tcp) could never pass.
 */
export function requireCollectorImageWithBash(scope: IConstruct, prop: string, kind: LogCollectorKind, image: string): string {
  const tag = /:([^/:@]+)(?:@.*)?$/.exec(image)?.[1] ?? "";
  if (kind === "alloy" && /distroless/i.test(tag)) {
    throw propError(
      scope,
      prop,
      image,
      "must not be a -distroless Alloy image: it has no bash, and the collector's healthcheck runs its HTTP probe in bash",
      "use the default Ubuntu-based tag, e.g. grafana/alloy:v1.21.2",
    );
  }
  return image;
}
