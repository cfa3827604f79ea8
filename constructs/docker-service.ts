import { createHash } from "node:crypto";
import { Container, type ContainerConfig } from "@cdktf/provider-docker/lib/container/index.js";
import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { type ITerraformDependable, Lazy } from "cdktf";
import { Construct } from "constructs";
import { LABELS } from "../contract/index.js";
import { type ContainerHardening, hardeningConfig } from "./private/container-hardening.js";
import { engineKey, engineProvider } from "./private/engine.js";
import { escapeTerraform } from "./private/escape-terraform.js";
import { claimHostPort } from "./private/host-ports.js";
import { sharedImage } from "./private/shared-image.js";
import { claimDockerName } from "./private/unique-names.js";
import { propError } from "./private/validation.js";

/** Label keys every container of the project carries (see config/container-labels.ts). */

/** A container port published on the Docker host. */
export interface PublishedPort {
  /** The port inside the container. */
  readonly internal: number;
  /** The port on the Docker host. */
  readonly external: number;
  /** The host address it binds to. */
  readonly ip: string;
}

/** A config file uploaded into the container before it starts. */
export interface UploadedFile {
  /** Absolute path inside the container. */
  readonly path: string;
  /**
   * The file's text. May contain Terraform references (tokens). A function is
   * called at synth time, after every construct has been added: use it for
   * files that later calls change, such as prometheus.yml and its
   * `addScrapeTarget()`.
   */
  readonly content: string | (() => string);
  /** @default false */
  readonly executable?: boolean;
}

/** A named Docker volume mounted into the container. */
export interface VolumeMount {
  readonly volume: Volume;
  readonly containerPath: string;
  /** @default false */
  readonly readOnly?: boolean;
}

