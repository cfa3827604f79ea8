import { Construct } from "constructs";
import { COMPONENTS, CONTAINER_NAMES, CONTAINER_PORTS, DEFAULT_HOST_PORTS, SCRAPE_JOBS } from "../contract/index.js";
import { DockerService } from "./docker-service.js";
import { DEFAULT_IMAGES } from "./images.js";
import type { NatsCluster } from "./nats-cluster.js";
import { NOBODY } from "./private/container-hardening.js";
import { hostUrl } from "./private/host-url.js";
import { propError, requirePort } from "./private/validation.js";
import type { IScrapeable, ScrapeTarget } from "./scrape-target.js";
import { resolveServiceBase, type ServiceBaseProps } from "./service-props.js";

/** The port the exporter listens on inside its container (its default). */
export const EXPORTER_PORT = CONTAINER_PORTS.exporter;
/** The guide publishes the exporter on 7778, next to Surveyor's 7777. */
export const EXPORTER_HOST_PORT = DEFAULT_HOST_PORTS.exporter;

/** What the exporter's `-jsz` collects. */
export type ExporterJsz = "all" | "streams" | "consumers" | "accounts" | "off";

/** Where the stack's CA goes when the servers' monitoring port serves HTTPS. */
const EXPORTER_CA_PATH = "/etc/nats-exporter/ca.pem";

/** Props of {@link NatsExporter}. */
export interface NatsExporterProps extends ServiceBaseProps {
  /** The cluster whose servers' monitoring endpoints (8222) are read. */
  readonly cluster: NatsCluster;
  /** Host port for the exporter. @default 7778 */
  readonly hostPort?: number;
  /**
   * The nodes it reads, by node (container) name: in a cluster over several
   * Docker hosts, each host's exporter reads the nodes on its own host.
   * @default every node of the cluster
   */
  readonly nodeNames?: readonly string[];
  /**
   * JetStream metrics (`-jsz=...`): `jetstream_server_*`, `jetstream_stream_*`,
   * `jetstream_consumer_*`, one series per replica: the exporter (0.20.x,
   * `exporter/exporter.go` and `collector/jsz.go`) has no leaders-only switch
   * and no account or stream filter, only this mode. `"accounts"` keeps the
   * server series and drops the per-stream and per-consumer ones, which the
   * project's rules and dashboards do not read (they use Surveyor's); see
   * docs/series-count.md.
   * @default "all"
   */
  readonly jsz?: ExporterJsz;
}

/**
 * prometheus-nats-exporter: reads every server's monitoring endpoints (varz,
 * connz, routez, subz, healthz, jsz) and serves them as `gnatsd_*` and
 * `jetstream_*` gauges. The default metric prefix is kept, since
 * `-prefix=nats` would collide with Surveyor's `nats_*` names.
 */
export class NatsExporter extends Construct implements IScrapeable {
  /** The container. */
  readonly service: DockerService;
  /** Job "nats-exporter", target `<container>:7777`. */
  readonly scrapeTarget: ScrapeTarget;
  /** The exporter's URL on the Docker host, e.g. http://127.0.0.1:7778. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: NatsExporterProps) {
    super(scope, id);
    const base = resolveServiceBase(this, props, { image: DEFAULT_IMAGES.natsExporter, memoryLimit: "128M" });
    const hostPort = requirePort(this, "hostPort", props.hostPort ?? EXPORTER_HOST_PORT, EXPORTER_HOST_PORT);
    const jsz = props.jsz ?? "all";
    if (!["all", "streams", "consumers", "accounts", "off"].includes(jsz)) {
      throw propError(this, "jsz", jsz, 'must be "all", "streams", "consumers", "accounts" or "off"', 'keep "all"');
    }
    const { cluster } = props;
    for (const node of props.nodeNames ?? []) {
      if (!cluster.nodeNames.includes(node)) {
        throw propError(
          this,
          "nodeNames",
          node,
          `must name nodes of the cluster (${cluster.nodeNames.join(", ")})`,
          "use a node's container name",
        );
      }
    }
    const read = cluster.nodeNames.flatMap((node, i) =>
      props.nodeNames === undefined || props.nodeNames.includes(node) ? [`${node},${cluster.monitoringUrls[i]}`] : [],
    );

    const command = [
      `-port=${EXPORTER_PORT}`,
      "-varz",
      "-connz",
      "-routez",
      "-subz",
      "-healthz",
      ...(jsz === "off" ? [] : [`-jsz=${jsz}`]),
      // Positional `name,url` pairs, after every flag: the name becomes the
      // server_id label, so series read nats-node1 instead of a URL.
      ...read,
    ];

    // With HTTPS on the monitoring port the exporter verifies the servers
    // with the stack's CA: it has no flag for that, but Go reads the trusted
    // roots from SSL_CERT_FILE. The CA then arrives as an upload, which a
    // read-only root filesystem would refuse.
    const caPem = cluster.monitoringTls ? cluster.caCertPem : undefined;
    const name = base.nameOf(CONTAINER_NAMES.exporter);
    this.service = new DockerService(this, "Service", {
      network: base.network,
      name,
      component: COMPONENTS.exporter,
      image: base.image,
      command,
      // It writes nothing and takes its whole configuration as flags: it
      // runs as nobody on a read-only root filesystem (unless the CA is uploaded).
      user: NOBODY,
      env: caPem === undefined ? undefined : { SSL_CERT_FILE: EXPORTER_CA_PATH },
      files: caPem === undefined ? undefined : [{ path: EXPORTER_CA_PATH, content: caPem }],
      hardening: { readOnlyRootFilesystem: caPem === undefined },
      ports: [{ internal: EXPORTER_PORT, external: hostPort, ip: base.bindAddress }],
      // The exporter has no health endpoint; a served /metrics is the sign of life.
      // Every read of /metrics queries each server's endpoints, hence the long interval.
      healthcheck: {
        test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${EXPORTER_PORT}/metrics`],
        interval: "30s",
      },
      memoryLimitBytes: base.memoryLimitBytes,
      dependsOn: cluster.nodes.map((node) => node.container),
    });

    this.scrapeTarget = { jobName: SCRAPE_JOBS.exporter, targets: [`${name}:${EXPORTER_PORT}`] };
    this.hostUrl = hostUrl(base.bindAddress, hostPort);
  }
}
