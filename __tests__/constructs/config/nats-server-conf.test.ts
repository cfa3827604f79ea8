import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APP_PASSWORD_ENV, renderNatsServerConf, SYSTEM_PASSWORD_ENV } from "../../../constructs/config/nats-server-conf.js";
import { NATS_TLS_FILES, ROUTE_PASSWORD_ENV } from "../../../constructs/config/nats-tls-conf.js";
import { EnvReference, formatNatsConf } from "../../../constructs/private/nats-conf-format.js";
import { describeWithPinnedBinary, pinnedVersion } from "../../helpers/pinned-binaries.js";
import { containersByName, labelsOf, type PlanResource, synthStack, uploadedFile } from "../../helpers/plan.js";
import { describeWithTool } from "../../helpers/tools.js";
import { TlsMaterial } from "../../live/tls-material.js";

/** Three engines, as the testbed starts them. */
const THREE_HOSTS = {
  "nats-a": { dockerHost: "unix:///run/natsmon-a.sock", address: "10.99.0.11" },
  "nats-b": { dockerHost: "unix:///run/natsmon-b.sock", address: "10.99.0.12" },
  "nats-c": { dockerHost: "unix:///run/natsmon-c.sock", address: "10.99.0.13" },
};

// bcrypt of "test-password", as random_password's bcrypt_hash would give.
const BCRYPT = "$2a$10$YkFiHkxegdAXGN4SVhKTu.oExIzHTqg0cKB8FyWfAyklB.Q1UmVKm";

describe("formatNatsConf", () => {
  it("writes blocks, arrays, quoted strings and environment references", () => {
    const text = formatNatsConf(
      { a: 'x"y', b: 1, c: true, d: { e: ["p", "q"] }, f: [{ user: "u", password: new EnvReference("PW") }], g: undefined },
      ["header"],
    );
    expect(text).toBe(
      [
        "# header",
        'a: "x\\"y"',
        "b: 1",
        "c: true",
        "d {",
        "  e: [",
        '    "p"',
        '    "q"',
        "  ]",
        "}",
        "f: [",
        '  { user: "u", password: $PW }',
        "]",
        "",
      ].join("\n"),
    );
  });

  it("refuses values it cannot write", () => {
    expect(() => formatNatsConf({ a: Number.NaN })).toThrow(/not a finite number/);
    expect(() => new EnvReference("not-a-var")).toThrow(/not an environment variable name/);
  });
});