/** A path of the Docker host mounted into the container. */
export interface HostMount {
  readonly hostPath: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/** A device node of the Docker host made available in the container. */
export interface DeviceMount {
  readonly hostPath: string;
  readonly containerPath: string;
  /** cgroup device permissions: any of r (read), w (write), m (mknod). */
  readonly permissions: string;
}

/** A Docker healthcheck. */
export interface HealthcheckSpec {
  /** Docker's form: ["CMD", "wget", ...] or ["CMD-SHELL", "..."]. */
  readonly test: string[];
  /** @default "10s" */
  readonly interval?: string;
  /** @default "5s" */
  readonly timeout?: string;
  /** @default 6 */
  readonly retries?: number;
  /** @default "20s" */
  readonly startPeriod?: string;
}

/** Everything that describes one container of the topology. */
export interface DockerServiceProps {
  /** The network the container joins. */
  readonly network: Network;
  /** More networks it joins, e.g. an internal one it shares with a single peer. @default none */
  readonly extraNetworks?: readonly Network[];
  /** Container name; also its host name on the network. */
  readonly name: string;
  /** Value of the `natsmon.component` label. */
  readonly component: string;
  /** The image reference, e.g. "nats:2.14.5-alpine". */
  readonly image: string;
  /** Overrides the image's entrypoint. @default the image's */
  readonly entrypoint?: string[];
  /** Overrides the image's command. @default the image's */
  readonly command?: string[];
  /** Environment variables. Values may be Terraform references. @default none */
  readonly env?: Record<string, string>;
  /** User to run as, e.g. "10001:10001". @default the image's */
  readonly user?: string;
  /** Config files uploaded into the container. @default none */
  readonly files?: UploadedFile[];
  /** Named volumes for data. @default none */
  readonly volumes?: VolumeMount[];
  /** Host paths, such as the Docker socket for a log collector. @default none */
  readonly hostMounts?: HostMount[];
  /** Host devices, such as /dev/kmsg read-only for cAdvisor's OOM events. @default none */
  readonly devices?: DeviceMount[];
  /** Extra host names on the network besides `name`. @default none */
  readonly aliases?: string[];
  /** Ports published on the Docker host. @default none */
  readonly ports?: PublishedPort[];
  /** The container's healthcheck; `wait` uses it at apply time. */
  readonly healthcheck: HealthcheckSpec;
  /** Memory limit in bytes. */
  readonly memoryLimitBytes: number;
  /** The signal `docker stop` sends. @default "SIGTERM" (Docker's) */
  readonly stopSignal?: string;
  /** Seconds Docker waits after the stop signal before it kills the container. @default 10 (Docker's) */
  readonly stopTimeoutSeconds?: number;
  /**
   * Run an init process (Docker's tini) as PID 1, which passes signals on
   * and reaps zombies: for a main process that ignores SIGTERM as PID 1,
   * such as `tail -f /dev/null`. @default false
   */
  readonly init?: boolean;
  /** Seconds `terraform apply` waits for the container to turn healthy. @default 120 */
  readonly waitTimeoutSeconds?: number;
  /** Extra labels. @default none */
  readonly labels?: Record<string, string>;
  /** Resources that must exist before this container starts. @default none */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * What the container needs beyond the locked-down baseline that every
   * container gets (`no-new-privileges`, every capability dropped).
   * @default nothing: no capability added, a writable root filesystem
   */
  readonly hardening?: ContainerHardening;
}

/** What the spec hash resolves to in cdktf's preparing pass, whose output is never written. */
const PREPARING_PLACEHOLDER = "(spec hash: computed in the final resolution)";

/** Size of each json-file log and how many are kept: 3 x 10 MB per container. */
const LOG_OPTS = { "max-size": "10m", "max-file": "3" };

/**
 * The one place that turns a service spec into a `docker_image` and a
 * `docker_container`, with the project's defaults: `no-new-privileges` and
 * every Linux capability dropped (a service adds back what it needs through
 * `hardening`), restart `unless-stopped`,
 * a healthcheck that `terraform apply` waits for, json-file log rotation,
 * no TTY (nats-server colours its log levels on a TTY), labels for the log
 * collector and a spec hash, config files as `upload` blocks, and host
 * ports that cannot collide within the stack.
 */
export class DockerService extends Construct {
  /** The container resource. */
  readonly container: Container;
  /** The container (and host) name. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: DockerServiceProps) {
    super(scope, id);
    this.name = props.name;
    // The engine is the network's: a multi-host stack's hosts each have their own network and provider.
    const engine = engineKey(props.network);
    const provider = engineProvider(props.network);
    claimDockerName(this.node.scope ?? this, "container", props.name, engine);
    for (const port of props.ports ?? []) claimHostPort(this, `${port.ip}:${port.external}`, props.name, engine);
    for (const file of props.files ?? []) {
      if (!file.path.startsWith("/")) {
        throw propError(this, "files", file.path, "must hold absolute container paths", "start the path with /");
      }
    }

    const image = sharedImage(this, props.image, provider);
    const hardening = hardeningConfig(this, props.hardening ?? {}, {
      uploadPaths: (props.files ?? []).map((file) => file.path),
      writableVolumePaths: (props.volumes ?? []).filter((v) => !v.readOnly).map((v) => v.containerPath),
    });
    // Everything but the labels; the spec hash is computed over exactly this.
    const spec: ContainerConfig = {
      name: props.name,
      image: image.imageId,
      entrypoint: props.entrypoint,
      command: props.command,
      env: Object.entries(props.env ?? {}).map(([key, value]) => `${key}=${escapeTerraform(value)}`),
      user: props.user,
      restart: "unless-stopped",
      tty: false,
      init: props.init,
      memory: Math.ceil(props.memoryLimitBytes / 1024 ** 2),
      logDriver: "json-file",
      logOpts: LOG_OPTS,
      stopSignal: props.stopSignal,
      stopTimeout: props.stopTimeoutSeconds,
      // The provider stops the container before it removes it; give it the
      // same grace as `docker stop` so a replaced NATS node drains first.
      destroyGraceSeconds: props.stopTimeoutSeconds,
      wait: true,
      waitTimeout: props.waitTimeoutSeconds ?? 120,
      healthcheck: {
        test: props.healthcheck.test,
        interval: props.healthcheck.interval ?? "10s",
        timeout: props.healthcheck.timeout ?? "5s",
        retries: props.healthcheck.retries ?? 6,
        startPeriod: props.healthcheck.startPeriod ?? "20s",
      },
      ...hardening,
      networksAdvanced: [
        { name: props.network.name, aliases: props.aliases },
        ...(props.extraNetworks ?? []).map((network) => ({ name: network.name })),
      ],
      ports: nonEmpty((props.ports ?? []).map((p) => ({ internal: p.internal, external: p.external, ip: p.ip, protocol: "tcp" }))),
      volumes: nonEmpty([
        ...(props.volumes ?? []).map((v) => ({
          volumeName: v.volume.name,
          containerPath: v.containerPath,
          readOnly: v.readOnly ?? false,
        })),
        ...(props.hostMounts ?? []).map((m) => ({
          hostPath: m.hostPath,
          containerPath: m.containerPath,
          readOnly: m.readOnly,
        })),
      ]),
      devices: nonEmpty(
        (props.devices ?? []).map((d) => ({ hostPath: d.hostPath, containerPath: d.containerPath, permissions: d.permissions })),
      ),
      upload: nonEmpty(
        (props.files ?? []).map((f) => ({
          file: f.path,
          content: typeof f.content === "function" ? lazyText(f.content) : escapeTerraform(f.content),
          executable: f.executable ?? false,
        })),
      ),
    };

    const labels = {
      [LABELS.project]: props.network.name,
      [LABELS.component]: props.component,
      ...props.labels,
    };
    const specHash = Lazy.stringValue({
      // Resolved at synth time, so Terraform references hash by their
      // expression and the hash is stable from one synth to the next.
      // cdktf resolves the whole stack twice: first a preparing pass, whose
      // result it drops (it only lets references register themselves across
      // stacks), then the real one. Every token in the spec is also in the
      // container's own attributes, which that pass resolves anyway, so the
      // hash (a second resolution of the largest spec, config files included)
      // is computed only for the output; it is a measurable part of synth.
      produce: (context) => (context.preparing ? PREPARING_PLACEHOLDER : sha256(JSON.stringify(context.resolve({ spec, labels })))),
    });

    this.container = new Container(this, "Container", {
      ...spec,
      provider,
      dependsOn: nonEmpty([...(props.dependsOn ?? [])]),
      labels: [...Object.entries(labels).map(([label, value]) => ({ label, value })), { label: LABELS.specHash, value: specHash }],
    });
  }
}

function lazyText(render: () => string): string {
  return Lazy.stringValue({ produce: () => escapeTerraform(render()) });
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
