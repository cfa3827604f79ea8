import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { COMPONENTS, SCRAPE_JOBS } from "../contract/index.js";
import { ALLOY_CONFIG_PATH, ALLOY_HTTP_PORT, ALLOY_STORAGE_PATH, renderAlloyConfig } from "./config/alloy-config.js";
import type { CollectorConfigInput } from "./config/log-pipeline.js";
import { PROMTAIL_CONFIG_PATH, PROMTAIL_HTTP_PORT, PROMTAIL_POSITIONS_DIR, renderPromtailConfig } from "./config/promtail-config.js";
import { DockerService, type HealthcheckSpec } from "./docker-service.js";
import { DockerSocketProxy } from "./docker-socket-proxy.js";
import { dataVolume } from "./private/data-volume.js";
import type { IScrapeable, ScrapeTarget } from "./scrape-target.js";

/** The log collectors LokiStack can run. */
export type LogCollectorKind = "alloy" | "promtail";

/** Props of {@link LogCollector}; LokiStack fills them in. */
export interface LogCollectorProps {
  /** The Docker network the container joins. */
  readonly network: Network;
  /** Which collector runs: Grafana Alloy or Promtail. */
  readonly kind: LogCollectorKind;
  /** Container name, e.g. "alloy". */
  readonly name: string;
  /** Name of the volume that keeps the read positions. */
  readonly volumeName: string;
  /** `prevent_destroy` on the positions volume, like every other data volume. */
  readonly protectData: boolean;
  /** The collector's image. */
  readonly image: string;
  /** Memory limit in bytes. */
  readonly memoryLimitBytes: number;
  /** The stack's network name, the `natsmon.project` label value of its containers. */
  readonly project: string;
  /** Loki's push endpoint on the stack network. */
  readonly pushUrl: string;
  /** Collect every container on the engine, not only the project's. */
  readonly collectAllContainers: boolean;
  /** The Docker socket on the host, mounted read-only into the socket proxy alone. */
  readonly dockerSocketPath: string;
  /** The socket proxy's container name and image, and its internal network's name. */
  readonly socketProxy: { readonly name: string; readonly image: string; readonly networkName: string };
  /** Resources that must exist before the collector starts. @default none */
  readonly dependsOn?: ITerraformDependable[];
  /** The `host` label on every line it ships, in a stack over several Docker hosts. @default no host label */
  readonly host?: string;
}

/**
 * A healthcheck for the collectors' Ubuntu-based images, which have bash but
 * neither curl nor wget: an HTTP GET over bash's /dev/tcp, healthy on a 200.
 */
export function bashHttpProbe(port: number, path: string): string[] {
  const script =
    `exec 3<>/dev/tcp/127.0.0.1/${port} && ` +
    `printf 'GET ${path} HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && ` +
    `head -n 1 <&3 | grep -q ' 200 '`;
  return ["CMD", "bash", "-c", script];
}

/** The construct id of each collector's positions volume; "data" was Alloy's from the start. */
export const COLLECTOR_VOLUME_IDS: Record<LogCollectorKind, string> = { alloy: "data", promtail: "promtail-data" };

interface CollectorSpec {
  readonly port: number;
  readonly dataDir: string;
  readonly configPath: string;
  readonly command: string[];
  readonly readyPath: string;
  readonly render: (input: CollectorConfigInput) => string;
}

const SPECS: Record<LogCollectorKind, CollectorSpec> = {
  alloy: {
    port: ALLOY_HTTP_PORT,
    dataDir: ALLOY_STORAGE_PATH,
    configPath: ALLOY_CONFIG_PATH,
    command: [
      "run",
      // Alloy listens on 127.0.0.1 by default; Prometheus scrapes it from another container.
      `--server.http.listen-addr=0.0.0.0:${ALLOY_HTTP_PORT}`,
      `--storage.path=${ALLOY_STORAGE_PATH}`,
      "--disable-reporting",
      ALLOY_CONFIG_PATH,
    ],
    // Ready once the config is loaded; component health is in Alloy's UI and metrics.
    readyPath: "/-/ready",
    render: renderAlloyConfig,
  },
  promtail: {
    port: PROMTAIL_HTTP_PORT,
    dataDir: PROMTAIL_POSITIONS_DIR,
    configPath: PROMTAIL_CONFIG_PATH,
    command: [`-config.file=${PROMTAIL_CONFIG_PATH}`],
    readyPath: "/ready",
    render: renderPromtailConfig,
  },
};

/**
 * The container that tails every stack container's logs through the Docker
 * API and pushes them to Loki: Grafana Alloy, or Promtail when asked. It
 * does not get the Docker socket (which is root on the host, whatever a
 * read-only mount says): it talks to a {@link DockerSocketProxy} that allows
 * only the read endpoints it needs, on an internal network the two share.
 * Read positions live on a named volume, so a restart or a replaced
 * container neither re-ships nor drops lines.
 */
export class LogCollector extends Construct implements IScrapeable {
  readonly kind: LogCollectorKind;
  readonly service: DockerService;
  /** The volume with the read positions. */
  readonly dataVolume: Volume;
  readonly scrapeTarget: ScrapeTarget;
  /** The filtering proxy in front of the Docker socket. */
  readonly socketProxy: DockerSocketProxy;

  constructor(scope: Construct, id: string, props: LogCollectorProps) {
    super(scope, id);
    const spec = SPECS[props.kind];
    this.kind = props.kind;
    // One address per kind: switching collectors forgets one volume and creates
    // the other, rather than replacing (deleting) the volume under a new name.
    this.dataVolume = dataVolume(this, COLLECTOR_VOLUME_IDS[props.kind], props.volumeName, props.protectData, props.network);
    const healthcheck: HealthcheckSpec = { test: bashHttpProbe(spec.port, spec.readyPath) };
    this.socketProxy = new DockerSocketProxy(this, "SocketProxy", {
      stackNetwork: props.network,
      name: props.socketProxy.name,
      networkName: props.socketProxy.networkName,
      client: props.name,
      image: props.socketProxy.image,
      dockerSocketPath: props.dockerSocketPath,
      memoryLimitBytes: 64 * 1024 ** 2,
    });
    this.service = new DockerService(this, "Service", {
      network: props.network,
      name: props.name,
      component: COMPONENTS[props.kind],
      image: props.image,
      command: spec.command,
      files: [
        {
          path: spec.configPath,
          content: spec.render({
            project: props.project,
            dockerHost: this.socketProxy.dockerHost,
            pushUrl: props.pushUrl,
            collectAllContainers: props.collectAllContainers,
            host: props.host,
          }),
        },
      ],
      volumes: [{ volume: this.dataVolume, containerPath: spec.dataDir }],
      extraNetworks: [this.socketProxy.network],
      // Both images run as root, and the read positions on an existing
      // volume are root's: root without capabilities still owns them.
      healthcheck,
      memoryLimitBytes: props.memoryLimitBytes,
      dependsOn: [...(props.dependsOn ?? []), this.socketProxy.service.container],
    });
    this.scrapeTarget = { jobName: SCRAPE_JOBS[props.kind], targets: [`${props.name}:${spec.port}`] };
  }
}
