import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LokiStack, type NatsMonitoringStack } from "../../index.js";
import { standaloneParts } from "../helpers/parts.js";
import {
  container,
  containersByName,
  labelsOf,
  type PlanResource,
  resourcesOf,
  synthesize,
  synthStack,
  uploadedFile,
} from "../helpers/plan.js";

type StackProps = NonNullable<ConstructorParameters<typeof NatsMonitoringStack>[2]>;

function lokiPlan(loki: StackProps["loki"] = {}, rest: Omit<StackProps, "loki"> = {}) {
  return synthStack({ ...rest, loki }).plan;
}

function mounts(resource: PlanResource): { container_path: string; host_path?: string; volume_name?: string; read_only: boolean }[] {
  return resource.volumes ?? [];
}

describe("LokiStack in the default stack", () => {
  const plan = lokiPlan();
  const loki = container(plan, "loki");
  const alloy = container(plan, "alloy");

  it("runs Loki 3.7 with compactor retention of 168h", () => {
    expect(Object.values(resourcesOf(plan, "docker_image")).map((i) => i.name)).toEqual(
      expect.arrayContaining(["grafana/loki:3.7.8", "grafana/alloy:v1.21.2"]),
    );
    const config = parse(uploadedFile(loki, "/etc/loki/loki.yaml"));
    expect(config.limits_config.retention_period).toBe("168h");
    expect(config.compactor).toMatchObject({ retention_enabled: true, delete_request_store: "filesystem" });
    expect(loki.command).toEqual(["-config.file=/etc/loki/loki.yaml"]);
  });

  it("keeps Loki's data on the loki-data volume, owned by the image's user 10001", () => {
    expect(loki.user).toBe("10001:10001");
    expect(mounts(loki)).toEqual([
      { container_path: "/loki", read_only: false, volume_name: expect.stringMatching(/^\$\{docker_volume\.Loki_data_\w+\.name\}$/) },
    ]);
    expect(Object.values(resourcesOf(plan, "docker_volume")).map((v) => v.name)).toEqual(
      expect.arrayContaining(["loki-data", "alloy-data"]),
    );
  });

  it("checks Loki's health with its own binary and publishes 3100 on 127.0.0.1", () => {
    expect(loki.healthcheck.test).toEqual(["CMD", "/usr/bin/loki", "-health"]);
    expect(loki.ports).toEqual([{ internal: 3100, external: 3100, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(labelsOf(loki)["natsmon.component"]).toBe("loki");
  });

  it("uploads the ERROR-ratio rule into the ruler's local storage for the single tenant", () => {
    const rules = parse(uploadedFile(loki, "/etc/loki/rules/fake/nats-logs.yaml"));
    expect(rules.groups[0].rules[0].alert).toBe("NatsErrorLogRatioHigh");
  });

  it("runs Alloy without the Docker socket, reading through the socket proxy, its state on a volume, and the stack's config", () => {
    expect(mounts(alloy)).toEqual([
      {
        container_path: "/var/lib/alloy/data",
        read_only: false,
        volume_name: expect.stringMatching(/^\$\{docker_volume\.Loki_Collector_data_\w+\.name\}$/),
      },
    ]);
    expect(uploadedFile(alloy, "/etc/alloy/config.alloy")).toContain('host             = "tcp://docker-socket-proxy:2375"');
    expect(alloy.command).toEqual([
      "run",
      "--server.http.listen-addr=0.0.0.0:12345",
      "--storage.path=/var/lib/alloy/data",
      "--disable-reporting",
      "/etc/alloy/config.alloy",
    ]);
    const config = uploadedFile(alloy, "/etc/alloy/config.alloy");
    expect(config).toContain('values = ["natsmon.project=nats-monitoring"]');
    expect(config).toContain('url = "http://loki:3100/loki/api/v1/push"');
    expect(alloy.depends_on).toEqual([
      expect.stringMatching(/^docker_container\.Loki_Service_Container_\w+$/),
      expect.stringMatching(/^docker_container\.Loki_Collector_SocketProxy_Service_Container_\w+$/),
    ]);
    expect(alloy.ports).toBeUndefined();
  });

  it("mounts the Docker socket into the socket proxy alone, read-only", () => {
    const withSocket = Object.values(containersByName(plan)).filter((c) => mounts(c).some((m) => m.host_path !== undefined));
    expect(withSocket.map((c) => c.name)).toEqual(["docker-socket-proxy"]);
    expect(mounts(withSocket[0])).toEqual([{ container_path: "/var/run/docker.sock", host_path: "/var/run/docker.sock", read_only: true }]);
  });

  it("puts the socket proxy on an internal network that only the collector shares, admitting the collector alone", () => {
    const proxy = container(plan, "docker-socket-proxy");
    const internal = Object.entries(resourcesOf(plan, "docker_network")).filter(([, n]) => n.internal === true);
    expect(internal.map(([, n]) => n.name)).toEqual(["nats-monitoring-docker-api"]);
    const ref = `\${docker_network.${internal[0][0]}.name}`;
    expect(proxy.networks_advanced).toEqual([{ name: ref }]);
    const onInternal = Object.values(containersByName(plan)).filter((c) =>
      c.networks_advanced.some((n: { name: string }) => n.name === ref),
    );
    expect(onInternal.map((c) => c.name).sort()).toEqual(["alloy", "docker-socket-proxy"]);
    expect(proxy.command).toContain("-allowfrom=alloy");
    expect(proxy.command.filter((arg: string) => /^-allow(POST|PUT|DELETE|PATCH)/.test(arg))).toEqual([]);
    expect(proxy.ports).toBeUndefined();
    expect(proxy).toMatchObject({ read_only: true, user: "0:0", capabilities: { drop: ["ALL"] } });
    expect(labelsOf(proxy)["natsmon.project"]).toBe("${docker_network.network.name}");
  });

  it("outputs Loki's URL and its data volumes", () => {
    expect(plan.output?.loki_url.value).toBe("http://127.0.0.1:3100");
    expect(plan.output?.data_volumes.value).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\{docker_volume\.Loki_data_\w+\.name\}$/),
        expect.stringMatching(/^\$\{docker_volume\.Loki_Collector_data_\w+\.name\}$/),
      ]),
    );
  });
});

