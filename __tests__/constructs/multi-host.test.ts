import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NatsMonitoringStack, type NatsMonitoringStackProps } from "../../index.js";
import { containersByName, labelsOf, type Plan, resourcesOf, synthStack, uploadedFile } from "../helpers/plan.js";

const HOSTS = {
  "nats-a": { dockerHost: "unix:///run/natsmon-a.sock", address: "10.99.0.11" },
  "nats-b": { dockerHost: "ssh://deploy@10.99.0.12", address: "10.99.0.12" },
  "nats-c": { dockerHost: "tcp://10.99.0.13:2376", address: "10.99.0.13", certPath: "/etc/natsmon/docker-c" },
};
const THREE: NatsMonitoringStackProps = { hosts: HOSTS };

/** Container name -> provider of every container of one host, e.g. "docker.nats-a". */
function containersOn(plan: Plan, host: string): string[] {
  return Object.values(resourcesOf(plan, "docker_container"))
    .filter((c) => c.provider === `docker.${host}`)
    .map((c) => c.name as string)
    .sort();
}

describe("a stack over three Docker hosts", () => {
  const { plan } = synthStack(THREE);

  it("has one aliased docker provider per host and no default one", () => {
    expect(plan.provider?.docker).toEqual([
      { alias: "nats-a", host: "unix:///run/natsmon-a.sock" },
      { alias: "nats-b", host: "ssh://deploy@10.99.0.12" },
      { alias: "nats-c", host: "tcp://10.99.0.13:2376", cert_path: "/etc/natsmon/docker-c" },
    ]);
  });

  it("puts every docker resource on a host's provider", () => {
    for (const type of ["docker_container", "docker_image", "docker_volume", "docker_network"]) {
      for (const [id, resource] of Object.entries(resourcesOf(plan, type))) {
        expect(resource.provider, `${type}.${id}`).toMatch(/^docker\.nats-[abc]$/);
      }
    }
  });

  it("places nodes round-robin, with monitoring on the first host and agents on every NATS host", () => {
    expect(containersOn(plan, "nats-a")).toEqual([
      "alloy",
      "docker-socket-proxy",
      "grafana",
      "loki",
      "nats-box",
      "nats-exporter",
      "nats-node1",
      "nats-surveyor",
      "prometheus",
    ]);
    expect(containersOn(plan, "nats-b")).toEqual(["alloy", "docker-socket-proxy", "nats-exporter", "nats-node2"]);
    expect(containersOn(plan, "nats-c")).toEqual(["alloy", "docker-socket-proxy", "nats-exporter", "nats-node3"]);
  });

  it("gives each host its own network, image and volumes, named as on one host", () => {
    const networks = Object.values(resourcesOf(plan, "docker_network")).filter((n) => n.name === "nats-monitoring");
    expect(networks.map((n) => n.provider).sort()).toEqual(["docker.nats-a", "docker.nats-b", "docker.nats-c"]);
    const natsImages = Object.values(resourcesOf(plan, "docker_image")).filter((i) => String(i.name).startsWith("nats:"));
    expect(natsImages.map((i) => i.provider).sort()).toEqual(["docker.nats-a", "docker.nats-b", "docker.nats-c"]);
    const volumes = Object.values(resourcesOf(plan, "docker_volume"));
    expect(volumes.filter((v) => v.name === "nats-node2-data").map((v) => v.provider)).toEqual(["docker.nats-b"]);
  });

  it("publishes, advertises and routes on the hosts' addresses", () => {
    const node2 = containersByName(plan)["nats-node2"];
    expect(node2.ports).toEqual([
      { internal: 4222, external: 4222, ip: "10.99.0.12", protocol: "tcp" },
      { internal: 6222, external: 6222, ip: "10.99.0.12", protocol: "tcp" },
    ]);
    const conf = uploadedFile(node2, "/etc/nats/nats-server.conf");
    expect(conf).toContain('client_advertise: "10.99.0.12:4222"');
    expect(conf).toContain('advertise: "10.99.0.12:6222"');
    expect(conf.match(/nats-route:\/\/route:\$\{random_password\.[\w-]+\.result\}@[\d.:]+/g)?.map((r) => r.split("@")[1])).toEqual([
      "10.99.0.11:6222",
      "10.99.0.12:6222",
      "10.99.0.13:6222",
    ]);
    expect(conf).toMatch(/verify: true/);
  });

  it("names each node's host address in its certificate", () => {
    const requests = Object.values(resourcesOf(plan, "tls_cert_request"));
    const byNode = Object.fromEntries(requests.map((r) => [r.subject[0].common_name, r]));
    expect(byNode["nats-node1"].ip_addresses).toContain("10.99.0.11");
    expect(byNode["nats-node1"].ip_addresses).not.toContain("10.99.0.13");
    expect(byNode["nats-node3"].ip_addresses).toContain("10.99.0.13");
    expect(byNode["nats-node3"].dns_names).toContain("nats-node3");
  });

  it("has Surveyor dial the nodes on their hosts' addresses", () => {
    const surveyor = containersByName(plan)["nats-surveyor"];
    expect(surveyor.command).toContain("--servers=nats://10.99.0.11:4222,nats://10.99.0.12:4222,nats://10.99.0.13:4222");
    // Client TLS is on across hosts by default: Surveyor checks the servers against the stack's CA.
    expect(surveyor.command).toContain("--tlscacert=/etc/nats-surveyor/ca.pem");
    expect(uploadedFile(containersByName(plan)["nats-node1"], "/etc/nats/nats-server.conf")).toMatch(/^tls \{/m);
    const plain = synthStack({ hosts: HOSTS, nats: { clientTls: false } }).plan;
    expect(containersByName(plain)["nats-surveyor"].command.some((a: string) => a.startsWith("--tlscacert"))).toBe(false);
  });

  it("runs on each host an exporter for the nodes there, which Prometheus scrapes on the host's address", () => {
    const exporters = Object.values(resourcesOf(plan, "docker_container")).filter((c) => c.name === "nats-exporter");
    const read = Object.fromEntries(exporters.map((e) => [e.provider, (e.command as string[]).filter((a) => a.includes(",http"))]));
    expect(read).toEqual({
      "docker.nats-a": ["nats-node1,http://nats-node1:8222"],
      "docker.nats-b": ["nats-node2,http://nats-node2:8222"],
      "docker.nats-c": ["nats-node3,http://nats-node3:8222"],
    });
    expect(exporters.map((e) => e.ports[0].ip).sort()).toEqual(["10.99.0.11", "10.99.0.12", "10.99.0.13"]);
    const prometheusYml = uploadedFile(containersByName(plan).prometheus, "/etc/prometheus/prometheus.yml");
    const job = (parse(prometheusYml).scrape_configs as { job_name: string; static_configs: unknown[] }[]).find(
      (j) => j.job_name === "nats-exporter",
    );
    expect(job?.static_configs).toEqual([
      { targets: ["10.99.0.11:7778"], labels: { host: "nats-a" } },
      { targets: ["10.99.0.12:7778"], labels: { host: "nats-b" } },
      { targets: ["10.99.0.13:7778"], labels: { host: "nats-c" } },
    ]);
  });

  it("runs node-exporter on every host, published on the host's address and scraped with its host label", () => {
    const withAgents = synthStack({
      hosts: { ...HOSTS, mon: { dockerHost: "ssh://deploy@10.99.0.20", address: "10.99.0.20", nats: false } },
      monitoringHost: "mon",
      nodeExporter: true,
    }).plan;
    const nodeExporters = Object.values(resourcesOf(withAgents, "docker_container")).filter((c) => c.name === "node-exporter");
    // The monitoring-only host too: its CPU, memory and disks are read there alone.
    expect(Object.fromEntries(nodeExporters.map((c) => [c.provider, c.ports]))).toEqual({
      "docker.nats-a": [{ internal: 9100, external: 9100, ip: "10.99.0.11", protocol: "tcp" }],
      "docker.nats-b": [{ internal: 9100, external: 9100, ip: "10.99.0.12", protocol: "tcp" }],
      "docker.nats-c": [{ internal: 9100, external: 9100, ip: "10.99.0.13", protocol: "tcp" }],
      "docker.mon": [{ internal: 9100, external: 9100, ip: "10.99.0.20", protocol: "tcp" }],
    });
    // Each on its own host's network, not the monitoring host's.
    for (const c of nodeExporters) {
      const network = String((c.networks_advanced as { name: string }[])[0].name).match(/docker_network\.([\w-]+)\./)?.[1];
      expect(resourcesOf(withAgents, "docker_network")[network as string]?.provider, String(c.provider)).toBe(c.provider);
    }
    const prometheusYml = uploadedFile(containersByName(withAgents).prometheus, "/etc/prometheus/prometheus.yml");
    const job = (parse(prometheusYml).scrape_configs as { job_name: string; static_configs: unknown[] }[]).find(
      (j) => j.job_name === "node-exporter",
    );
    expect(job?.static_configs).toEqual([
      { targets: ["10.99.0.11:9100"], labels: { host: "nats-a" } },
      { targets: ["10.99.0.12:9100"], labels: { host: "nats-b" } },
      { targets: ["10.99.0.13:9100"], labels: { host: "nats-c" } },
      { targets: ["10.99.0.20:9100"], labels: { host: "mon" } },
    ]);
  });

  it("loads NatsHostUnreachable only where targets carry a host label", () => {
    const rulesOf = (p: Plan) => uploadedFile(containersByName(p).prometheus, "/etc/prometheus/rules/nats-alerts.rules.yml");
    expect(rulesOf(plan)).toContain("alert: NatsHostUnreachable");
    expect(rulesOf(synthStack({}).plan)).not.toContain("NatsHostUnreachable");
    expect(rulesOf(synthStack({ nodeExporter: true }).plan)).not.toContain("NatsHostUnreachable");
  });

  it("provisions the cluster dashboard with its host variable and Hosts row, which a single-host stack's lacks", () => {
    const clusterDashboard = (p: Plan) =>
      JSON.parse(
        uploadedFile(containersByName(p).grafana, "/etc/grafana/dashboards/nats/nats-jetstream-cluster.json").replaceAll("$${", "${"),
      ) as {
        templating: { list: { name: string }[] };
        panels: { type: string; title: string }[];
      };
    const rowsAndVariables = (p: Plan) => {
      const dashboard = clusterDashboard(p);
      return {
        rows: dashboard.panels.filter((x) => x.type === "row").map((x) => x.title),
        variables: dashboard.templating.list.map((v) => v.name),
      };
    };
    const many = rowsAndVariables(plan);
    expect(many.rows).toContain("Hosts");
    expect(many.variables).toContain("host");
    const one = rowsAndVariables(synthStack({ nodeExporter: true }).plan);
    expect(one.rows).not.toContain("Hosts");
    expect(one.variables).not.toContain("host");
  });

  it("leaves node-exporter out unless asked for, on every host", () => {
    expect(Object.values(resourcesOf(plan, "docker_container")).filter((c) => c.name === "node-exporter")).toEqual([]);
  });

  it("refuses cAdvisor, which would watch one host's containers only", () => {
    expect(() => synthStack({ ...THREE, cadvisor: true })).toThrow(
      /NatsMonitoringStack.*cadvisor.*not supported together with hosts.*leave cadvisor out of a stack over several hosts/,
    );
    expect(() => synthStack({ ...THREE, cadvisor: false })).not.toThrow();
  });

  it("ships every host's logs to the central Loki with a host label", () => {
    const collectors = Object.values(resourcesOf(plan, "docker_container")).filter((c) => c.name === "alloy");
    expect(collectors).toHaveLength(3);
    const loki = containersByName(plan).loki;
    expect(loki.ports).toEqual([{ internal: 3100, external: 3100, ip: "10.99.0.11", protocol: "tcp" }]);
    for (const collector of collectors) {
      const host = String(collector.provider).replace("docker.", "");
      const config = uploadedFile(collector, "/etc/alloy/config.alloy");
      expect(config).toContain(`target_label = "host"`);
      expect(config).toContain(`replacement  = "${host}"`);
      const pushUrl = host === "nats-a" ? "http://loki:3100/loki/api/v1/push" : "http://10.99.0.11:3100/loki/api/v1/push";
      expect(config).toContain(`url = "${pushUrl}"`);
    }
  });

  it("places five nodes round-robin and gives the second node of a host the next ports", () => {
    const five = synthStack({ hosts: HOSTS, nats: { nodes: 5 } }).plan;
    const node4 = containersByName(five)["nats-node4"];
    expect(node4.provider).toBe("docker.nats-a");
    expect(node4.ports.map((p: { external: number }) => p.external)).toEqual([4223, 6223]);
    expect(uploadedFile(node4, "/etc/nats/nats-server.conf")).toContain('advertise: "10.99.0.11:6223"');
    expect(containersByName(five)["nats-node5"].provider).toBe("docker.nats-b");
    expect(labelsOf(node4)["natsmon.component"]).toBe("nats");
  });

  it("tags each node with its host and keeps a stream's replicas on distinct hosts", () => {
    const five = synthStack({ hosts: HOSTS, nats: { nodes: 5 } }).plan;
    const confs = Object.values(containersByName(five))
      .filter((c) => labelsOf(c)["natsmon.component"] === "nats")
      .map((c) => [c.name as string, uploadedFile(c, "/etc/nats/nats-server.conf")] as const);
    expect(confs).toHaveLength(5);
    const tags = Object.fromEntries(confs.map(([name, conf]) => [name, conf.match(/^server_tags: \[\n {2}"([^"]+)"\n\]$/m)?.[1]]));
    expect(tags).toEqual({
      "nats-node1": "host:nats-a",
      "nats-node2": "host:nats-b",
      "nats-node3": "host:nats-c",
      "nats-node4": "host:nats-a",
      "nats-node5": "host:nats-b",
    });
    // Every node, not only some: the meta leader, whichever it is, places by its own unique_tag.
    for (const [name, conf] of confs) expect(conf, name).toMatch(/^ {2}unique_tag: "host:"$/m);
  });

  it("counts only the hosts that run nodes for unique_tag, and warns when they are fewer than three", () => {
    const warnings = (props: NatsMonitoringStackProps) => {
      const stack = new NatsMonitoringStack(Testing.app(), "w", props);
      const plan = JSON.parse(Testing.synth(stack)) as Plan;
      const found = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data)));
      const confs = Object.values(containersByName(plan))
        .filter((c) => labelsOf(c)["natsmon.component"] === "nats")
        .map((c) => uploadedFile(c, "/etc/nats/nats-server.conf"));
      return { found, confs };
    };
    expect(warnings(THREE).found).toEqual([]);
    // A monitoring-only fourth host does not count: the nodes still span three.
    const withMon = { ...HOSTS, mon: { dockerHost: "ssh://deploy@10.99.0.20", address: "10.99.0.20", nats: false } };
    expect(warnings({ hosts: withMon, monitoringHost: "mon" }).confs.every((c) => c.includes('unique_tag: "host:"'))).toBe(true);
    // Three nodes on two hosts: tagged, no unique_tag (R3 could not be placed), and a warning.
    const two = warnings({ hosts: HOSTS, natsPlacement: ["nats-a", "nats-b", "nats-a"], monitoringHost: "nats-c" });
    expect(two.confs.map((c) => c.match(/"host:(nats-[abc])"/)?.[1])).toEqual(["nats-a", "nats-b", "nats-a"]);
    for (const conf of two.confs) expect(conf).not.toContain("unique_tag");
    expect(two.found).toEqual([expect.stringMatching(/^the 3 NATS nodes run on 2 host\(s\) \(nats-a, nats-b\): losing the host/)]);
    // One node on one host beside a monitoring host has no quorum to lose: no warning.
    const single = warnings({ hosts: { "nats-a": HOSTS["nats-a"], mon: withMon.mon }, monitoringHost: "mon", nats: { nodes: 1 } });
    expect(single.found).toEqual([]);
    expect(single.confs[0]).toContain('"host:nats-a"');
  });

  it("leaves the single-host cluster untagged", () => {
    const { plan: single } = synthStack({ nats: { nodes: 5 } });
    for (const c of Object.values(containersByName(single)).filter((c) => labelsOf(c)["natsmon.component"] === "nats")) {
      const conf = uploadedFile(c, "/etc/nats/nats-server.conf");
      expect(conf).not.toContain("server_tags");
      expect(conf).not.toContain("unique_tag");
    }
  });

  it("follows an explicit placement and a monitoring-only host", () => {
    const placed = synthStack({
      hosts: { ...HOSTS, mon: { dockerHost: "ssh://deploy@10.99.0.20", address: "10.99.0.20", nats: false } },
      monitoringHost: "mon",
      natsPlacement: ["nats-c", "nats-b", "nats-a"],
    }).plan;
    expect(containersByName(placed)["nats-node1"].provider).toBe("docker.nats-c");
    expect(containersOn(placed, "mon")).toEqual(["alloy", "docker-socket-proxy", "grafana", "loki", "nats-surveyor", "prometheus"]);
    expect(containersOn(placed, "nats-a")).toEqual(["alloy", "docker-socket-proxy", "nats-exporter", "nats-node3"]);
    // nats-box goes with node1.
    expect(containersByName(placed)["nats-box"].provider).toBe("docker.nats-c");
  });

  it("takes the tcp:// engine's TLS material from sensitive variables", () => {
    const { plan: withVariables } = synthStack({
      hosts: {
        "nats-a": {
          dockerHost: "tcp://10.99.0.11:2376",
          address: "10.99.0.11",
          caMaterialVariable: "nats_a_ca",
          certMaterialVariable: "nats_a_cert",
          keyMaterialVariable: "nats_a_key",
        },
      },
      nats: { nodes: 1 },
    });
    expect(withVariables.provider?.docker).toEqual([
      {
        alias: "nats-a",
        host: "tcp://10.99.0.11:2376",
        ca_material: "${var.nats_a_ca}",
        cert_material: "${var.nats_a_cert}",
        key_material: "${var.nats_a_key}",
      },
    ]);
    const variables = (withVariables as unknown as { variable: Record<string, { sensitive: boolean }> }).variable;
    expect(variables.nats_a_key.sensitive).toBe(true);
  });
});
