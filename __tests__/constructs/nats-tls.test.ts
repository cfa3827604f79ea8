import { describe, expect, it } from "vitest";
import { NATS_TLS_FILES, ROUTE_PASSWORD_ENV } from "../../constructs/config/nats-tls-conf.js";
import { container, resourcesOf, synthStack, uploadedFile, withoutMetadata } from "../helpers/plan.js";

const CONFIG = "/etc/nats/nats-server.conf";
const ref = (type: string, attribute: string) => new RegExp(`^\\$\\{${type}\\.[\\w-]+\\.${attribute}\\}$`);

describe("NatsCluster TLS", () => {
  const { plan } = synthStack();

  it("secures routes by default: mutual TLS against the stack's CA, a route user, names the certificates hold", () => {
    const conf = uploadedFile(container(plan, "nats-node2"), CONFIG);
    expect(conf).toContain(
      `  tls {\n    cert_file: "${NATS_TLS_FILES.cert}"\n    key_file: "${NATS_TLS_FILES.key}"\n    ca_file: "${NATS_TLS_FILES.ca}"\n    verify: true`,
    );
    expect(conf).toContain(`  authorization {\n    user: "route"\n    password: $${ROUTE_PASSWORD_ENV}\n  }`);
    expect(conf).toContain('  advertise: "nats-node2:6222"');
    expect(conf).toMatch(/"nats-route:\/\/route:\$\{random_password\.Nats_RoutePassword_\w+\.result\}@nats-node1:6222"/);
    // No TLS on the client port unless asked.
    expect(conf).not.toMatch(/^tls \{/m);
    expect(container(plan, "nats-node2").env).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^${ROUTE_PASSWORD_ENV}=\\$\\{jsonencode\\(random_password\\.Nats_RoutePassword_\\w+\\.result\\)\\}$`),
        ),
      ]),
    );
  });

  it("uploads each node's own certificate and key, and the CA, as Terraform references only", () => {
    const node = container(plan, "nats-node1");
    expect(uploadedFile(node, NATS_TLS_FILES.ca)).toMatch(ref("tls_self_signed_cert", "cert_pem"));
    expect(uploadedFile(node, NATS_TLS_FILES.cert)).toMatch(/^\$\{tls_locally_signed_cert\.Nats_node1-tls-cert_\w+\.cert_pem\}$/);
    expect(uploadedFile(node, NATS_TLS_FILES.key)).toMatch(/^\$\{tls_private_key\.Nats_node1-tls-key_\w+\.private_key_pem\}$/);
    expect(JSON.stringify(plan)).not.toContain("-----BEGIN");
  });

  it("makes one ECDSA CA and one certificate per node, valid for server and client auth, holding that node's name only", () => {
    const [ca] = Object.values(resourcesOf(plan, "tls_self_signed_cert"));
    expect(ca).toMatchObject({ is_ca_certificate: true, allowed_uses: expect.arrayContaining(["cert_signing"]) });
    const requests = Object.values(resourcesOf(plan, "tls_cert_request"));
    expect(requests.map((r) => r.dns_names)).toEqual([["nats-node1"], ["nats-node2"], ["nats-node3"]]);
    for (const cert of Object.values(resourcesOf(plan, "tls_locally_signed_cert"))) {
      expect(cert.allowed_uses).toEqual(expect.arrayContaining(["server_auth", "client_auth"]));
      expect(cert.early_renewal_hours).toBeGreaterThan(0);
    }
    for (const key of Object.values(resourcesOf(plan, "tls_private_key")))
      expect(key).toMatchObject({ algorithm: "ECDSA", ecdsa_curve: "P256" });
  });

  it("leaves nodes 1-3's certificates, keys and containers as they are when the cluster grows to 5", () => {
    const five = synthStack({ nats: { nodes: 5 } }).plan;
    for (const type of ["tls_private_key", "tls_cert_request", "tls_locally_signed_cert", "tls_self_signed_cert"]) {
      for (const [id, resource] of Object.entries(resourcesOf(plan, type))) {
        expect(withoutMetadata(resourcesOf(five, type)[id]), `${type}.${id}`).toEqual(withoutMetadata(resource));
      }
    }
    for (const name of ["nats-node1", "nats-node2", "nats-node3"]) {
      expect(withoutMetadata(container(five, name))).toEqual(withoutMetadata(container(plan, name)));
    }
    expect(Object.keys(resourcesOf(five, "tls_locally_signed_cert"))).toHaveLength(5);
  });

  it("adds the names peers on other hosts dial to one node's certificate only (tlsNames)", () => {
    const custom = synthStack({ nats: { tlsNames: { "nats-node2": ["nats2.example.com", "10.0.0.12"] } } }).plan;
    const requests = Object.values(resourcesOf(custom, "tls_cert_request"));
    expect(requests[1]).toMatchObject({ dns_names: ["nats-node2", "nats2.example.com"], ip_addresses: ["10.0.0.12"] });
    expect(withoutMetadata(requests[0])).toEqual(withoutMetadata(Object.values(resourcesOf(plan, "tls_cert_request"))[0]));
  });

  it("rejects tlsNames for unknown nodes, bad names, or without any TLS", () => {
    expect(() => synthStack({ nats: { tlsNames: { "nats-node9": ["x"] } } })).toThrow(
      /tlsNames must be keyed by node names .* got "nats-node9"/,
    );
    expect(() => synthStack({ nats: { tlsNames: { "nats-node1": ["not a name"] } } })).toThrow(
      /tlsNames\.nats-node1 must hold host names or IPv4/,
    );
    expect(() => synthStack({ nats: { routeTls: false, tlsNames: { "nats-node1": ["x"] } } })).toThrow(
      /tlsNames needs routeTls or clientTls/,
    );
  });

  it("plain routes, no CA and no route password with routeTls: false, and for a single node", () => {
    for (const props of [{ routeTls: false }, { nodes: 1 }]) {
      const p = synthStack({ nats: props }).plan;
      expect(resourcesOf(p, "tls_self_signed_cert")).toEqual({});
      expect(uploadedFile(container(p, "nats-node1"), CONFIG)).not.toContain("tls {");
      expect(Object.keys(resourcesOf(p, "random_password")).some((id) => id.includes("RoutePassword"))).toBe(false);
    }
  });

  it("with clientTls: TLS on the client port, the CA for nats-box and Surveyor, localhost and the bind address in the names", () => {
    const tls = synthStack({ nats: { clientTls: true } }).plan;
    expect(uploadedFile(container(tls, "nats-node1"), CONFIG)).toMatch(/^tls \{\n {2}cert_file: "\/etc\/nats\/tls\/server\.pem"/m);
    expect(Object.values(resourcesOf(tls, "tls_cert_request"))[0].dns_names).toEqual(["nats-node1", "localhost"]);
    expect(Object.values(resourcesOf(tls, "tls_cert_request"))[0].ip_addresses).toEqual(["127.0.0.1"]);
    const box = container(tls, "nats-box");
    expect(JSON.parse(uploadedFile(box, "/etc/nats-box/nats/context/cluster.json")).ca).toBe("/etc/nats-box/ca.pem");
    expect(JSON.parse(uploadedFile(box, "/etc/nats-box/nats/context/system.json")).ca).toBe("/etc/nats-box/ca.pem");
    expect(uploadedFile(box, "/etc/nats-box/ca.pem")).toMatch(ref("tls_self_signed_cert", "cert_pem"));
    const surveyor = container(tls, "nats-surveyor");
    expect(surveyor.command).toContain("--tlscacert=/etc/nats-surveyor/ca.pem");
    expect(JSON.parse(uploadedFile(surveyor, "/etc/nats-surveyor/jetstream/app-account.json")).tls_ca).toBe("/etc/nats-surveyor/ca.pem");
    expect(tls.output?.nats_ca_cert.value).toMatch(ref("tls_self_signed_cert", "cert_pem"));
  });
});
