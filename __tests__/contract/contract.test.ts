import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  COMPONENTS,
  CONTAINER_NAMES,
  CONTAINER_PORTS,
  DASHBOARD_FOLDER_UID,
  DASHBOARD_UIDS,
  DATA_SOURCE_UIDS,
  DEFAULT_BIND_ADDRESS,
  DEFAULT_HOST_PORTS,
  DEFAULT_NATS_CLUSTER_NAME,
  ERROR_LOG_LEVELS,
  LABELS,
  LOG_JOBS,
  LOG_LABELS,
  NATS_LOG_LEVELS,
  natsNodeName,
  OUTPUT_NAMES,
  OUTPUTS,
  SCRAPE_JOBS,
} from "../../contract/index.js";

const CONTRACT_DIR = join(import.meta.dirname, "../../contract");
const files = readdirSync(CONTRACT_DIR).filter((name) => name.endsWith(".ts"));

/** Every module specifier a file imports or re-exports from, static or dynamic. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/\b(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/g)) found.push(match[1] as string);
  for (const match of source.matchAll(/\bimport\s*["']([^"']+)["']/g)) found.push(match[1] as string);
  for (const match of source.matchAll(/\bimport\s*\(\s*["']([^"']+)["']/g)) found.push(match[1] as string);
  for (const match of source.matchAll(/\brequire\s*\(/g)) found.push(`require at ${match.index}`);
  return found;
}

describe("contract/ has no dependency", () => {
  it("holds the modules this test knows", () => {
    expect(files.sort()).toEqual([
      "container-labels.ts",
      "grafana-uids.ts",
      "index.ts",
      "jsz-series.ts",
      "log-labels.ts",
      "metric-catalog.ts",
      "nats-cluster.ts",
      "outputs.ts",
      "ports.ts",
      "scrape-jobs.ts",
    ]);
  });

  it.each(files)("%s imports only sibling files of contract/", (file) => {
    const imported = specifiers(readFileSync(join(CONTRACT_DIR, file), "utf8"));
    for (const specifier of imported) expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[a-z0-9-]+\.js$/);
    for (const specifier of imported) expect(files).toContain(specifier.slice(2).replace(/\.js$/, ".ts"));
  });

  it("the import scan sees imports (so the check above can fail)", () => {
    expect(specifiers('import { a } from "cdktf";\nexport * from "./x.js";\nimport "constructs";\nawait import("yaml");')).toEqual([
      "cdktf",
      "./x.js",
      "constructs",
      "yaml",
    ]);
  });
});

// The values below are what deployed stacks, users' queries and bookmarks
// already rely on: a change here must be deliberate, so it turns this red.
describe("contract values", () => {
  it("container labels and components", () => {
    expect(LABELS).toEqual({ project: "natsmon.project", component: "natsmon.component", specHash: "natsmon.spec-hash" });
    expect(COMPONENTS).toEqual({
      nats: "nats",
      natsBox: "nats-box",
      surveyor: "surveyor",
      exporter: "nats-exporter",
      prometheus: "prometheus",
      alertmanager: "alertmanager",
      loki: "loki",
      alloy: "alloy",
      promtail: "promtail",
      socketProxy: "docker-socket-proxy",
      grafana: "grafana",
      nodeExporter: "node-exporter",
      cadvisor: "cadvisor",
    });
    expect(CONTAINER_NAMES).toEqual({
      natsBox: "nats-box",
      surveyor: "nats-surveyor",
      exporter: "nats-exporter",
      prometheus: "prometheus",
      alertmanager: "alertmanager",
      loki: "loki",
      alloy: "alloy",
      promtail: "promtail",
      socketProxy: "docker-socket-proxy",
      grafana: "grafana",
      nodeExporter: "node-exporter",
      cadvisor: "cadvisor",
      cadvisorSocketProxy: "cadvisor-docker-socket-proxy",
    });
    expect([1, 2, 3, 15].map(natsNodeName)).toEqual(["nats-node1", "nats-node2", "nats-node3", "nats-node15"]);
    expect(DEFAULT_NATS_CLUSTER_NAME).toBe("nats");
  });

  it("scrape jobs", () => {
    expect(SCRAPE_JOBS).toEqual({
      surveyor: "nats-surveyor",
      exporter: "nats-exporter",
      prometheus: "prometheus",
      alertmanager: "alertmanager",
      loki: "loki",
      alloy: "alloy",
      promtail: "promtail",
      grafana: "grafana",
      nodeExporter: "node-exporter",
      cadvisor: "cadvisor",
    });
  });

  it("log labels, jobs and levels", () => {
    expect(LOG_LABELS).toEqual({ job: "job", containerName: "container_name", service: "service", logLevel: "log_level", host: "host" });
    expect(LOG_JOBS).toEqual({ nats: "nats", monitoring: "monitoring", other: "docker" });
    expect(NATS_LOG_LEVELS).toEqual({ INF: "INFO", WRN: "WARN", ERR: "ERROR", DBG: "DEBUG", TRC: "TRACE", FTL: "FATAL" });
    expect(ERROR_LOG_LEVELS).toEqual(["ERROR", "FATAL"]);
  });

  it("output names", () => {
    expect(OUTPUT_NAMES).toEqual([
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
      "parts",
      "hosts",
    ]);
    expect(Object.values(OUTPUTS)).toEqual(OUTPUT_NAMES);
  });

  it("Grafana uids", () => {
    expect(DATA_SOURCE_UIDS).toEqual({ prometheus: "prometheus", loki: "loki" });
    expect(DASHBOARD_UIDS).toEqual({ natsJetStreamCluster: "nats-jetstream-cluster", natsLogs: "nats-logs" });
    expect(DASHBOARD_FOLDER_UID).toBe("nats");
  });

  it("ports: the guide's, on 127.0.0.1", () => {
    expect(CONTAINER_PORTS).toEqual({
      natsClient: 4222,
      natsCluster: 6222,
      natsMonitoring: 8222,
      surveyor: 7777,
      exporter: 7777,
      prometheus: 9090,
      alertmanager: 9093,
      lokiHttp: 3100,
      lokiGrpc: 9096,
      alloy: 12345,
      promtail: 9080,
      grafana: 3000,
      nodeExporter: 9100,
      cadvisor: 8080,
    });
    expect(DEFAULT_HOST_PORTS).toEqual({
      natsClient: 4222,
      surveyor: 7777,
      exporter: 7778,
      prometheus: 9090,
      alertmanager: 9093,
      loki: 3100,
      grafana: 3000,
      nodeExporter: 9100,
    });
    expect(DEFAULT_BIND_ADDRESS).toBe("127.0.0.1");
  });
});
