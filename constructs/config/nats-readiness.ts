import { imageReleaseVersion, isAtLeast, type ReleaseVersion } from "../private/image-version.js";

/**
 * The first nats-server release with `/healthz?js-meta-only=true` (nats-server
 * pull request 6649, in 2.11.0). The same release made `js-server-only`
 * return right after the "ready for connections" check, before any
 * JetStream or meta-leader check.
 */
export const JS_META_ONLY_SINCE: ReleaseVersion = [2, 11, 0];

/**
 * The monitoring path that answers 200 once a node is ready in the sense the
 * docs promise: it accepts clients, JetStream runs, and it is in contact
 * with (and current with) the meta leader; streams and consumers catching up
 * are not waited for. The later nodes of a cluster start only once the nodes
 * before them pass it, so they join a group that already has a leader.
 *
 * - nats-server 2.11 and later: `js-meta-only=true` (meta leader contact,
 *   not recovering, current). `js-server-only` there only means "accepts
 *   connections".
 * - 2.10 and earlier (Debian's 2.9.10 among them): `js-server-only=true`,
 *   which there checks the meta leader before it skips the streams.
 * - A tag that names no x.y.z release (`latest`, a digest): `js-meta-only`.
 *   A pre-2.11 server ignores the option it does not know and runs its full
 *   check (meta leader and every stream), which is stricter, never weaker.
 */
export function natsReadinessPath(image: string): string {
  const version = imageReleaseVersion(image);
  const option = version === undefined || isAtLeast(version, JS_META_ONLY_SINCE) ? "js-meta-only" : "js-server-only";
  return `/healthz?${option}=true`;
}
