import { DEFAULT_BIND_ADDRESS, DEFAULT_HOST_PORTS, OUTPUT_NAMES, OUTPUTS } from "../contract/index.js";
import { parseStackHosts, type StackHost } from "./stack-hosts.js";

/**
 * Where the stack's services answer and how to log in: the stack's outputs,
 * overridden by flags, with the guide's ports on 127.0.0.1 as defaults.
 */
export interface StackTargets {
  /** nats://127.0.0.1:4222 */
  readonly natsUrl: string;
  /**
   * On a stack over several hosts (and no --nats-url): every node's client
   * URL on its host's address, so that the client reaches the cluster while
   * any one host is down.
   */
  readonly natsUrls?: readonly string[];
  /** The stack's Docker hosts (the `hosts` output); undefined for a stack on one host. */
  readonly hosts?: readonly StackHost[];
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
  /** On a stack over several hosts (and no --exporter-url): each host's exporter, checked one by one. */
  readonly exporters?: readonly { readonly host: string; readonly url: string }[];
  readonly prometheusUrl: string;
  /** Checked only when the stack has one. */
  readonly alertmanagerUrl?: string;
  readonly lokiUrl: string;
  readonly grafanaUrl: string;
  readonly grafanaUser?: string;
  readonly grafanaPassword?: string;
  /**
   * The parts the stack runs (the `parts` output, e.g. without "surveyor"
   * when it is turned off); undefined when unknown, then every part is checked.
   */
  readonly parts?: readonly string[];
}

/** The guide's ports on the Docker host. */
export const DEFAULT_TARGETS = {
  natsUrl: hostUrl("nats", DEFAULT_HOST_PORTS.natsClient),
  surveyorUrl: hostUrl("http", DEFAULT_HOST_PORTS.surveyor),
  exporterUrl: hostUrl("http", DEFAULT_HOST_PORTS.exporter),
  prometheusUrl: hostUrl("http", DEFAULT_HOST_PORTS.prometheus),
  lokiUrl: hostUrl("http", DEFAULT_HOST_PORTS.loki),
  grafanaUrl: hostUrl("http", DEFAULT_HOST_PORTS.grafana),
} as const satisfies Partial<StackTargets>;

function hostUrl(scheme: string, port: number): string {
  return `${scheme}://${DEFAULT_BIND_ADDRESS}:${port}`;
}

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
export { OUTPUT_NAMES };

/** Output values by name, as {@link loadOutputs} returns them. */
export type OutputValues = Readonly<Record<string, unknown>>;

/** Merges the stack's outputs, the flags (which win) and the defaults. */
export function resolveTargets(outputs: OutputValues, flags: TargetFlags): StackTargets {
  const natsServers = stringList(outputs[OUTPUTS.natsServers]);
  const hosts = parseStackHosts(outputs[OUTPUTS.hosts]);
  return {
    natsUrl: flags.natsUrl ?? text(outputs[OUTPUTS.natsUrl]) ?? DEFAULT_TARGETS.natsUrl,
    natsUrls: flags.natsUrl === undefined && hosts ? hosts.flatMap((host) => host.natsUrls) : undefined,
    hosts,
    natsServers,
    expectedServers: flags.expectedServers ?? natsServers?.length,
    natsUser: flags.natsUser ?? text(outputs[OUTPUTS.natsAppUser]),
    natsPassword: flags.natsPassword ?? text(outputs[OUTPUTS.natsAppPassword]),
    natsCaCert: flags.natsCaCert ?? text(outputs[OUTPUTS.natsCaCert]),
    natsSystemUser: flags.natsSystemUser ?? text(outputs[OUTPUTS.natsSystemUser]),
    natsSystemPassword: flags.natsSystemPassword ?? text(outputs[OUTPUTS.natsSystemPassword]),
    surveyorUrl: flags.surveyorUrl ?? text(outputs[OUTPUTS.surveyorUrl]) ?? DEFAULT_TARGETS.surveyorUrl,
    exporterUrl: flags.exporterUrl ?? text(outputs[OUTPUTS.exporterUrl]) ?? DEFAULT_TARGETS.exporterUrl,
    exporters:
      flags.exporterUrl === undefined && hosts
        ? hosts.flatMap((host) => (host.exporterUrl ? [{ host: host.name, url: host.exporterUrl }] : []))
        : undefined,
    prometheusUrl: flags.prometheusUrl ?? text(outputs[OUTPUTS.prometheusUrl]) ?? DEFAULT_TARGETS.prometheusUrl,
    alertmanagerUrl: flags.alertmanagerUrl ?? text(outputs[OUTPUTS.alertmanagerUrl]),
    lokiUrl: flags.lokiUrl ?? text(outputs[OUTPUTS.lokiUrl]) ?? DEFAULT_TARGETS.lokiUrl,
    grafanaUrl: flags.grafanaUrl ?? text(outputs[OUTPUTS.grafanaUrl]) ?? DEFAULT_TARGETS.grafanaUrl,
    grafanaUser: flags.grafanaUser ?? text(outputs[OUTPUTS.grafanaAdminUser]),
    grafanaPassword: flags.grafanaPassword ?? text(outputs[OUTPUTS.grafanaAdminPassword]),
    parts: stringList(outputs[OUTPUTS.parts]),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : undefined;
}
