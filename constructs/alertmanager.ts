import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { INFO_INHIBITOR_ALERT, WATCHDOG_ALERT } from "../alerts/groups/monitoring.js";
import { NATS_INHIBIT_RULES } from "../alerts/inhibit-rules.js";
import { COMPONENTS, CONTAINER_NAMES, CONTAINER_PORTS, DEFAULT_HOST_PORTS, SCRAPE_JOBS } from "../contract/index.js";
import type { EmailNotificationProps, PagerDutyNotificationProps, SlackNotificationProps } from "./alert-receivers.js";
import { renderAlertmanagerConfig } from "./config/alertmanager-yml.js";
import { DockerService } from "./docker-service.js";
import { DEFAULT_IMAGES } from "./images.js";
import { resolveReceivers } from "./private/alert-receivers.js";
import { dataVolume } from "./private/data-volume.js";
import { hostUrl } from "./private/host-url.js";
import { parsePrometheusDuration } from "./private/prometheus-units.js";
import { propError, requirePort } from "./private/validation.js";
import { resolveWebhookUrl } from "./private/webhook-url.js";
import type { IScrapeable, ScrapeTarget } from "./scrape-target.js";
import { resolveServiceBase, type ServiceBaseProps } from "./service-props.js";

/** Alertmanager's port. */
export const ALERTMANAGER_PORT = CONTAINER_PORTS.alertmanager;
const CONFIG_PATH = "/etc/alertmanager/alertmanager.yml";
/** The official image's data directory: silences and the notification log. */
const DATA_DIR = "/alertmanager";

/** Props of {@link Alertmanager}. */
export interface AlertmanagerProps extends ServiceBaseProps {
  /** Host port for Alertmanager's UI and API. @default 9093 */
  readonly hostPort?: number;
  /**
   * Send notifications to this webhook (Slack-compatible bridges, a ticket
   * system, ...). A literal URL must carry no credentials (no user:password@,
   * no query string, no token-like path segment): such a URL belongs in a
   * sensitive Terraform variable, see `webhookUrlVariable`, or pass a
   * sensitive `TerraformVariable`'s `stringValue` here.
   * @default none: a null receiver; alerts are visible in the UIs only
   */
  readonly webhookUrl?: string;
  /**
   * The webhook URL from a sensitive Terraform variable: its name, which the
   * construct declares (set it with `TF_VAR_<name>`), or a sensitive
   * `TerraformVariable` of your own. The URL then never appears in cdk.tf.json.
   * @default none
   */
  readonly webhookUrlVariable?: string | TerraformVariable;
  /** How long to wait before notifying again about an alert that still fires. @default "4h" */
  readonly repeatInterval?: string;
  /** Mail the alerts of some severities (resolved ones too). @default none */
  readonly email?: EmailNotificationProps;
  /** Post the alerts of some severities to a Slack-compatible channel (resolved ones too). @default none */
  readonly slack?: SlackNotificationProps;
  /** Page through PagerDuty for some severities, critical by default (resolved ones too). @default none */
  readonly pagerDuty?: PagerDutyNotificationProps;
  /**
   * Refuse to destroy the `alertmanager-data` volume (Terraform `prevent_destroy`):
   * `cdktf destroy` then fails instead of deleting silences and the notification log.
   * @default true
   */
  readonly protectData?: boolean;
}

/**
 * Alertmanager with the NATS inhibition rules (one stopped server notifies
 * once) and, by default, a null receiver. PrometheusStack creates it when
 * its `alertmanager` prop is set.
 */
export class Alertmanager extends Construct implements IScrapeable {
  readonly service: DockerService;
  /** URL on the stack network, e.g. http://alertmanager:9093 (for Prometheus, Loki's ruler, Grafana). */
  readonly url: string;
  /** host:port on the stack network, as Prometheus's alerting config wants it. */
  readonly address: string;
  /** URL on the Docker host, e.g. http://127.0.0.1:9093. */
  readonly hostUrl: string;
  /** Job "alertmanager". */
  readonly scrapeTarget: ScrapeTarget;
  /** The `alertmanager-data` volume. */
  readonly dataVolumes: readonly Volume[];

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    const base = resolveServiceBase(this, props, { image: DEFAULT_IMAGES.alertmanager, memoryLimit: "128M" });
    const hostPort = requirePort(this, "hostPort", props.hostPort ?? DEFAULT_HOST_PORTS.alertmanager, DEFAULT_HOST_PORTS.alertmanager);
    const repeatInterval = props.repeatInterval ?? "4h";
    if (parsePrometheusDuration(repeatInterval) === undefined) {
      throw propError(this, "repeatInterval", repeatInterval, "must be a duration such as 4h or 30m", 'write it like "4h"');
    }
    const webhookUrl = resolveWebhookUrl(this, props.webhookUrl, props.webhookUrlVariable);

    const name = base.nameOf(CONTAINER_NAMES.alertmanager);
    const volume = dataVolume(this, "data", base.nameOf("alertmanager-data"), props.protectData ?? true, base.network);
    this.dataVolumes = [volume];
    this.service = new DockerService(this, "Service", {
      network: base.network,
      name,
      component: COMPONENTS.alertmanager,
      image: base.image,
      command: [
        `--config.file=${CONFIG_PATH}`,
        `--storage.path=${DATA_DIR}`,
        // A single instance: no gossip port, no warnings about missing peers.
        "--cluster.listen-address=",
      ],
      files: [
        {
          path: CONFIG_PATH,
          content: renderAlertmanagerConfig({
            receiver: webhookUrl === undefined ? { kind: "null" } : { kind: "webhook", url: webhookUrl },
            receivers: resolveReceivers(this, props),
            // The dead man's switch and the info muting are for Alertmanager, not for people.
            silentAlerts: [WATCHDOG_ALERT, INFO_INHIBITOR_ALERT],
            inhibitRules: NATS_INHIBIT_RULES,
            groupBy: ["alertname", "server_cluster", "cluster_name"],
            repeatInterval,
          }),
        },
      ],
      volumes: [{ volume, containerPath: DATA_DIR }],
      ports: [{ internal: ALERTMANAGER_PORT, external: hostPort, ip: base.bindAddress }],
      healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${ALERTMANAGER_PORT}/-/ready`] },
      memoryLimitBytes: base.memoryLimitBytes,
    });

    this.address = `${name}:${ALERTMANAGER_PORT}`;
    this.url = `http://${this.address}`;
    this.hostUrl = hostUrl(base.bindAddress, hostPort);
    this.scrapeTarget = { jobName: SCRAPE_JOBS.alertmanager, targets: [this.address] };
  }
}
