import type { ContainerCapabilities, ContainerConfig } from "@cdktf/provider-docker/lib/container/index.js";
import type { IConstruct } from "constructs";
import { propError } from "./validation.js";

/**
 * What one container needs beyond the project's locked-down baseline. Every
 * container gets `no-new-privileges` and starts with all Linux capabilities
 * dropped; a construct declares here what its image needs back.
 */
export interface ContainerHardening {
  /**
   * Linux capabilities to add back after dropping all of them, without the
   * `CAP_` prefix, e.g. `["NET_BIND_SERVICE"]`. None of the stack's services
   * needs one: they bind ports above 1024 and own the files they write.
   * @default none
   */
  readonly addCapabilities?: readonly string[];
  /**
   * Mount the root filesystem read-only. Docker refuses to copy files into a
   * read-only root filesystem ("container rootfs is marked read-only"), and
   * config files reach the containers as `upload` blocks before they start:
   * so only a container whose uploads all land in one of its writable volumes
   * can have it. DockerService checks that at synth time.
   * @default false
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * tmpfs mounts for the paths a read-only container writes to, with their
   * mount options, e.g. `{ "/tmp": "size=16m,mode=1777" }`.
   * @default none
   */
  readonly tmpfs?: Readonly<Record<string, string>>;
}

/** The `security_opt` every container of the project carries: no setuid or file-capability escalation. */
export const NO_NEW_PRIVILEGES = "no-new-privileges:true";

/** uid:gid of `nobody` in the Alpine and busybox based images, for services that write nothing. */
export const NOBODY = "65534:65534";

/** Capability names as Docker takes them: upper case, without the CAP_ prefix. */
const CAPABILITY = /^[A-Z][A-Z_]*$/;

/** What the checks of {@link hardeningConfig} need to know about the container. */
export interface HardeningContext {
  /** Absolute paths of the files uploaded into the container. */
  readonly uploadPaths: readonly string[];
  /** Container paths of the writable volumes. */
  readonly writableVolumePaths: readonly string[];
}

/**
 * The container attributes for a hardening spec, validated for `scope`:
 * `security_opts`, `capabilities`, `read_only` and `tmpfs`.
 */
export function hardeningConfig(
  scope: IConstruct,
  hardening: ContainerHardening,
  context: HardeningContext,
): Pick<ContainerConfig, "securityOpts" | "capabilities" | "readOnly" | "tmpfs"> {
  const add = [...(hardening.addCapabilities ?? [])];
  for (const capability of add) {
    if (!CAPABILITY.test(capability) || capability === "ALL") {
      throw propError(
        scope,
        "hardening.addCapabilities",
        capability,
        "must be single Linux capability names in upper case without the CAP_ prefix",
        'write it like "NET_BIND_SERVICE"',
      );
    }
  }
  const tmpfs = { ...(hardening.tmpfs ?? {}) };
  for (const path of Object.keys(tmpfs)) {
    if (!path.startsWith("/")) {
      throw propError(scope, "hardening.tmpfs", path, "must hold absolute container paths", "start the path with /");
    }
  }
  const readOnly = hardening.readOnlyRootFilesystem ?? false;
  if (readOnly) {
    const outside = context.uploadPaths.filter((path) => !context.writableVolumePaths.some((dir) => isUnder(path, dir)));
    if (outside.length > 0) {
      throw propError(
        scope,
        "hardening.readOnlyRootFilesystem",
        true,
        `cannot hold while files are uploaded outside a writable volume (${outside.join(", ")}): Docker refuses copies into a read-only root filesystem`,
        "leave readOnlyRootFilesystem off for this container, or pass its configuration on the command line",
      );
    }
  }
  const capabilities: ContainerCapabilities = { drop: ["ALL"], ...(add.length > 0 ? { add } : {}) };
  return {
    securityOpts: [NO_NEW_PRIVILEGES],
    capabilities,
    readOnly: readOnly || undefined,
    tmpfs: Object.keys(tmpfs).length > 0 ? tmpfs : undefined,
  };
}

function isUnder(path: string, dir: string): boolean {
  const base = dir.replace(/\/+$/, "");
  return path.startsWith(`${base}/`);
}
