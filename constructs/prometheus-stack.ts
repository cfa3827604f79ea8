import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { Construct } from "constructs";
import type { AlertRulesConfig } from "../alerts/config.js";
import { RULES_FILE_NAME } from "../alerts/render.js";
import type { AlertRuleGroup } from "../alerts/rule-types.js";
import {
  COMPONENTS,
  CONTAINER_NAMES,
  CONTAINER_PORTS,
  DATA_SOURCE_NAMES,
  DATA_SOURCE_UIDS,
  DEFAULT_HOST_PORTS,
  LOG_LABELS,
  SCRAPE_JOBS,
} from "../contract/index.js";
import { Alertmanager, type AlertmanagerProps } from "./alertmanager.js";
import { renderPrometheusConfig } from "./config/prometheus-yml.js";
import type { DataSourceSpec, IDataSource } from "./data-source.js";
import { DockerService } from "./docker-service.js";
import { DEFAULT_IMAGES } from "./images.js";
import { dataVolume } from "./private/data-volume.js";
import { hostUrl } from "./private/host-url.js";
import { formatPrometheusSize, parsePrometheusDuration } from "./private/prometheus-units.js";
import { stackAlertRules } from "./private/stack-alert-rules.js";
import { propError, requirePort, requireSize } from "./private/validation.js";
import type { IScrapeable, ScrapeTarget } from "./scrape-target.js";
import { resolveServiceBase, type ServiceBaseProps } from "./service-props.js";

/** Prometheus's port. */
export const PROMETHEUS_PORT = CONTAINER_PORTS.prometheus;
/** The official image's paths, passed as explicit flags so the command is complete in the plan. */
export const PROMETHEUS_PATHS = {
  config: "/etc/prometheus/prometheus.yml",
  rules: "/etc/prometheus/rules",
  data: "/prometheus",
} as const;

/** Alertmanager options of a PrometheusStack: the network and, unless given, prefix and bind address come from Prometheus. */
export type PrometheusAlertmanagerProps = Omit<AlertmanagerProps, "network">;

/** Props of {@link PrometheusStack}. */
export interface PrometheusStackProps extends ServiceBaseProps {
  /** What to scrape besides Prometheus itself, e.g. `[surveyor, exporter]`; more with `addScrapeTarget()`. @default none */
  readonly targets?: readonly (IScrapeable | ScrapeTarget)[];
  /** Host port for the UI and API. @default 9090 */
  readonly hostPort?: number;
  /** `global.scrape_interval`; the guide suggests "15s" for more precision. @default "30s" */
  readonly scrapeInterval?: string;
  /** How often alert rules are evaluated. @default the scrape interval */
  readonly evaluationInterval?: string;
  /** Drop data older than this (`--storage.tsdb.retention.time`), e.g. "15d", "4w". @default "15d" */
  readonly retentionTime?: string;
  /** Drop the oldest data above this size (`--storage.tsdb.retention.size`), e.g. "10G". @default "10G" */
  readonly retentionSize?: string;
  /**
   * Enable the admin API (`--web.enable-admin-api`): TSDB snapshots, which
   * `natsmon backup` then uses instead of stopping Prometheus for a moment,
   * but also series deletion, with no authentication, for every container on
   * the stack network and every process that reaches the port. Off by
   * default; `natsmon backup` stops Prometheus briefly instead.
   * @default false
   */
  readonly adminApi?: boolean;
  /** The alert rules to load, instead of the project's. @default the project's rules, tuned by `alertConfig` */
  readonly alertRules?: readonly AlertRuleGroup[];
  /**
   * Tunes the project's alert rules, mixin style: thresholds, `for`
   * durations, severities, extra labels, job selectors, disabled alerts.
   * Unknown keys are refused. The Alertmanager, log-pipeline and container
   * rules follow whether this Prometheus has an Alertmanager and scrapes Loki
   * and cAdvisor, and the host rule whether a job labels its targets with
   * their host, unless `expectAlertmanager` / `expectLoki` /
   * `expectContainerMetrics` / `expectHosts` say otherwise.
   * @default the shipped values (see AlertRulesConfig)
   */
  readonly alertConfig?: AlertRulesConfig;
  /** Run an Alertmanager and send alerts to it: `true`, or its props. @default false */
  readonly alertmanager?: boolean | PrometheusAlertmanagerProps;
  /**
   * Refuse to destroy the `prometheus-data` (and `alertmanager-data`) volume (Terraform `prevent_destroy`):
   * `cdktf destroy` then fails instead of deleting the stored metrics.
   * @default true
   */
  readonly protectData?: boolean;
}

