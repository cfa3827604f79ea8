import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_ACCOUNT, APP_PASSWORD_ENV, renderNatsAuth, SYSTEM_PASSWORD_ENV } from "../../../constructs/config/nats-auth.js";
import { renderNatsServerConf } from "../../../constructs/config/nats-server-conf.js";
import { formatNatsConf } from "../../../constructs/private/nats-conf-format.js";
import { freePort } from "../../cli/helpers/nats-test-cluster.js";
import { container, synthStack, uploadedFile } from "../../helpers/plan.js";
import { describeWithTool } from "../../helpers/tools.js";
import { waitFor } from "../../live/wait.js";

describe("renderNatsAuth", () => {
  it("gives every user an account and lets no one in without credentials by default", () => {
    const text = formatNatsConf(renderNatsAuth({ systemUser: "sys", appUser: "app" }));
    expect(text).toContain(`APP {\n    jetstream: "enabled"\n    users: [\n      { user: "app", password: $${APP_PASSWORD_ENV} }`);
    expect(text).toContain(`{ user: "sys", password: $${SYSTEM_PASSWORD_ENV} }`);
    expect(text).not.toContain("no_auth_user");
  });

  it("keeps the guide's anonymous access when there is no application user", () => {
    const text = formatNatsConf(renderNatsAuth({ systemUser: "sys" }));
    expect(text).not.toContain(APP_ACCOUNT);
    expect(text).not.toContain(APP_PASSWORD_ENV);
  });
});

describe("NatsCluster accounts in the plan", () => {
  it("by default: an APP user with a generated password, whose bcrypt hash alone reaches the servers", () => {
    const { plan } = synthStack();
    const node = container(plan, "nats-node1");
    expect(node.env).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^${APP_PASSWORD_ENV}=\\$\\{jsonencode\\(random_password\\.Nats_AppPassword_\\w+\\.bcrypt_hash\\)\\}$`),
        ),
      ]),
    );
    expect(plan.output?.nats_app_user.value).toBe("app");
    expect(plan.output?.nats_app_password).toMatchObject({
      value: expect.stringMatching(/^\$\{random_password\.Nats_AppPassword_\w+\.result\}$/),
      sensitive: true,
    });
    const context = JSON.parse(uploadedFile(container(plan, "nats-box"), "/etc/nats-box/nats/context/cluster.json"));
    expect(context).toMatchObject({
      user: "app",
      password: expect.stringMatching(/^\$\{random_password\.Nats_AppPassword_\w+\.result\}$/),
    });
    const advisories = JSON.parse(uploadedFile(container(plan, "nats-surveyor"), "/etc/nats-surveyor/jetstream/app-account.json"));
    expect(advisories).toMatchObject({ name: "APP", username: "app" });
  });

  it("with allowAnonymous: no APP account, no app password, and it says so in the outputs", () => {
    const { plan } = synthStack({ nats: { allowAnonymous: true } });
    const node = container(plan, "nats-node1");
    expect(uploadedFile(node, "/etc/nats/nats-server.conf")).not.toContain(APP_ACCOUNT);
    expect((node.env as string[]).some((e) => e.startsWith(APP_PASSWORD_ENV))).toBe(false);
    expect(plan.output?.nats_app_user).toBeUndefined();
    expect(plan.output?.nats_app_password).toBeUndefined();
    expect(Object.keys(plan.resource.random_password).filter((id) => id.includes("AppPassword"))).toEqual([]);
  });

  it("rejects an app user that is the system user, or one given while anonymous access is on", () => {
    expect(() => synthStack({ nats: { appUser: "sys" } })).toThrow(/appUser must differ from systemUser, .*got "sys"/);
    expect(() => synthStack({ nats: { allowAnonymous: true, appUser: "x" } })).toThrow(
      /appUser has no effect while allowAnonymous is true/,
    );
  });
});

describeWithTool("nats-server", "a real nats-server with the rendered accounts", () => {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-auth-"));
  const appPassword = "app-password-for-the-test";
  const systemPassword = "sys-password-for-the-test";
  let server: ChildProcess | undefined;
  let url = "";

  beforeAll(async () => {
    const [port, http] = [await freePort(), await freePort()];
    url = `nats://127.0.0.1:${port}`;
    const file = join(dir, "nats.conf");
    const rendered = renderNatsServerConf({
      serverName: "auth-test",
      maxMemoryStoreBytes: 64 * 1024 ** 2,
      maxFileStoreBytes: 256 * 1024 ** 2,
      systemUser: "sys",
      appUser: "app",
      lameDuckDuration: "30s",
      lameDuckGracePeriod: "10s",
    });
    // The rendered file listens on 0.0.0.0:4222 and stores in /data: moved to loopback and a temp folder.
    const local = rendered
      .replace('listen: "0.0.0.0:4222"', `listen: "127.0.0.1:${port}"`)
      .replace("http_port: 8222", `http: "127.0.0.1:${http}"`)
      .replace('store_dir: "/data"', `store_dir: ${JSON.stringify(join(dir, "js"))}`);
    expect(local).not.toBe(rendered);
    writeFileSync(file, local);
    server = spawn("nats-server", ["-c", file], {
      env: {
        ...process.env,
        [SYSTEM_PASSWORD_ENV]: `"${bcrypt.hashSync(systemPassword, 4)}"`,
        [APP_PASSWORD_ENV]: `"${bcrypt.hashSync(appPassword, 4)}"`,
      },
      stdio: "ignore",
    });
    await waitFor("nats-server to answer", async () => ((await fetch(`http://127.0.0.1:${http}/healthz`)).ok ? true : undefined), {
      timeoutMs: 8_000,
    });
  }, 15_000);

  afterAll(() => {
    server?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a client without credentials, and one with a wrong password", async () => {
    await expect(connect({ servers: url, reconnect: false, timeout: 3_000 })).rejects.toThrow(/Authorization Violation/i);
    await expect(connect({ servers: url, reconnect: false, timeout: 3_000, user: "app", pass: "wrong" })).rejects.toThrow(
      /Authorization Violation/i,
    );
  });

  it("lets the app user use JetStream in the APP account", async () => {
    const nc = await connect({ servers: url, reconnect: false, user: "app", pass: appPassword });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "AUTH_TEST", subjects: ["auth.test"] });
      expect((await jsm.getAccountInfo()).streams).toBe(1);
    } finally {
      await nc.close();
    }
  });

  it("lets the system user ask the servers, not use the app's streams", async () => {
    const nc = await connect({ servers: url, reconnect: false, user: "sys", pass: systemPassword });
    try {
      const reply = await nc.request("$SYS.REQ.SERVER.PING.VARZ", "", { timeout: 2_000 });
      expect(reply.json<{ server: { name: string } }>().server.name).toBe("auth-test");
      const jsm = await jetstreamManager(nc, { timeout: 2_000 }).catch((error: Error) => error);
      const names =
        jsm instanceof Error
          ? jsm
          : await jsm.streams
              .names()
              .next()
              .catch((error: Error) => error);
      expect(names, "the system account has no JetStream of its own").toBeInstanceOf(Error);
    } finally {
      await nc.close();
    }
  });
});