describe("renderNatsServerConf", () => {
  const input = {
    serverName: "n1",
    maxMemoryStoreBytes: 1024,
    maxFileStoreBytes: 2048,
    systemUser: "sys",
    lameDuckDuration: "30s",
    lameDuckGracePeriod: "10s",
  };

  it("depends only on the seeds, not on the cluster size", () => {
    const seeds = ["nats-node1", "nats-node2", "nats-node3"];
    const text = renderNatsServerConf({ ...input, cluster: { name: "c", seeds } });
    expect(text).toContain('  name: "c"');
    expect(text).toContain('  listen: "0.0.0.0:6222"');
    expect(text).toContain("http_port: 8222");
    expect(text).toContain('system_account: "SYS"');
  });

  it("writes server_tags and jetstream.unique_tag only when given", () => {
    const tagged = renderNatsServerConf({ ...input, serverTags: ["host:nats-a"], uniqueTag: "host:" });
    expect(tagged).toContain('server_tags: [\n  "host:nats-a"\n]');
    expect(tagged).toMatch(/^jetstream \{\n(?: {2}.*\n)*? {2}unique_tag: "host:"\n\}/m);
    const plain = renderNatsServerConf(input);
    expect(plain).not.toContain("server_tags");
    expect(plain).not.toContain("unique_tag");
  });

  it("keeps the password out of the file", () => {
    expect(renderNatsServerConf(input)).toContain(`{ user: "sys", password: $${SYSTEM_PASSWORD_ENV} }`);
  });

  it("serves the monitoring port as https_port only with monitoringTls, and only next to client TLS", () => {
    const https = renderNatsServerConf({ ...input, clientTls: true, monitoringTls: true });
    // nats-server refuses http_port and https_port together: never both.
    expect(https).toMatch(/^https_port: 8222$/m);
    expect(https).not.toMatch(/^http_port:/m);
    expect(https).toMatch(/^tls \{$/m);
    expect(renderNatsServerConf({ ...input, clientTls: true })).toMatch(/^http_port: 8222$/m);
    // https_port uses the top-level tls block, which only clientTls writes.
    expect(() => renderNatsServerConf({ ...input, monitoringTls: true })).toThrow(/monitoringTls needs clientTls/);
  });
});

/** The -t checks, run with one nats-server binary. */
function configChecks(natsServer: string): void {
  const dir = mkdtempSync(join(tmpdir(), "nats-conf-"));
  // nats-server -t loads the TLS files: a CA and a node certificate made with openssl, at temp paths.
  const tls = new TlsMaterial();
  const caKey = tls.privateKey({ algorithm: "ECDSA", ecdsa_curve: "P256" });
  const ca = tls.selfSignedCert({
    private_key_pem: caKey,
    subject: [{ common_name: "test CA" }],
    validity_period_hours: 48,
    is_ca_certificate: true,
    allowed_uses: ["cert_signing"],
  });
  const nodeKey = tls.privateKey({ algorithm: "ECDSA", ecdsa_curve: "P256" });
  const request = { private_key_pem: nodeKey, subject: [{ common_name: "n" }], dns_names: ["n"] };
  const cert = tls.locallySignedCert(
    {
      cert_request_pem: tls.certRequest(request),
      ca_private_key_pem: caKey,
      ca_cert_pem: ca,
      validity_period_hours: 24,
      allowed_uses: ["server_auth", "client_auth"],
    },
    request,
  );
  tls.dispose();
  writeFileSync(join(dir, "ca.pem"), ca);
  writeFileSync(join(dir, "server.pem"), cert);
  writeFileSync(join(dir, "server-key.pem"), nodeKey);
  const localTlsPaths = (text: string) =>
    text
      .replaceAll(NATS_TLS_FILES.ca, join(dir, "ca.pem"))
      .replaceAll(NATS_TLS_FILES.cert, join(dir, "server.pem"))
      .replaceAll(NATS_TLS_FILES.key, join(dir, "server-key.pem"));
  /** A node's uploaded config, with the route password Terraform would fill in (a value of random_password's alphabet). */
  const nodeConfig = (node: PlanResource) =>
    uploadedFile(node, "/etc/nats/nats-server.conf").replace(/\$\{random_password\.[\w-]+\.result\}/g, "Route0Password1");
  /** `nats-server -t` on the config, with the environment the container gets. */
  const expectValidConfig = (node: PlanResource, file: string, conf: string) => {
    writeFileSync(file, localTlsPaths(conf));
    const result = spawnSync(natsServer, ["-c", file, "-t"], {
      encoding: "utf8",
      env: {
        ...process.env,
        [SYSTEM_PASSWORD_ENV]: `"${BCRYPT}"`,
        [APP_PASSWORD_ENV]: `"${BCRYPT}"`,
        [ROUTE_PASSWORD_ENV]: '"Route0Password1"',
      },
    });
    expect(result.status, `${node.name}: ${result.stderr}${result.stdout}`).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/configuration file .* is valid/);
  };

  it.each<[number, boolean, boolean, boolean?]>([
    [1, false, false],
    [3, false, false],
    [5, false, false],
    [3, true, false],
    [3, false, true, false],
    [3, false, true, true],
  ])("with %i nodes, allowAnonymous %s, clientTls %s, monitoringTls %s", (nodes, allowAnonymous, clientTls, monitoringTls) => {
    const containers = Object.values(
      containersByName(synthStack({ nats: { nodes, allowAnonymous, clientTls, ...(monitoringTls ? { monitoringTls } : {}) } }).plan),
    ).filter((c) => labelsOf(c)["natsmon.component"] === "nats");
    expect(containers).toHaveLength(nodes);
    for (const node of containers) {
      const file = join(dir, `${node.name}-${nodes}.conf`);
      expectValidConfig(node, file, nodeConfig(node));
    }
  });

  it.each([3, 5])("with %i nodes over three Docker hosts (advertised host addresses, routes to the seeds' addresses)", (nodes) => {
    const { plan } = synthStack({ hosts: THREE_HOSTS, nats: { nodes, clientTls: true } });
    const containers = Object.values(containersByName(plan)).filter((c) => labelsOf(c)["natsmon.component"] === "nats");
    expect(containers).toHaveLength(nodes);
    for (const node of containers) {
      const file = join(dir, `${node.name}-hosts-${nodes}.conf`);
      const conf = nodeConfig(node);
      expect(conf).toContain("@10.99.0.13:6222");
      expect(conf).toMatch(/client_advertise: "10\.99\.0\.1\d:422\d"/);
      expect(conf).toMatch(/^server_tags: \[\n {2}"host:nats-[abc]"\n\]$/m);
      expect(conf).toContain('unique_tag: "host:"');
      expectValidConfig(node, file, conf);
    }
  });

  it("with 3 nodes over two Docker hosts (host tags, no unique_tag)", () => {
    const two = { "nats-a": THREE_HOSTS["nats-a"], "nats-b": THREE_HOSTS["nats-b"] };
    const { plan } = synthStack({ hosts: two, nats: { nodes: 3, clientTls: true } });
    const containers = Object.values(containersByName(plan)).filter((c) => labelsOf(c)["natsmon.component"] === "nats");
    expect(containers).toHaveLength(3);
    for (const node of containers) {
      const conf = nodeConfig(node);
      expect(conf).toMatch(/"host:nats-[ab]"/);
      expect(conf).not.toContain("unique_tag");
      expectValidConfig(node, join(dir, `${node.name}-two-hosts.conf`), conf);
    }
  });

  it("fails a server_tags value that is not a string, so the tag check can fail", () => {
    const file = join(dir, "bad-tags.conf");
    writeFileSync(file, 'server_name: "n1"\nserver_tags: [\n  { a: 1 }\n]\n');
    const result = spawnSync(natsServer, ["-c", file, "-t"], { encoding: "utf8" });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/tags/);
  });

  it("fails a config whose password variable is missing, so the check can fail", () => {
    const file = join(dir, "missing-env.conf");
    writeFileSync(
      file,
      renderNatsServerConf({
        serverName: "n1",
        maxMemoryStoreBytes: 1024,
        maxFileStoreBytes: 2048,
        systemUser: "sys",
        lameDuckDuration: "30s",
        lameDuckGracePeriod: "10s",
      }),
    );
    const env = { ...process.env };
    delete env[SYSTEM_PASSWORD_ENV];
    const result = spawnSync(natsServer, ["-c", file, "-t"], { encoding: "utf8", env });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(SYSTEM_PASSWORD_ENV);
  });
}

// Debian's 2.9.10 on the PATH, for the older server line.
describeWithTool("nats-server", "every synthesized node config passes nats-server -t (Debian's nats-server on the PATH)", () =>
  configChecks("nats-server"),
);

// The version the stack pins (constructs/images.ts), built by the testbed from its Go module.
describeWithPinnedBinary(
  "nats-server",
  `every synthesized node config passes nats-server -t (pinned ${pinnedVersion("nats-server")})`,
  (path) => {
    it("is the pinned version", () => {
      expect(spawnSync(path, ["--version"], { encoding: "utf8" }).stdout).toContain(`v${pinnedVersion("nats-server")}`);
    });
    configChecks(path);
  },
);