describe("LokiStack options", () => {
  it('runs Promtail instead of Alloy with collector: "promtail"', () => {
    const plan = lokiPlan({ collector: "promtail" });
    expect(containersByName(plan).alloy).toBeUndefined();
    const promtail = container(plan, "promtail");
    expect(Object.values(resourcesOf(plan, "docker_image")).map((i) => i.name)).toContain("grafana/promtail:3.6.11");
    expect(promtail.command).toEqual(["-config.file=/etc/promtail/config.yml"]);
    expect(mounts(promtail)).toEqual([{ container_path: "/var/lib/promtail", read_only: false, volume_name: expect.any(String) }]);
    expect(container(plan, "docker-socket-proxy").command).toContain("-allowfrom=promtail");
    const config = parse(uploadedFile(promtail, "/etc/promtail/config.yml"));
    expect(config.clients).toEqual([{ url: "http://loki:3100/loki/api/v1/push" }]);
    expect(config.scrape_configs[0].docker_sd_configs[0].host).toBe("tcp://docker-socket-proxy:2375");
    expect(Object.values(resourcesOf(plan, "docker_volume")).map((v) => v.name)).toContain("promtail-positions");
    expect(promtail.healthcheck.test.slice(0, 3)).toEqual(["CMD", "bash", "-c"]);
    expect(promtail.healthcheck.test[3]).toContain("/dev/tcp/127.0.0.1/9080");
  });

  it("prefixes containers, volumes, the push URL and the project filter", () => {
    const plan = lokiPlan({}, { namePrefix: "staging" });
    const alloy = container(plan, "staging-alloy");
    const config = uploadedFile(alloy, "/etc/alloy/config.alloy");
    expect(config).toContain('url = "http://staging-loki:3100/loki/api/v1/push"');
    expect(config).toContain('values = ["natsmon.project=staging-nats-monitoring"]');
    expect(Object.values(resourcesOf(plan, "docker_volume")).map((v) => v.name)).toEqual(
      expect.arrayContaining(["staging-loki-data", "staging-alloy-data"]),
    );
  });

  it("collects every container when asked", () => {
    const config = uploadedFile(container(lokiPlan({ collectAllContainers: true }), "alloy"), "/etc/alloy/config.alloy");
    expect(config).not.toContain("filter {");
  });

  it("sets retention, host port, Alertmanager and threshold", () => {
    const plan = lokiPlan({
      retentionPeriod: "720h",
      hostPort: 13100,
      alertmanagerUrl: "http://alertmanager:9093",
      errorRatioThreshold: 0.05,
    });
    const loki = container(plan, "loki");
    const config = parse(uploadedFile(loki, "/etc/loki/loki.yaml"));
    expect(config.limits_config.retention_period).toBe("720h");
    expect(config.ruler.alertmanager_url).toBe("http://alertmanager:9093");
    expect(parse(uploadedFile(loki, "/etc/loki/rules/fake/nats-logs.yaml")).groups[0].rules[0].expr).toMatch(/> 0\.05$/);
    expect(loki.ports[0].external).toBe(13100);
    expect(plan.output?.loki_url.value).toBe("http://127.0.0.1:13100");
  });

  it("mounts another Docker socket path into the proxy when given", () => {
    const plan = lokiPlan({ dockerSocketPath: "/run/user/1000/docker.sock" });
    const proxy = container(plan, "docker-socket-proxy");
    expect(mounts(proxy)).toEqual([{ container_path: "/var/run/docker.sock", host_path: "/run/user/1000/docker.sock", read_only: true }]);
    expect(mounts(container(plan, "alloy")).filter((m) => m.host_path !== undefined)).toEqual([]);
  });
});

