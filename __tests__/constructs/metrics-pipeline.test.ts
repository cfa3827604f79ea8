import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { container, containersByName, type Plan, resourcesOf, synthStack, uploadedFile } from "../helpers/plan.js";

/** The names of the volumes the data_volumes output refers to. */
function dataVolumeNames(plan: Plan): string[] {
  const refs = plan.output?.data_volumes.value as string[];
  const volumes = resourcesOf(plan, "docker_volume");
  return refs.map((ref) => {
    const id = /^\$\{docker_volume\.([\w-]+)\.name\}$/.exec(ref)?.[1];
    if (!id || !volumes[id]) throw new Error(`data_volumes holds ${ref}, which is no volume of the plan`);
    return volumes[id].name as string;
  });
}

describe("the metrics pipeline of the default stack", () => {
  it("has Surveyor expecting 3 servers, the exporter on 127.0.0.1:7778 reading nats-node1..3, and Prometheus scraping both with the rules", () => {
    const { plan } = synthStack();
    expect(container(plan, "nats-surveyor").command).toContain("--count=3");
    const exporter = container(plan, "nats-exporter");
    expect(exporter.ports[0]).toMatchObject({ ip: "127.0.0.1", external: 7778 });
    expect(exporter.command.slice(-3)).toEqual([
      "nats-node1,http://nats-node1:8222",
      "nats-node2,http://nats-node2:8222",
      "nats-node3,http://nats-node3:8222",
    ]);
    const prometheus = container(plan, "prometheus");
    const jobs = parse(uploadedFile(prometheus, "/etc/prometheus/prometheus.yml")).scrape_configs.map(
      (j: { job_name: string }) => j.job_name,
    );
    expect(jobs).toEqual(["prometheus", "nats-surveyor", "nats-exporter", "loki", "alloy", "grafana"]);
    expect(uploadedFile(prometheus, "/etc/prometheus/rules/nats-alerts.rules.yml")).toContain("alert: NatsServerDown");
  });

  it("outputs the URLs on the Docker host, and Alertmanager's only when it runs", () => {
    const { plan } = synthStack();
    expect(plan.output?.surveyor_url.value).toBe("http://127.0.0.1:7777");
    expect(plan.output?.exporter_url.value).toBe("http://127.0.0.1:7778");
    expect(plan.output?.prometheus_url.value).toBe("http://127.0.0.1:9090");
    expect(plan.output).not.toHaveProperty("alertmanager_url");
    expect(synthStack({ prometheus: { alertmanager: true } }).plan.output?.alertmanager_url.value).toBe("http://127.0.0.1:9093");
    expect(synthStack({ bindAddress: "0.0.0.0", exposeToAllNetworks: true }).plan.output?.prometheus_url.value).toBe(
      "http://127.0.0.1:9090",
    );
  });

  it("lists prometheus-data, and alertmanager-data when enabled, among the data volumes", () => {
    const others = ["loki-data", "alloy-data", "grafana-data"];
    expect(dataVolumeNames(synthStack().plan)).toEqual([
      "nats-node1-data",
      "nats-node2-data",
      "nats-node3-data",
      "prometheus-data",
      ...others,
    ]);
    expect(dataVolumeNames(synthStack({ namePrefix: "team", prometheus: { alertmanager: true } }).plan)).toEqual([
      "team-nats-node1-data",
      "team-nats-node2-data",
      "team-nats-node3-data",
      "team-prometheus-data",
      "team-alertmanager-data",
      ...others.map((name) => `team-${name}`),
    ]);
  });

  it("leaves a part out when its props are false", () => {
    const noSurveyor = synthStack({ surveyor: false }).plan;
    expect(containersByName(noSurveyor)).not.toHaveProperty("nats-surveyor");
    expect(noSurveyor.output).not.toHaveProperty("surveyor_url");
    const jobs = parse(uploadedFile(container(noSurveyor, "prometheus"), "/etc/prometheus/prometheus.yml")).scrape_configs;
    expect(jobs.map((j: { job_name: string }) => j.job_name)).toEqual(["prometheus", "nats-exporter", "loki", "alloy", "grafana"]);

    const noPrometheus = synthStack({ prometheus: false, exporter: false, grafana: false }).plan;
    expect(Object.keys(containersByName(noPrometheus))).not.toEqual(expect.arrayContaining(["prometheus"]));
    expect(containersByName(noPrometheus)).not.toHaveProperty("nats-exporter");
    expect(noPrometheus.output).not.toHaveProperty("prometheus_url");
    expect(dataVolumeNames(noPrometheus)).toEqual(["nats-node1-data", "nats-node2-data", "nats-node3-data", "loki-data", "alloy-data"]);
  });

  it("refuses two parts on one host port at synth time", () => {
    expect(() => synthStack({ exporter: { hostPort: 7777 } })).toThrow(
      /DockerService "test\/Exporter\/Service": host port is already published by nats-surveyor .*got "127.0.0.1:7777"/,
    );
  });
});