/**
 * Prometheus with the NATS alert rules, data on the `prometheus-data` volume,
 * retention by time and by size, and optionally an Alertmanager.
 *
 * prometheus.yml is rendered at synth time, so targets added with
 * `addScrapeTarget()` after construction (Loki, the log collector, Grafana)
 * are in it.
 */
export class PrometheusStack extends Construct implements IDataSource {
  readonly service: DockerService;
  /** URL on the stack network, e.g. http://prometheus:9090. */
  readonly url: string;
  /** URL on the Docker host, e.g. http://127.0.0.1:9090. */
  readonly hostUrl: string;
  /** Grafana's data source: uid "prometheus". */
  readonly dataSource: DataSourceSpec;
  /** The Alertmanager, when enabled. */
  readonly alertmanager?: Alertmanager;
  /** Alertmanager's URL on the stack network (for Loki's ruler), when enabled. */
  readonly alertmanagerUrl?: string;
  /** `prometheus-data`, and `alertmanager-data` when Alertmanager runs. */
  readonly dataVolumes: readonly Volume[];
  /** `global.scrape_interval`, e.g. "30s" (Grafana's `$__rate_interval` builds on it). */
  readonly scrapeInterval: string;
  /** Whether the admin API (TSDB snapshots) is on. */
  readonly adminApiEnabled: boolean;

  private readonly jobs: ScrapeTarget[] = [];

