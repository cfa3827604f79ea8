import { describe, expect, it } from "vitest";
import { NATS_TLS_FILES } from "../../constructs/config/nats-tls-conf.js";
import { natsMonitorRequest } from "../../contract/index.js";
import { container, synthStack, uploadedFile } from "../helpers/plan.js";

const CONFIG = "/etc/nats/nats-server.conf";

describe("NatsCluster monitoringTls: the monitoring port over HTTPS", () => {
  const { plan } = synthStack({ nats: { clientTls: true, monitoringTls: true } });

  it("serves https_port instead of http_port, with the client port's TLS block", () => {
    const conf = uploadedFile(container(plan, "nats-node1"), CONFIG);
    expect(conf).toMatch(/^https_port: 8222$/m);
    expect(conf).not.toMatch(/^http_port:/m);
    expect(conf).toContain(`tls {\n  cert_file: "${NATS_TLS_FILES.cert}"`);
  });

  it("keeps plain HTTP on the monitoring port by default, also with client TLS", () => {
    for (const props of [{}, { nats: { clientTls: true } }]) {
      const conf = uploadedFile(container(synthStack(props).plan, "nats-node1"), CONFIG);
      expect(conf).toMatch(/^http_port: 8222$/m);
      expect(conf).not.toMatch(/^https_port:/m);
    }
  });

  it("asks the node's healthcheck over HTTPS inside the container", () => {
    const test = (container(plan, "nats-node2").healthcheck as { test: string[] }).test;
    const path = test.at(-1)?.replace("https://127.0.0.1:8222", "") ?? "";
    expect(path).toMatch(/^\/healthz\?js-/);
    expect(test).toEqual(["CMD", ...natsMonitorRequest(8222, path, true, "/dev/null")]);
    expect(test).toContain("--no-check-certificate");
  });

  it("points the exporter at https URLs and has it trust the stack's CA through SSL_CERT_FILE", () => {
    const exporter = container(plan, "nats-exporter");
    expect(exporter.command).toEqual(expect.arrayContaining(["nats-node1,https://nats-node1:8222", "nats-node3,https://nats-node3:8222"]));
    expect(exporter.env).toEqual(["SSL_CERT_FILE=/etc/nats-exporter/ca.pem"]);
    expect(uploadedFile(exporter, "/etc/nats-exporter/ca.pem")).toMatch(/^\$\{tls_self_signed_cert\.[\w-]+\.cert_pem\}$/);
    // The upload needs a writable root filesystem; without monitoringTls the exporter keeps its read-only one.
    expect(exporter.read_only).toBeUndefined();
    const plain = container(synthStack({ nats: { clientTls: true } }).plan, "nats-exporter");
    expect(plain.read_only).toBe(true);
    expect(plain.env ?? []).toEqual([]);
    expect(plain.command).toEqual(expect.arrayContaining(["nats-node1,http://nats-node1:8222"]));
  });

  it("refuses monitoringTls without clientTls, whose TLS settings nats-server serves it with", () => {
    expect(() => synthStack({ nats: { monitoringTls: true } })).toThrow(
      /NatsCluster "[^"]+": monitoringTls needs clientTls: nats-server serves https_port with the client port's TLS settings, got true \(set clientTls: true as well/,
    );
  });
});
