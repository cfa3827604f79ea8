import { type HostOutput, OUTPUTS } from "../contract/index.js";
import { NatsmonError } from "./natsmon-error.js";

/** One Docker host of a stack spread over several, as the stack's `hosts` output describes it. */
export interface StackHost {
  readonly name: string;
  /** The engine address Terraform uses for this host (ssh://, tcp:// or unix://). */
  readonly dockerHost: string;
  /** The address the other hosts reach it on. */
  readonly address: string;
  /** Whether the monitoring parts (Prometheus, Loki, Grafana, Surveyor, Alertmanager) run here. */
  readonly monitoring: boolean;
  /** Its NATS servers (container names) and their client URLs, in the same order. */
  readonly natsServers: readonly string[];
  readonly natsUrls: readonly string[];
  /** Its prometheus-nats-exporter, when it has one. */
  readonly exporterUrl?: string;
  /** The data volumes on its engine. */
  readonly dataVolumes: readonly string[];
}

/**
 * The hosts of the `hosts` output, in its order; undefined when the stack
 * has no such output (one Docker host). A malformed value is an error, not
 * a silent fallback to the single-host checks, which would check one host
 * and look complete.
 */
export function parseStackHosts(value: unknown): StackHost[] | undefined {
  if (value === undefined || value === null) return undefined;
  const bad = (why: string) =>
    new NatsmonError(
      `the stack's ${OUTPUTS.hosts} output is malformed: ${why}`,
      "read the outputs again after `npx cdktf deploy` (terraform output -json), or pass a file written from them",
    );
  if (typeof value !== "object" || Array.isArray(value)) throw bad("not an object of hosts by name");
  return Object.entries(value as Record<string, unknown>).map(([name, raw]) => {
    if (typeof raw !== "object" || raw === null) throw bad(`host ${name} is not an object`);
    const host = raw as Partial<Record<keyof HostOutput, unknown>>;
    const text = (key: keyof HostOutput) => {
      const v = host[key];
      if (typeof v !== "string" || v === "") throw bad(`host ${name} has no ${key}`);
      return v;
    };
    const list = (key: keyof HostOutput) => {
      const v = host[key];
      if (!Array.isArray(v) || !v.every((item) => typeof item === "string")) throw bad(`host ${name}'s ${key} is not a list of names`);
      return v as string[];
    };
    const dockerHost = text("docker_host");
    const address = text("address");
    const natsServers = list("nats_servers");
    const natsUrls = list("nats_urls");
    if (natsUrls.length !== natsServers.length)
      throw bad(`host ${name} has ${natsServers.length} nats_servers but ${natsUrls.length} nats_urls`);
    return {
      name,
      dockerHost,
      address,
      monitoring: host.monitoring === true,
      natsServers,
      natsUrls,
      exporterUrl: host.exporter_url === undefined ? undefined : text("exporter_url"),
      dataVolumes: list("data_volumes"),
    };
  });
}

/** The host a NATS server runs on, by server name. */
export function hostOfServer(hosts: readonly StackHost[]): ReadonlyMap<string, StackHost> {
  return new Map(hosts.flatMap((host) => host.natsServers.map((server) => [server, host] as const)));
}

/** The host that runs the monitoring parts. */
export function monitoringHost(hosts: readonly StackHost[]): StackHost | undefined {
  return hosts.find((host) => host.monitoring);
}

/**
 * Refuses a command that talks to one Docker engine on a stack spread over
 * several: it would see one host's volumes and containers and report a
 * result that looks complete. Says what to run per host instead.
 */
export function refuseAcrossHosts(
  command: string,
  hosts: readonly StackHost[] | undefined,
  perHost: (host: StackHost) => string,
  instead = "run it once per host, against that host's engine",
): void {
  if (!hosts || hosts.length < 2) return;
  const lines = hosts.map((host) => `  ${host.name} (${host.dockerHost}): ${perHost(host)}`);
  throw new NatsmonError(
    `natsmon ${command} works on one Docker engine, and this stack spreads over ${hosts.length} hosts (${hosts.map((h) => h.name).join(", ")}): it would see one host's part of the stack and look complete`,
    `${instead}:\n${lines.join("\n")}`,
  );
}

/**
 * Volumes named for one run of a command that talks to one engine: they
 * must all be on one host of a stack over several. Returns that host (the
 * first that has them all), undefined for a stack on one host or volumes
 * the hosts output does not list.
 */
export function hostOfVolumes(volumes: readonly string[], hosts: readonly StackHost[] | undefined): StackHost | undefined {
  if (!hosts || hosts.length < 2) return undefined;
  const listed = volumes.filter((volume) => hosts.some((host) => host.dataVolumes.includes(volume)));
  if (listed.length === 0) return undefined;
  const common = hosts.find((host) => listed.every((volume) => host.dataVolumes.includes(volume)));
  if (common) return common;
  const where = listed.map(
    (volume) =>
      `${volume} on ${hosts
        .filter((host) => host.dataVolumes.includes(volume))
        .map((host) => host.name)
        .join(" and ")}`,
  );
  throw new NatsmonError(
    `these volumes are on different Docker hosts (${where.join("; ")}), and one run talks to one engine`,
    "run once per host with that host's volumes, DOCKER_HOST set to its engine (the hosts output's docker_host)",
  );
}
