/**
 * The release an image reference names in its tag, for behaviour that
 * depends on the version of the program inside (a health endpoint's
 * options, a flag that only newer releases have).
 */

/** A release as major, minor, patch. */
export type ReleaseVersion = readonly [major: number, minor: number, patch: number];

/**
 * The x.y.z release in an image reference's tag, with or without a leading
 * `v` and a suffix (`nats:2.14.5-alpine` -> [2, 14, 5], `grafana/loki:3.6.5`,
 * `prom/alertmanager:v0.34.1`). Undefined when the tag names no such release
 * (`latest`, `2.14-alpine`, a digest), so callers decide what an unknown
 * version means for them.
 */
export function imageReleaseVersion(image: string): ReleaseVersion | undefined {
  const withoutDigest = image.replace(/@.*$/, "");
  const tag = /:([^/:]+)$/.exec(withoutDigest)?.[1];
  const match = tag === undefined ? null : /^v?(\d+)\.(\d+)\.(\d+)(?:[-+][\w.-]+)?$/.exec(tag);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** True when `version` is `minimum` or later. */
export function isAtLeast(version: ReleaseVersion, minimum: ReleaseVersion): boolean {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== minimum[i]) return version[i] > minimum[i];
  }
  return true;
}