  constructor(scope: Construct, id: string, props: PrometheusStackProps) {
    super(scope, id);
    const base = resolveServiceBase(this, props, { image: DEFAULT_IMAGES.prometheus, memoryLimit: "1G" });
    const hostPort = requirePort(this, "hostPort", props.hostPort ?? DEFAULT_HOST_PORTS.prometheus, DEFAULT_HOST_PORTS.prometheus);
    const scrapeInterval = this.requireInterval("scrapeInterval", props.scrapeInterval ?? "30s");
    this.scrapeInterval = scrapeInterval;
    const evaluationInterval = this.requireInterval("evaluationInterval", props.evaluationInterval ?? scrapeInterval);
    const retentionTime = props.retentionTime ?? "15d";
    if (parsePrometheusDuration(retentionTime) === undefined) {
      throw propError(
        this,
        "retentionTime",
        retentionTime,
        "must be a Prometheus duration (y, w, d, h, m, s)",
        'write it like "15d" or "4w"',
      );
    }
    const retentionSize = formatPrometheusSize(requireSize(this, "retentionSize", props.retentionSize ?? "10G"));
    this.adminApiEnabled = props.adminApi ?? false;

    const name = base.nameOf(CONTAINER_NAMES.prometheus);
    this.url = `http://${name}:${PROMETHEUS_PORT}`;
    this.hostUrl = hostUrl(base.bindAddress, hostPort);
    this.dataSource = { uid: DATA_SOURCE_UIDS.prometheus, name: DATA_SOURCE_NAMES.prometheus, type: "prometheus", url: this.url };

    this.jobs.push({ jobName: SCRAPE_JOBS.prometheus, targets: [`localhost:${PROMETHEUS_PORT}`] });
    if (props.alertmanager) {
      const amProps = props.alertmanager === true ? {} : props.alertmanager;
      this.alertmanager = new Alertmanager(this, "Alertmanager", {
        namePrefix: props.namePrefix,
        bindAddress: props.bindAddress,
        exposeToAllNetworks: props.exposeToAllNetworks,
        protectData: props.protectData,
        ...amProps,
        network: base.network,
      });
      this.alertmanagerUrl = this.alertmanager.url;
      this.jobs.push(this.alertmanager.scrapeTarget);
    }
    for (const target of props.targets ?? []) this.addScrapeTarget(target);

    const volume = dataVolume(this, "data", base.nameOf("prometheus-data"), props.protectData ?? true, base.network);
    this.dataVolumes = [volume, ...(this.alertmanager?.dataVolumes ?? [])];

    // Rendered at synth time: whether Loki is scraped is known only then.
    const alertRules = stackAlertRules(this, props, () => ({
      expectAlertmanager: this.alertmanager !== undefined,
      expectLoki: this.jobs.some((job) => job.jobName === SCRAPE_JOBS.loki),
      expectContainerMetrics: this.jobs.some((job) => job.jobName === SCRAPE_JOBS.cadvisor),
      expectHosts: this.jobs.some((job) => Object.values(job.targetLabels ?? {}).some((labels) => LOG_LABELS.host in labels)),
    }));
    const ruleFile = `${PROMETHEUS_PATHS.rules}/${RULES_FILE_NAME}`;
    const alertmanagers = this.alertmanager ? [this.alertmanager.address] : [];
    this.service = new DockerService(this, "Service", {
      network: base.network,
      name,
      component: COMPONENTS.prometheus,
      image: base.image,
      command: [
        `--config.file=${PROMETHEUS_PATHS.config}`,
        `--storage.tsdb.path=${PROMETHEUS_PATHS.data}`,
        `--storage.tsdb.retention.time=${retentionTime}`,
        `--storage.tsdb.retention.size=${retentionSize}`,
        ...(this.adminApiEnabled ? ["--web.enable-admin-api"] : []),
      ],
      files: [
        {
          path: PROMETHEUS_PATHS.config,
          // Rendered at synth time, after every addScrapeTarget() call.
          content: () =>
            renderPrometheusConfig({
              scrapeInterval,
              evaluationInterval,
              ruleFiles: alertRules.empty ? [] : [ruleFile],
              alertmanagers,
              jobs: this.jobs,
            }),
        },
        ...(alertRules.empty ? [] : [{ path: ruleFile, content: alertRules.file }]),
      ],
      volumes: [{ volume, containerPath: PROMETHEUS_PATHS.data }],
      ports: [{ internal: PROMETHEUS_PORT, external: hostPort, ip: base.bindAddress }],
      healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${PROMETHEUS_PORT}/-/ready`], startPeriod: "60s" },
      memoryLimitBytes: base.memoryLimitBytes,
      // Prometheus writes its head block out on SIGTERM; give it time rather
      // than leave a long WAL replay to the next start.
      stopTimeoutSeconds: 60,
      dependsOn: this.alertmanager ? [this.alertmanager.service.container] : undefined,
    });
  }

  /**
   * Adds a scrape job; usable after construction, until synth. Job names are
   * unique within one Prometheus.
   */
  addScrapeTarget(target: IScrapeable | ScrapeTarget): void {
    const job = "scrapeTarget" in target ? target.scrapeTarget : target;
    if (job.jobName.trim() === "" || this.jobs.some((existing) => existing.jobName === job.jobName)) {
      throw propError(
        this,
        "scrape target",
        job.jobName,
        "must have a job name that no other job of this Prometheus uses",
        "give the target its own jobName",
      );
    }
    if (job.targets.length === 0 || job.targets.some((t) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(t))) {
      throw propError(
        this,
        `scrape target ${job.jobName}`,
        job.targets,
        "must list host:port targets",
        `write them like "${CONTAINER_NAMES.surveyor}:${CONTAINER_PORTS.surveyor}"`,
      );
    }
    if (job.scrapeInterval !== undefined) this.requireInterval(`scrape target ${job.jobName} scrapeInterval`, job.scrapeInterval);
    if (job.metricsPath !== undefined && !job.metricsPath.startsWith("/")) {
      throw propError(
        this,
        `scrape target ${job.jobName} metricsPath`,
        job.metricsPath,
        "must be an absolute path",
        'write it like "/metrics"',
      );
    }
    this.jobs.push(job);
  }

  /** The scrape jobs so far, in the order prometheus.yml lists them. */
  get scrapeJobs(): readonly ScrapeTarget[] {
    return [...this.jobs];
  }

  private requireInterval(prop: string, value: string): string {
    const seconds = parsePrometheusDuration(value);
    if (seconds === undefined || seconds < 1) {
      throw propError(this, prop, value, "must be a Prometheus duration of at least 1s", 'write it like "15s" or "1m"');
    }
    return value;
  }
}
