import type { Network } from "@cdktf/provider-docker/lib/network/index.js";
import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { Token } from "cdktf";
import { Construct } from "constructs";
import {
  COMPONENTS,
  CONTAINER_NAMES,
  CONTAINER_PORTS,
  DATA_SOURCE_NAMES,
  DATA_SOURCE_UIDS,
  DEFAULT_HOST_PORTS,
  SCRAPE_JOBS,
} from "../contract/index.js";
import { LOKI_PUSH_PATH } from "./config/log-pipeline.js";
import {
  LOKI_CONFIG_PATH,
  LOKI_DATA_DIR,
  LOKI_PORTS,
  LOKI_RULES_DIR,
  LOKI_SINGLE_TENANT,
  MIN_RETENTION_HOURS,
  renderLokiConfig,
} from "./config/loki-config.js";
import { renderLokiRules } from "./config/loki-rules.js";
import type { DataSourceSpec, IDataSource } from "./data-source.js";
import { DockerService } from "./docker-service.js";
import { DEFAULT_IMAGES } from "./images.js";
import { LogCollector, type LogCollectorKind, type LogCollectorProps } from "./log-collector.js";
import { dataVolume } from "./private/data-volume.js";
import { hostUrl } from "./private/host-url.js";
import { requireImageReference } from "./private/image-reference.js";
import { requireCollectorImageWithBash, requireLokiWithHealthFlag } from "./private/log-image-checks.js";
import { parsePrometheusDuration } from "./private/prometheus-units.js";
import { propError, requirePort } from "./private/validation.js";
import type { IScrapeable } from "./scrape-target.js";
import { requireMemoryLimit, resolveServiceBase, type ServiceBaseProps } from "./service-props.js";

/** The user Loki's image runs as (long before the distroless images of 3.6, too). */
const LOKI_UID = 10001;
/** The range the ERROR ratio is computed over, and how long it must hold. */
const ERROR_RATIO_WINDOW = "15m";
const ERROR_RATIO_FOR = "5m";

/** Props of {@link LokiStack}. */
export interface LokiStackProps extends ServiceBaseProps {
  /**
   * The log collector: Grafana Alloy, or Promtail for setups that still
   * standardise on it (Promtail reached end of life on 2026-03-02).
   * @default "alloy"
   */
  readonly collector?: LogCollectorKind;
  /** The collector's image. @default "grafana/alloy:v1.21.2" or "grafana/promtail:3.6.11" */
  readonly collectorImage?: string;
  /** The collector's memory limit. @default "256M" */
  readonly collectorMemoryLimit?: string;
  /**
   * How long Loki keeps log lines, enforced by the compactor: hours, minutes
   * and seconds, at least 24h (Loki's index period).
   * @default "168h" (7 days, as in the guide)
   */
  readonly retentionPeriod?: string;
  /** Loki's HTTP port on the Docker host. @default 3100 */
  readonly hostPort?: number;
  /**
   * Collect the logs of every container on the Docker engine, not only the
   * stack's own. Containers outside the stack get `job="docker"`.
   * @default false
   */
  readonly collectAllContainers?: boolean;
  /**
   * The Docker socket on the host, mounted read-only into the socket proxy,
   * which passes the collector's read requests on (see DockerSocketProxy).
   * @default "/var/run/docker.sock"
   */
  readonly dockerSocketPath?: string;
  /** The Docker socket proxy's image. @default "wollomatic/socket-proxy:1.12.2" */
  readonly socketProxyImage?: string;
  /**
   * Alertmanager that Loki's ruler sends its alerts to, e.g.
   * "http://alertmanager:9093". Without it the alerts are visible in Loki's
   * `/prometheus/api/v1/alerts` and in Grafana's alert list.
   * @default none
   */
  readonly alertmanagerUrl?: string;
  /**
   * The share of ERROR and FATAL lines in a NATS server's lines above which
   * the `NatsErrorLogRatioHigh` alert fires (the guide's "ERROR above 1%").
   * @default 0.01
   */
  readonly errorRatioThreshold?: number;
  /**
   * Refuse to destroy the `loki-data` volume (Terraform `prevent_destroy`):
   * `cdktf destroy` then fails instead of deleting the stored log lines.
   * @default true
   */
  readonly protectData?: boolean;
  /**
   * The `host` label on every line the collector ships: the Docker host's
   * name, in a stack spread over several hosts (see {@link LokiStack.addHostCollector}).
   * @default no host label
   */
  readonly collectorHost?: string;
}

