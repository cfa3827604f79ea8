import { get as httpsGet } from "node:https";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { pack } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHealth } from "../../cli/backup/jetstream-health.js";
import type { Plan } from "../helpers/plan.js";
import { type LiveNode, natsNodesOf, synthLivePlan } from "./live-plan.js";
import { appLogin } from "./nats-client.js";
import { PlanReplayer } from "./plan-replayer.js";
import { routedPeers } from "./routes.js";
import { containerLog, docker, execIn, LIVE_LABEL, LIVE_LABEL_VALUE, requireTestbed, TESTBED_IMAGES } from "./testbed.js";
import { TlsMaterial } from "./tls-material.js";
import { sleep, waitFor } from "./wait.js";

/**
 * The cluster with TLS on the client port and the monitoring port too
 * (`clientTls: true`, `monitoringTls: true`), created exactly as the plan
 * says, certificates and keys computed for the plan's tls_* resources:
 * routes form over mutual TLS, a server whose certificate another CA signed
 * cannot join even with the right route password, a client connects with the
 * stack's CA and is refused without it, and the monitoring port answers
 * HTTPS that the CA verifies (the nodes turn healthy through it).
 */
describe("NATS routes and clients over TLS from the stack's own CA, on a real Docker engine", () => {
  let plan: Plan;
  let nodes: LiveNode[];
  let replayer: PlanReplayer;
  let ca: string;
  const intruder = "live-nats-intruder";

  beforeAll(async () => {
    await requireTestbed();
    plan = synthLivePlan({ nats: { clientTls: true, monitoringTls: true } });
    nodes = natsNodesOf(plan).map((node) => ({ ...node, monitorUrl: node.monitorUrl.replace(/^http:/, "https:") }));
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply(nodes.map((node) => node.name));
    ca = await replayer.output("nats_ca_cert");
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  /** GET over HTTPS, the server verified with `ca` (Node's fetch takes no CA). */
  const getJson = (url: string, trust: "stack CA" | "system CAs" = "stack CA"): Promise<any> =>
    new Promise((resolve, reject) => {
      const request = httpsGet(url, { ca: trust === "stack CA" ? ca : undefined, timeout: 2_000 }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => {
          if (response.statusCode !== 200) return reject(new Error(`GET ${url}: HTTP ${response.statusCode} ${body}`));
          try {
            resolve(JSON.parse(body));
          } catch (error) {
            reject(error);
          }
        });
      });
      request.on("timeout", () => request.destroy(new Error(`GET ${url}: timed out`)));
      request.on("error", reject);
    });

  /** A client through a node's published port; the certificates name localhost and 127.0.0.1. */
  const client = async (node: LiveNode, tls: { ca?: string } | undefined): Promise<NatsConnection> =>
    connect({
      servers: node.clientUrl,
      reconnect: false,
      timeout: 5_000,
      ignoreClusterUpdates: true,
      ...(await appLogin(replayer)),
      ...(tls === undefined ? {} : { tls }),
    });

  it("forms every route over mutual TLS: the cluster port requires and verifies certificates", async () => {
    for (const node of nodes) {
      await waitFor(
        `${node.name} to route to ${nodes.length - 1} peers`,
        async () => (routedPeers(await getJson(`${node.monitorUrl}/routez`)) === nodes.length - 1 ? true : undefined),
        { timeoutMs: 60_000 },
      );
      const varz = await getJson(`${node.monitorUrl}/varz`);
      expect(varz.cluster, node.name).toMatchObject({ tls_required: true, tls_verify: true });
      expect(varz.tls_required, `${node.name}: TLS on the client port`).toBe(true);
    }
    const jsz = await getJson(`${nodes[0].monitorUrl}/jsz`);
    expect(jsz.meta_cluster.cluster_size).toBe(nodes.length);
  });

  it("serves the monitoring port over HTTPS only, with a certificate the stack's CA verifies", async () => {
    for (const node of nodes) {
      const varz = await getJson(`${node.monitorUrl}/varz`);
      expect(varz.server_name, node.name).toBe(node.name);
      expect(varz.https_port, node.name).toBe(8222);
      expect(varz.http_port ?? 0, node.name).toBe(0);
    }
    // Without the CA the certificate does not verify; plain HTTP gets no monitoring data from the TLS port.
    await expect(getJson(`${nodes[0].monitorUrl}/varz`, "system CAs")).rejects.toThrow(/certificate|self[- ]signed|verify/i);
    // Plain HTTP on the port gets Go's refusal (400, "Client sent an HTTP request to an HTTPS server"), no data.
    for (const node of nodes) {
      const plain = await fetch(`${node.monitorUrl.replace(/^https:/, "http:")}/varz`, { signal: AbortSignal.timeout(2_000) });
      const body = await plain.text();
      expect(plain.status, node.name).toBe(400);
      expect(body, node.name).toMatch(/HTTPS server/);
      expect(body, node.name).not.toContain("server_name");
    }
    // Each node turned healthy through its healthcheck, which asks the HTTPS port inside the container
    // with the image's wget (busybox's, handing TLS to OpenSSL as Alpine's hands it to ssl_client).
    for (const node of nodes) {
      const { Config, State } = await docker.getContainer(node.name).inspect();
      expect(Config.Healthcheck?.Test?.join(" "), node.name).toContain("https://127.0.0.1:8222/healthz");
      expect(State.Health?.Status, node.name).toBe("healthy");
      // natsmon's backup and restore ask the same port the same way, the scheme read from that healthcheck.
      const health = await nodeHealth(docker, { id: node.name, name: node.name });
      expect(health, node.name).toMatchObject({ running: true, jetstreamEnabled: true, current: true, metaLeader: expect.any(String) });
    }
  });

  it("connects a client that trusts the stack's CA, and refuses one that does not", async () => {
    const trusted = await client(nodes[0], { ca });
    try {
      expect(trusted.info?.tls_required).toBe(true);
      await trusted.flush();
    } finally {
      await trusted.close();
    }
    // Without the CA the client checks the servers against the system's CAs and gives up.
    await expect(client(nodes[0], {})).rejects.toThrow(/certificate|self[- ]signed|verify/i);
    // A client that does not ask for TLS is refused too: the server requires it.
    await expect(client(nodes[0], undefined)).rejects.toThrow();
  });

  it("keeps out a server whose certificate another CA signed, even with the right route password", async () => {
    const seed = nodes[0].name;
    const { output: ownConfig } = await execIn(seed, ["cat", "/etc/nats/nats-server.conf"]);
    expect(ownConfig).toMatch(/nats-route:\/\/route:\w+@/);
    // The same config (route URLs with the real route password), but its own name and a foreign CA's certificate.
    const config = ownConfig
      .replace(`server_name: "${seed}"`, `server_name: "${intruder}"`)
      .replace(`advertise: "${seed}:6222"`, `advertise: "${intruder}:6222"`);
    const tls = new TlsMaterial();
    const caKey = tls.privateKey({ algorithm: "ECDSA", ecdsa_curve: "P256" });
    const foreignCa = tls.selfSignedCert({
      private_key_pem: caKey,
      subject: [{ common_name: "another CA" }],
      validity_period_hours: 48,
      is_ca_certificate: true,
      allowed_uses: ["cert_signing"],
    });
    const key = tls.privateKey({ algorithm: "ECDSA", ecdsa_curve: "P256" });
    const request = { private_key_pem: key, subject: [{ common_name: intruder }], dns_names: [intruder] };
    const cert = tls.locallySignedCert(
      {
        cert_request_pem: tls.certRequest(request),
        ca_private_key_pem: caKey,
        ca_cert_pem: foreignCa,
        validity_period_hours: 24,
        allowed_uses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
      },
      request,
    );
    tls.dispose();

    const seedInfo = await docker.getContainer(seed).inspect();
    const network = Object.keys(seedInfo.NetworkSettings.Networks)[0];
    const container = await docker.createContainer({
      name: intruder,
      // The image the seed runs: the testbed's build of the plan's nats-server.
      Image: seedInfo.Config.Image,
      Entrypoint: ["nats-server"],
      Cmd: ["--config", "/etc/nats/nats-server.conf"],
      // The route password's hash and the users' hashes, as the seed has them.
      Env: seedInfo.Config.Env.filter((entry) => entry.startsWith("NATS_")),
      Labels: { [LIVE_LABEL]: LIVE_LABEL_VALUE },
      HostConfig: { NetworkMode: network, SecurityOpt: ["no-new-privileges:true"], CapDrop: ["ALL"] },
    });
    const archive = pack();
    archive.entry({ name: "etc/nats/nats-server.conf" }, config);
    archive.entry({ name: "etc/nats/tls/ca.pem" }, foreignCa);
    archive.entry({ name: "etc/nats/tls/server.pem" }, cert);
    archive.entry({ name: "etc/nats/tls/server-key.pem" }, key);
    archive.finalize();
    await container.putArchive(archive as unknown as NodeJS.ReadableStream, { path: "/" });
    await container.start();

    // Give it several route attempts (nats-server retries every second).
    await sleep(8_000);
    const { State } = await container.inspect();
    expect(State.Running, "the intruder runs, it is only kept out").toBe(true);
    const log = await containerLog(intruder);
    expect(log).toMatch(/TLS route handshake error|certificate signed by unknown authority|bad certificate/i);
    expect(log).not.toMatch(/Route connection created/);
    for (const node of nodes) {
      const routez = await getJson(`${node.monitorUrl}/routez`);
      expect(routedPeers(routez), node.name).toBe(nodes.length - 1);
      expect(
        (routez.routes as { remote_name?: string }[]).some((route) => route.remote_name === intruder),
        node.name,
      ).toBe(false);
    }
    const servers = (await getJson(`${nodes[0].monitorUrl}/jsz`)).meta_cluster;
    expect(servers.cluster_size, "the meta group did not grow").toBe(nodes.length);
  });
});
