import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { archiveName, volumeOfArchive } from "../../cli/backup/archive-names.js";
import { GRAFANA_DASHBOARDS, GRAFANA_DATA_SOURCES } from "../../cli/check/grafana-checks.js";
import { OUTPUT_NAMES } from "../../cli/targets.js";
import { NatsMonitoringStack } from "../../constructs/nats-monitoring-stack.js";
import { NATS_JETSTREAM_CLUSTER_UID } from "../../dashboards/nats-jetstream-cluster.js";
import { NATS_LOGS_UID } from "../../dashboards/nats-logs.js";

// What natsmon expects of the stack, checked against the stack itself, so
// that a rename on either side fails here rather than in front of a user.
describe("natsmon and NatsMonitoringStack agree", () => {
  const stack = new NatsMonitoringStack(Testing.app(), "nats-monitoring");
  const synth = JSON.parse(Testing.synth(stack)) as {
    output: Record<string, { sensitive?: boolean }>;
    resource: { docker_volume: Record<string, { name: string }> };
  };

  it("on the outputs natsmon reads (alertmanager_url only with an Alertmanager, nats_ca_cert only with client TLS, hosts only with hosts)", () => {
    expect([...OUTPUT_NAMES].filter((name) => !(name in synth.output))).toEqual(["nats_ca_cert", "alertmanager_url", "hosts"]);
    const withAlertmanager = new NatsMonitoringStack(Testing.app(), "with-alertmanager", {
      prometheus: { alertmanager: true },
      nats: { clientTls: true },
    });
    const outputs = (JSON.parse(Testing.synth(withAlertmanager)) as { output: object }).output;
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_NAMES].filter((name) => name !== "hosts").sort());
    const overHosts = new NatsMonitoringStack(Testing.app(), "over-hosts", {
      prometheus: { alertmanager: true },
      hosts: {
        a: { dockerHost: "ssh://deploy@10.0.0.11", address: "10.0.0.11" },
        b: { dockerHost: "ssh://deploy@10.0.0.12", address: "10.0.0.12" },
      },
    });
    const hostOutputs = (JSON.parse(Testing.synth(overHosts)) as { output: object }).output;
    expect(Object.keys(hostOutputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    expect(synth.output.nats_system_password.sensitive).toBe(true);
    expect(synth.output.grafana_admin_password.sensitive).toBe(true);
  });

  it("on the data source and dashboard uids", () => {
    expect([stack.prometheus?.dataSource.uid, stack.loki?.dataSource.uid]).toEqual([...GRAFANA_DATA_SOURCES]);
    expect([NATS_JETSTREAM_CLUSTER_UID, NATS_LOGS_UID]).toEqual([...GRAFANA_DASHBOARDS]);
  });

  it("on archive names: one per data volume, each leading back to its volume", () => {
    const volumes = Object.values(synth.resource.docker_volume).map((volume) => volume.name);
    const names = volumes.map((volume) => archiveName(volume, new Date(2026, 0, 1)));
    expect(new Set(names).size).toBe(volumes.length);
    expect(names).toEqual(
      expect.arrayContaining(["prometheus-20260101.tar.gz", "grafana-20260101.tar.gz", "nats-node1-data-20260101.tar.gz"]),
    );
    for (const [i, name] of names.entries()) expect(volumeOfArchive(name)).toBe(volumes[i]);
  });

  it("not on Prometheus's admin API, which is off by default: backups stop Prometheus briefly instead of a snapshot", () => {
    expect(stack.prometheus?.adminApiEnabled).toBe(false);
  });
});
