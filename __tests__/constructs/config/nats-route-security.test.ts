import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { APP_PASSWORD_ENV, SYSTEM_PASSWORD_ENV } from "../../../constructs/config/nats-auth.js";
import { renderNatsServerConf } from "../../../constructs/config/nats-server-conf.js";
import { NATS_TLS_FILES, ROUTE_PASSWORD_ENV } from "../../../constructs/config/nats-tls-conf.js";
import { freePort } from "../../cli/helpers/nats-test-cluster.js";
import { describeWithTool } from "../../helpers/tools.js";
import { TlsMaterial } from "../../live/tls-material.js";
import { getJson, sleep, waitFor } from "../../live/wait.js";

/** A CA and a certificate for `name` signed by it, made with openssl. */
function pki(tls: TlsMaterial, caName: string, names: readonly string[]) {
  const caKey = tls.privateKey({ algorithm: "ECDSA", ecdsa_curve: "P256" });
  const ca = tls.selfSignedCert({
    private_key_pem: caKey,
    subject: [{ common_name: caName }],
    validity_period_hours: 48,
    is_ca_certificate: true,
    allowed_uses: ["cert_signing"],
  });
  const issue = () => {
    const key = tls.privateKey({ algorithm: "ECDSA", ecdsa_curve: "P256" });
    const request = { private_key_pem: key, subject: [{ common_name: "node" }], dns_names: [...names], ip_addresses: ["127.0.0.1"] };
    const cert = tls.locallySignedCert(
      {
        cert_request_pem: tls.certRequest(request),
        ca_private_key_pem: caKey,
        ca_cert_pem: ca,
        validity_period_hours: 24,
        allowed_uses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
      },
      request,
    );
    return { ca, cert, key };
  };
  return { issue };
}

/**
 * The rendered route security on real nats-server processes on 127.0.0.1:
 * two nodes with certificates from one CA and the route password form a
 * route; a node whose certificate another CA signed, and a node with the
 * right CA but a wrong route password, are both kept out.
 */
describeWithTool("nats-server", "route security of the rendered config on real nats-server processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-routes-"));
  const routePassword = "RoutePassword123";
  const processes: ChildProcess[] = [];
  const http: Record<string, number> = {};
  const logs: Record<string, string> = {};

  async function start(
    name: string,
    seeds: readonly number[],
    own: number,
    files: { ca: string; cert: string; key: string },
    password: string,
  ) {
    const port = await freePort();
    http[name] = await freePort();
    const folder = join(dir, name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "ca.pem"), files.ca);
    writeFileSync(join(folder, "server.pem"), files.cert);
    writeFileSync(join(folder, "server-key.pem"), files.key);
    const rendered = renderNatsServerConf({
      serverName: name,
      cluster: { name: "c", seeds: seeds.map(() => "localhost") },
      maxMemoryStoreBytes: 16 * 1024 ** 2,
      maxFileStoreBytes: 64 * 1024 ** 2,
      systemUser: "sys",
      appUser: "app",
      routeSecurity: { user: "route", password },
      lameDuckDuration: "30s",
      lameDuckGracePeriod: "10s",
    });
    // Loopback ports instead of the container's fixed ones; the seeds' ports in order.
    let seedIndex = 0;
    const local = rendered
      .replace('listen: "0.0.0.0:4222"', `listen: "127.0.0.1:${port}"`)
      .replace("http_port: 8222", `http: "127.0.0.1:${http[name]}"`)
      .replace('store_dir: "/data"', `store_dir: ${JSON.stringify(join(folder, "js"))}`)
      .replace('listen: "0.0.0.0:6222"', `listen: "127.0.0.1:${own}"`)
      .replace(/@localhost:6222/g, () => `@localhost:${seeds[seedIndex++]}`)
      .replace(`advertise: "${name}:6222"`, `advertise: "localhost:${own}"`)
      .replaceAll(NATS_TLS_FILES.ca, join(folder, "ca.pem"))
      .replaceAll(NATS_TLS_FILES.cert, join(folder, "server.pem"))
      .replaceAll(NATS_TLS_FILES.key, join(folder, "server-key.pem"));
    expect(seedIndex).toBe(seeds.length);
    writeFileSync(join(folder, "nats.conf"), local);
    const hash = `"${bcrypt.hashSync(routePassword, 4)}"`;
    const child = spawn("nats-server", ["-c", join(folder, "nats.conf")], {
      // The route password in plain text, as the stack gives it: gossiped routes log in with it (a hash fails them).
      env: { ...process.env, [SYSTEM_PASSWORD_ENV]: hash, [APP_PASSWORD_ENV]: hash, [ROUTE_PASSWORD_ENV]: `"${password}"` },
      stdio: ["ignore", "ignore", "pipe"],
    });
    logs[name] = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      logs[name] += chunk.toString();
    });
    processes.push(child);
    await waitFor(`${name} to listen`, async () => ((await fetch(`http://127.0.0.1:${http[name]}/varz`)).ok ? true : undefined), {
      timeoutMs: 10_000,
    });
  }

  beforeAll(async () => {
    const tls = new TlsMaterial();
    const stack = pki(tls, "stack CA", ["localhost"]);
    const foreign = pki(tls, "another CA", ["localhost"]);
    const [a, b, c, d] = [await freePort(), await freePort(), await freePort(), await freePort()];
    // n1 is the only seed: n2 and n3 find each other by gossip, over an implicit route.
    const e = await freePort();
    await start("n1", [a], a, stack.issue(), routePassword);
    await start("n2", [a], b, stack.issue(), routePassword);
    await start("n3", [a], e, stack.issue(), routePassword);
    await start("foreign-ca", [a], c, foreign.issue(), routePassword);
    await start("wrong-password", [a], d, stack.issue(), "WrongPassword456");
    tls.dispose();
  }, 60_000);

  afterAll(() => {
    for (const child of processes) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("forms the routes among the stack CA's nodes, the gossiped one too, and keeps out another CA's node and a wrong route password", async () => {
    for (const name of ["n1", "n2", "n3"]) {
      await waitFor(
        `${name} to route to the two others`,
        async () => ((await getJson(`http://127.0.0.1:${http[name]}/routez`)).num_routes >= 2 ? true : undefined),
        { timeoutMs: 15_000 },
      );
    }
    // Several route attempts (every second) for the two that must stay out.
    await sleep(5_000);
    const routes = async (name: string) => (await getJson(`http://127.0.0.1:${http[name]}/routez`)).num_routes as number;
    expect(await routes("n1")).toBe(2);
    expect(await routes("n2")).toBe(2);
    expect(await routes("n3")).toBe(2);
    expect(await routes("foreign-ca")).toBe(0);
    expect(await routes("wrong-password")).toBe(0);
    expect((await getJson(`http://127.0.0.1:${http.n1}/varz`)).cluster).toMatchObject({ tls_required: true, tls_verify: true });
    expect(logs["foreign-ca"]).toMatch(/certificate signed by unknown authority|bad certificate|handshake/i);
    expect(`${logs.n1}${logs.n2}`).toMatch(/Authorization Violation|authentication error/i);
  }, 40_000);
});