/**
 * Central log storage: Loki 3 (single binary, TSDB on the filesystem,
 * compactor retention, a ruler that evaluates the ERROR-ratio rule) and a
 * collector that ships every stack container's log lines to it with the
 * labels `job`, `container_name`, `service` and, on NATS server lines,
 * `log_level`.
 *
 * ```ts
 * const loki = new LokiStack(stack, "Loki", { network, retentionPeriod: "720h" });
 * for (const target of loki.scrapeTargets) prometheus.addScrapeTarget(target);
 * ```
 */
export class LokiStack extends Construct implements IDataSource {
  /** The Loki container. */
  readonly loki: DockerService;
  /** The log collector (Alloy or Promtail). */
  readonly collector: LogCollector;
  /** Loki on the stack network, e.g. http://loki:3100. */
  readonly url: string;
  /** Where collectors push lines, e.g. http://loki:3100/loki/api/v1/push. */
  readonly pushUrl: string;
  /** Loki on the Docker host, e.g. http://127.0.0.1:3100. */
  readonly hostUrl: string;
  /** The retention period Loki enforces, e.g. "168h". */
  readonly retentionPeriod: string;
  /** Grafana's Loki data source. */
  readonly dataSource: DataSourceSpec;
  /** Loki's own metrics and the collector's, for PrometheusStack.addScrapeTarget(). */
  readonly scrapeTargets: readonly IScrapeable[];
  /** `loki-data` (chunks, index, compactor state) and the collector's positions volume. */
  readonly dataVolumes: readonly Volume[];

  /** What every collector of this Loki shares, for the collectors on other hosts. */
  private readonly collectorSettings: Omit<LogCollectorProps, "network" | "dependsOn" | "host">;

  constructor(scope: Construct, id: string, props: LokiStackProps) {
    super(scope, id);
    const base = resolveServiceBase(this, props, { image: DEFAULT_IMAGES.loki, memoryLimit: "1G" });
    requireLokiWithHealthFlag(this, "image", base.image);
    const kind = props.collector ?? "alloy";
    if (kind !== "alloy" && kind !== "promtail") {
      throw propError(this, "collector", kind, 'must be "alloy" or "promtail"', 'leave it out for Alloy, the default, or use "promtail"');
    }
    const collectorImage = requireCollectorImageWithBash(this, "collectorImage", kind, props.collectorImage ?? DEFAULT_IMAGES[kind]);
    this.retentionPeriod = requireRetention(this, props.retentionPeriod ?? "168h");
    const hostPort = requirePort(this, "hostPort", props.hostPort ?? DEFAULT_HOST_PORTS.loki, DEFAULT_HOST_PORTS.loki);
    const collectorMemoryLimitBytes = requireMemoryLimit(this, "collectorMemoryLimit", props.collectorMemoryLimit ?? "256M");
    if (!Token.isUnresolved(collectorImage)) requireImageReference(this, "collectorImage", collectorImage);
    const errorRatioThreshold = props.errorRatioThreshold ?? 0.01;
    if (!(errorRatioThreshold > 0 && errorRatioThreshold < 1)) {
      throw propError(this, "errorRatioThreshold", errorRatioThreshold, "must be a share between 0 and 1", "use 0.01 for 1%");
    }
    const alertmanagerUrl =
      props.alertmanagerUrl === undefined ? undefined : requireHttpUrl(this, "alertmanagerUrl", props.alertmanagerUrl);
    const dockerSocketPath = props.dockerSocketPath ?? "/var/run/docker.sock";
    if (!dockerSocketPath.startsWith("/")) {
      throw propError(
        this,
        "dockerSocketPath",
        dockerSocketPath,
        "must be an absolute path on the Docker host",
        'use "/var/run/docker.sock"',
      );
    }
    const socketProxyImage = props.socketProxyImage ?? DEFAULT_IMAGES.socketProxy;
    if (!Token.isUnresolved(socketProxyImage)) requireImageReference(this, "socketProxyImage", socketProxyImage);
    const project = literalNetworkName(this, base.network);

    const name = base.nameOf(CONTAINER_NAMES.loki);
    this.url = `http://${name}:${LOKI_PORTS.http}`;
    this.pushUrl = `${this.url}${LOKI_PUSH_PATH}`;
    this.hostUrl = hostUrl(base.bindAddress, hostPort);
    this.dataSource = { uid: DATA_SOURCE_UIDS.loki, name: DATA_SOURCE_NAMES.loki, type: "loki", url: this.url };

    const lokiData = dataVolume(this, "data", base.nameOf("loki-data"), props.protectData ?? true, base.network);
    this.loki = new DockerService(this, "Service", {
      network: base.network,
      name,
      component: COMPONENTS.loki,
      image: base.image,
      command: [`-config.file=${LOKI_CONFIG_PATH}`],
      // The image's user, stated so that it matches the owner of /loki,
      // which Docker copies into the fresh loki-data volume.
      user: `${LOKI_UID}:${LOKI_UID}`,
      files: [
        { path: LOKI_CONFIG_PATH, content: renderLokiConfig({ retentionPeriod: this.retentionPeriod, alertmanagerUrl }) },
        {
          path: `${LOKI_RULES_DIR}/${LOKI_SINGLE_TENANT}/nats-logs.yaml`,
          content: renderLokiRules({ errorRatioThreshold, window: ERROR_RATIO_WINDOW, for: ERROR_RATIO_FOR }),
        },
      ],
      volumes: [{ volume: lokiData, containerPath: LOKI_DATA_DIR }],
      ports: [{ internal: LOKI_PORTS.http, external: hostPort, ip: base.bindAddress }],
      // The image is distroless (no shell, no wget); `loki -health` (Loki
      // 3.6.5 and later, see requireLokiWithHealthFlag) checks its own /ready.
      healthcheck: { test: ["CMD", "/usr/bin/loki", "-health"], startPeriod: "30s" },
      memoryLimitBytes: base.memoryLimitBytes,
      // Time to flush and close the WAL cleanly.
      stopTimeoutSeconds: 30,
    });

    this.collectorSettings = {
      kind,
      name: base.nameOf(CONTAINER_NAMES[kind]),
      volumeName: base.nameOf(kind === "alloy" ? "alloy-data" : "promtail-positions"),
      image: collectorImage,
      memoryLimitBytes: collectorMemoryLimitBytes,
      project,
      pushUrl: this.pushUrl,
      collectAllContainers: props.collectAllContainers ?? false,
      dockerSocketPath,
      protectData: props.protectData ?? true,
      socketProxy: {
        name: base.nameOf(CONTAINER_NAMES.socketProxy),
        image: socketProxyImage,
        networkName: `${project}-docker-api`,
      },
    };
    this.collector = new LogCollector(this, "Collector", {
      ...this.collectorSettings,
      network: base.network,
      host: props.collectorHost,
      dependsOn: [this.loki.container],
    });

    this.scrapeTargets = [{ scrapeTarget: { jobName: SCRAPE_JOBS.loki, targets: [`${name}:${LOKI_PORTS.http}`] } }, this.collector];
    this.dataVolumes = [lokiData, this.collector.dataVolume];
  }

