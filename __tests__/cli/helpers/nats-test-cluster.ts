import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { APP_PASSWORD_ENV, renderNatsAuth, SYSTEM_PASSWORD_ENV } from "../../../constructs/config/nats-auth.js";
import { formatNatsConf } from "../../../constructs/private/nats-conf-format.js";

/** A JetStream cluster of real nats-server processes on 127.0.0.1. */
export interface NatsTestCluster {
  readonly url: string;
  /** Every server's client URL, in order. */
  readonly urls: readonly string[];
  readonly names: readonly string[];
  readonly systemUser: string;
  readonly systemPassword: string;
  /** The application user and password, when started with `appAccount`. */
  readonly appUser?: string;
  readonly appPassword?: string;
  /** Stops one server (SIGTERM) and waits for it to exit. */
  stopServer(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** The application account's user, with `startNatsTestCluster(size, { appAccount: true })`. */
export const APP_USER = { user: "app", password: "natsmon-test-app-password" } as const;

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Starts `size` nats-server processes with JetStream, a cluster block and a
 * system account, the same shape as the stack's nodes, and waits until each
 * reports healthy, JetStream meta leader included (bounded: 20 s).
 */
export async function startNatsTestCluster(size = 3, options: { appAccount?: boolean } = {}): Promise<NatsTestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-cli-test-nats-"));
  const names = Array.from({ length: size }, (_, i) => `natsmon-test-n${i + 1}`);
  const ports = await Promise.all(names.map(async () => ({ client: await freePort(), cluster: await freePort(), http: await freePort() })));
  const systemUser = "sys";
  const systemPassword = "natsmon-test-password";
  // With appAccount, the stack's own accounts block (APP with JetStream, SYS,
  // no anonymous access), the passwords' bcrypt hashes in the environment.
  const appUser = options.appAccount ? APP_USER.user : undefined;
  const appPassword = options.appAccount ? APP_USER.password : undefined;
  const env = {
    ...process.env,
    [SYSTEM_PASSWORD_ENV]: `"${bcrypt.hashSync(systemPassword, 4)}"`,
    [APP_PASSWORD_ENV]: `"${bcrypt.hashSync(appPassword ?? "", 4)}"`,
  };
  const processes: ChildProcess[] = names.map((name, i) => {
    const conf = join(dir, `${name}.conf`);
    writeFileSync(
      conf,
      formatNatsConf({
        server_name: name,
        listen: `127.0.0.1:${ports[i].client}`,
        http: `127.0.0.1:${ports[i].http}`,
        jetstream: { store_dir: join(dir, name), max_memory_store: 64 * 1024 ** 2, max_file_store: 256 * 1024 ** 2 },
        cluster:
          size > 1
            ? {
                name: "natsmon-test",
                listen: `127.0.0.1:${ports[i].cluster}`,
                routes: ports.map((p) => `nats-route://127.0.0.1:${p.cluster}`),
              }
            : undefined,
        ...(options.appAccount
          ? renderNatsAuth({ systemUser, appUser })
          : { accounts: { SYS: { users: [{ user: systemUser, password: systemPassword }] } }, system_account: "SYS" }),
      }),
    );
    return spawn("nats-server", ["-c", conf], { stdio: "ignore", env });
  });

  const stopProcess = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  const stop = async () => {
    await Promise.all(processes.map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 20_000;
    for (const p of ports) {
      for (;;) {
        const status = await fetch(`http://127.0.0.1:${p.http}/healthz`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) break;
        if (Date.now() > deadline) throw new Error(`nats-server on ${p.http} did not turn healthy within 20 s`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${ports[0].client}`,
    urls: ports.map((port) => `nats://127.0.0.1:${port.client}`),
    names,
    systemUser,
    systemPassword,
    appUser,
    appPassword,
    stopServer: (index) => stopProcess(processes[index]),
    stop,
  };
}
