/**
 * Where the stack's services answer and how to log in: the stack's outputs,
 * overridden by flags, with the guide's ports on 127.0.0.1 as defaults.
 */
export interface StackTargets {
  /** nats://127.0.0.1:4222 */
  readonly natsUrl: string;
  /** Server names the cluster should have (the `nats_servers` output). */
  readonly natsServers?: readonly string[];
  /** How many servers the cluster should have; the length of natsServers unless a flag says otherwise. */
  readonly expectedServers?: number;
  /** The application user (APP account) that client checks log in with; none when the stack lets anonymous clients in. */
  readonly natsUser?: string;
  readonly natsPassword?: string;
  /** PEM of the CA the servers' client certificates come from, when the client port requires TLS. */
  readonly natsCaCert?: string;
  /** The system-account user, for the per-server checks. */
  readonly natsSystemUser?: string;
  readonly natsSystemPassword?: string;
  readonly surveyorUrl: string;
  readonly exporterUrl: string;
  readonly prometheusUrl: string;
  /** Checked only when the stack has one. */
  readonly alertmanagerUrl?: string;
  readonly lokiUrl: string;
  readonly grafanaUrl: string;
  readonly grafanaUser?: string;
  readonly grafanaPassword?: string;
}

/** The guide's ports on the Docker host. */
export const DEFAULT_TARGETS = {
  natsUrl: "nats://127.0.0.1:4222",
  surveyorUrl: "http://127.0.0.1:7777",
  exporterUrl: "http://127.0.0.1:7778",
  prometheusUrl: "http://127.0.0.1:9090",
  lokiUrl: "http://127.0.0.1:3100",
  grafanaUrl: "http://127.0.0.1:3000",
} as const satisfies Partial<StackTargets>;

/** Flags of `natsmon check` that override the outputs; undefined means not given. */
export interface TargetFlags {
  readonly natsUrl?: string;
  readonly natsUser?: string;
  readonly natsPassword?: string;
  /** PEM text of the CA (the check command reads it from --nats-ca-file). */
  readonly natsCaCert?: string;
  readonly natsSystemUser?: string;
  readonly natsSystemPassword?: string;
  readonly expectedServers?: number;
  readonly surveyorUrl?: string;
  readonly exporterUrl?: string;
  readonly prometheusUrl?: string;
  readonly alertmanagerUrl?: string;
  readonly lokiUrl?: string;
  readonly grafanaUrl?: string;
  readonly grafanaUser?: string;
  readonly grafanaPassword?: string;
}

/** The stack's outputs that natsmon reads (NatsMonitoringStack defines them). */
export const OUTPUT_NAMES = [
  "nats_url",
  "nats_servers",
  "nats_system_user",
  "nats_system_password",
  "nats_app_user",
  "nats_app_password",
  "nats_ca_cert",
  "surveyor_url",
  "exporter_url",
  "prometheus_url",
  "alertmanager_url",
  "loki_url",
  "grafana_url",
  "grafana_admin_user",
  "grafana_admin_password",
  "data_volumes",
] as const;

/** Output values by name, as {@link loadOutputs} returns them. */
export type OutputValues = Readonly<Record<string, unknown>>;

/** Merges the stack's outputs, the flags (which win) and the defaults. */
export function resolveTargets(outputs: OutputValues, flags: TargetFlags): StackTargets {
  const natsServers = stringList(outputs.nats_servers);
  return {
    natsUrl: flags.natsUrl ?? text(outputs.nats_url) ?? DEFAULT_TARGETS.natsUrl,
    natsServers,
    expectedServers: flags.expectedServers ?? natsServers?.length,
    natsUser: flags.natsUser ?? text(outputs.nats_app_user),
    natsPassword: flags.natsPassword ?? text(outputs.nats_app_password),
    natsCaCert: flags.natsCaCert ?? text(outputs.nats_ca_cert),
    natsSystemUser: flags.natsSystemUser ?? text(outputs.nats_system_user),
    natsSystemPassword: flags.natsSystemPassword ?? text(outputs.nats_system_password),
    surveyorUrl: flags.surveyorUrl ?? text(outputs.surveyor_url) ?? DEFAULT_TARGETS.surveyorUrl,
    exporterUrl: flags.exporterUrl ?? text(outputs.exporter_url) ?? DEFAULT_TARGETS.exporterUrl,
    prometheusUrl: flags.prometheusUrl ?? text(outputs.prometheus_url) ?? DEFAULT_TARGETS.prometheusUrl,
    alertmanagerUrl: flags.alertmanagerUrl ?? text(outputs.alertmanager_url),
    lokiUrl: flags.lokiUrl ?? text(outputs.loki_url) ?? DEFAULT_TARGETS.lokiUrl,
    grafanaUrl: flags.grafanaUrl ?? text(outputs.grafana_url) ?? DEFAULT_TARGETS.grafanaUrl,
    grafanaUser: flags.grafanaUser ?? text(outputs.grafana_admin_user),
    grafanaPassword: flags.grafanaPassword ?? text(outputs.grafana_admin_password),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : undefined;
}