  /**
   * A collector like this Loki's own, on another Docker host (the engine of
   * `network`), that ships that host's stack containers' lines to `pushUrl`
   * (Loki's published push endpoint, e.g. `http://10.0.0.10:3100/loki/api/v1/push`)
   * with `host` as their host label. Construct id `Collector-<host>`.
   */
  addHostCollector(host: string, network: Network, pushUrl: string): LogCollector {
    return new LogCollector(this, `Collector-${host}`, { ...this.collectorSettings, network, host, pushUrl });
  }
}

/**
 * Loki reads retention_period as a Prometheus-style duration, so days and
 * weeks ("7d", "2w") are fine; the compactor applies nothing under 24h.
 */
function requireRetention(scope: Construct, value: string): string {
  const seconds = parsePrometheusDuration(value.trim());
  if (seconds === undefined) {
    throw propError(
      scope,
      "retentionPeriod",
      value,
      "must be a duration in weeks, days, hours and minutes (Loki's format)",
      'write it like "168h", "7d" or "4w"',
    );
  }
  if (seconds < MIN_RETENTION_HOURS * 3600) {
    throw propError(
      scope,
      "retentionPeriod",
      value,
      `must be at least ${MIN_RETENTION_HOURS}h, the shortest retention Loki's compactor applies (one index period)`,
      'use "24h" or more, e.g. "7d" or "168h" for 7 days',
    );
  }
  return value.trim();
}

function requireHttpUrl(scope: Construct, prop: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw propError(
      scope,
      prop,
      value,
      "must be an http or https URL",
      `write it like "http://${CONTAINER_NAMES.alertmanager}:${CONTAINER_PORTS.alertmanager}"`,
    );
  }
  return value;
}

/**
 * The collector selects the stack's containers by their `natsmon.project`
 * label, whose value is the network's name; the filter needs it as text.
 */
function literalNetworkName(scope: Construct, network: { readonly nameInput?: string }): string {
  const name = network.nameInput;
  if (name === undefined || Token.isUnresolved(name)) {
    throw propError(
      scope,
      "network",
      name ?? "(no name)",
      "must be a docker_network created with a literal name, which the log collector filters containers by",
      'create it with new Network(scope, "network", { name: "nats-monitoring" })',
    );
  }
  return name;
}
