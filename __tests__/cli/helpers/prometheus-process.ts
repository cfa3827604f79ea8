import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "./nats-test-cluster.js";

/** A real Prometheus (Debian's 2.42) on 127.0.0.1. */
export interface PrometheusProcess {
  readonly url: string;
  readonly tsdbPath: string;
  /** A scrape target that nothing serves. */
  readonly deadTarget: string;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus scraping itself and one dead target every second, with
 * a rule group whose one alert is critical and always firing, and waits
 * until it is ready (bounded: 30 s).
 */
export async function startPrometheus(options: { adminApi: boolean }): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), "natsmon-cli-test-prom-"));
  const port = await freePort();
  const deadTarget = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    join(dir, "rules.yml"),
    stringify({
      groups: [
        { name: "natsmon-test", interval: "1s", rules: [{ alert: "AlwaysCritical", expr: "vector(1)", labels: { severity: "critical" } }] },
      ],
    }),
  );
  writeFileSync(
    join(dir, "prometheus.yml"),
    stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      rule_files: [join(dir, "rules.yml")],
      scrape_configs: [
        { job_name: "prometheus", static_configs: [{ targets: [`127.0.0.1:${port}`] }] },
        { job_name: "dead", static_configs: [{ targets: [deadTarget] }] },
      ],
    }),
  );
  const tsdbPath = join(dir, "data");
  const args = [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${tsdbPath}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ];
  if (options.adminApi) args.push("--web.enable-admin-api");
  const child: ChildProcess = spawn("prometheus", args, { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", done);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await fetch(`${url}/-/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error("Prometheus did not get ready within 30 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, tsdbPath, deadTarget, stop };
}

/** Polls `probe` every 250 ms until it returns true (bounded). */
export async function waitFor(probe: () => Promise<boolean>, what: string, seconds = 20): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