describe("LokiStack for other constructs", () => {
  function standalone(props: Partial<ConstructorParameters<typeof LokiStack>[2]> = {}) {
    const stack = new TerraformStack(Testing.app(), "test");
    const network = new Network(stack, "network", { name: "logs" });
    const loki = new LokiStack(stack, "Loki", { network, ...props });
    return { stack, loki };
  }

  it("is Grafana's Loki data source", () => {
    expect(standalone().loki.dataSource).toEqual({ uid: "loki", name: "Loki", type: "loki", url: "http://loki:3100" });
  });

  it("offers Loki's and the collector's metrics to Prometheus", () => {
    expect(standalone().loki.scrapeTargets.map((t) => t.scrapeTarget)).toEqual([
      { jobName: "loki", targets: ["loki:3100"] },
      { jobName: "alloy", targets: ["alloy:12345"] },
    ]);
    expect(standalone({ collector: "promtail" }).loki.scrapeTargets[1].scrapeTarget).toEqual({
      jobName: "promtail",
      targets: ["promtail:9080"],
    });
  });

  it("lists its data volumes", () => {
    const { stack, loki } = standalone();
    expect(loki.dataVolumes.map((volume) => volume.nameInput)).toEqual(["loki-data", "alloy-data"]);
    const names = Object.values(resourcesOf(synthesize(stack).plan, "docker_volume")).map((v) => v.name);
    expect(names.sort()).toEqual(["alloy-data", "loki-data"]);
  });
});

describe("LokiStack validation", () => {
  it("rejects a retention below 24h with a clear error", () => {
    expect(() => lokiPlan({ retentionPeriod: "12h" })).toThrow(
      'LokiStack "test/Loki": retentionPeriod must be at least 24h, the shortest retention Loki\'s compactor applies (one index period), got "12h" (use "24h" or more, e.g. "7d" or "168h" for 7 days)',
    );
    expect(() => lokiPlan({ retentionPeriod: "23h59m" })).toThrow(/retentionPeriod must be at least 24h/);
    expect(() => lokiPlan({ retentionPeriod: "7 days" })).toThrow(
      /retentionPeriod must be a duration in weeks, days, hours and minutes \(Loki's format\), got "7 days" \(write it like "168h", "7d" or "4w"\)/,
    );
    // Loki reads days and weeks: "7d" is the guide's 168h.
    expect(() => lokiPlan({ retentionPeriod: "7d" })).not.toThrow();
    expect(() => lokiPlan({ retentionPeriod: "23h" })).toThrow(/e\.g\. "7d" or "168h"/);
    expect(() => lokiPlan({ retentionPeriod: "24h" })).not.toThrow();
  });

  it("rejects an unknown collector, a bad Alertmanager URL, threshold or socket path", () => {
    const { stack, network } = standaloneParts();
    expect(() => new LokiStack(stack, "Loki", { network, collector: "fluentd" as "alloy" })).toThrow(
      /collector must be "alloy" or "promtail", got "fluentd"/,
    );
    expect(() => lokiPlan({ collector: "fluentd" as "alloy" })).toThrow(/loki\.collector must be one of "alloy" or "promtail"/);
    expect(() => lokiPlan({ alertmanagerUrl: "alertmanager:9093" })).toThrow(/alertmanagerUrl must be an http or https URL/);
    expect(() => lokiPlan({ errorRatioThreshold: 1 })).toThrow(/errorRatioThreshold must be a share between 0 and 1, got 1/);
    expect(() => lokiPlan({ errorRatioThreshold: 0 })).toThrow(/errorRatioThreshold/);
    expect(() => lokiPlan({ dockerSocketPath: "docker.sock" })).toThrow(/dockerSocketPath must be an absolute path/);
  });

  it("refuses images whose healthcheck could never pass", () => {
    // `loki -health` came with 3.6.5 (a backport) and 3.7.
    expect(() => lokiPlan({ image: "grafana/loki:3.6.4" })).toThrow(
      /LokiStack "test\/Loki": image must be Loki 3\.6\.5 or later: the healthcheck runs `loki -health`.*got "grafana\/loki:3\.6\.4"/,
    );
    expect(() => lokiPlan({ image: "grafana/loki:3.5.9" })).toThrow(/image must be Loki 3\.6\.5 or later/);
    expect(() => lokiPlan({ image: "grafana/loki:3.6.5" })).not.toThrow();
    expect(() => lokiPlan({ image: "registry.example.test/loki:latest" })).not.toThrow();
    // Alloy's -distroless images have no bash for the HTTP probe.
    expect(() => lokiPlan({ collectorImage: "grafana/alloy:v1.21.2-distroless" })).toThrow(
      /LokiStack "test\/Loki": collectorImage must not be a -distroless Alloy image: it has no bash.*got "grafana\/alloy:v1\.21\.2-distroless"/,
    );
    expect(() => lokiPlan({ collectorImage: "grafana/alloy:v1.21.2" })).not.toThrow();
  });

  it("needs a network with a literal name to filter containers by", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    const network = new Network(stack, "network", { name: new Network(stack, "other", { name: "x" }).name });
    expect(() => new LokiStack(stack, "Loki", { network })).toThrow(/network must be a docker_network created with a literal name/);
  });
});
