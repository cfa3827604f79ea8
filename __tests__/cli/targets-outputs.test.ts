import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsmonError } from "../../cli/natsmon-error.js";
import { loadOutputs, parseOutputsJson } from "../../cli/outputs.js";
import { DEFAULT_TARGETS, resolveTargets } from "../../cli/targets.js";
import { describeWithTool } from "../helpers/tools.js";

const TERRAFORM_JSON = {
  nats_url: { sensitive: false, type: "string", value: "nats://127.0.0.1:14222" },
  nats_servers: { sensitive: false, type: ["tuple", ["string", "string", "string"]], value: ["nats-node1", "nats-node2", "nats-node3"] },
  nats_system_password: { sensitive: true, type: "string", value: "pw" },
};

describe("parseOutputsJson", () => {
  it("unwraps terraform output -json", () => {
    expect(parseOutputsJson(TERRAFORM_JSON, undefined)).toEqual({
      nats_url: "nats://127.0.0.1:14222",
      nats_servers: ["nats-node1", "nats-node2", "nats-node3"],
      nats_system_password: "pw",
    });
  });

  it("reads a cdktf outputs file, picking the only stack or the named one", () => {
    const file = { "nats-monitoring": { nats_url: "nats://a:1" }, other: { nats_url: "nats://b:2" } };
    expect(parseOutputsJson({ "nats-monitoring": { nats_url: "nats://a:1" } }, undefined)).toEqual({ nats_url: "nats://a:1" });
    expect(parseOutputsJson(file, "other")).toEqual({ nats_url: "nats://b:2" });
    expect(() => parseOutputsJson(file, undefined)).toThrow(/2 stacks \(nats-monitoring, other\)/);
  });

  it("takes a flat map as it is, and an empty object as no outputs", () => {
    expect(parseOutputsJson({ nats_url: "nats://a:1", grafana_url: "http://g" }, undefined)).toEqual({
      nats_url: "nats://a:1",
      grafana_url: "http://g",
    });
    expect(parseOutputsJson({}, undefined)).toEqual({});
  });
});

describe("resolveTargets", () => {
  it("uses the guide's ports when nothing is known", () => {
    expect(resolveTargets({}, {})).toMatchObject({ ...DEFAULT_TARGETS, expectedServers: undefined, alertmanagerUrl: undefined });
  });

  it("takes the outputs, and lets flags win", () => {
    const targets = resolveTargets(
      {
        nats_url: "nats://o:1",
        nats_servers: ["a", "b", "c"],
        prometheus_url: "http://o:9",
        grafana_admin_user: "admin",
        grafana_admin_password: "x",
      },
      { prometheusUrl: "http://flag:9", expectedServers: 5 },
    );
    expect(targets).toMatchObject({
      natsUrl: "nats://o:1",
      natsServers: ["a", "b", "c"],
      expectedServers: 5,
      prometheusUrl: "http://flag:9",
      grafanaUser: "admin",
      grafanaPassword: "x",
    });
    expect(resolveTargets({ nats_servers: ["a", "b", "c"] }, {}).expectedServers).toBe(3);
  });
});

describe("loadOutputs", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "natsmon-cli-test-outputs-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a JSON file", async () => {
    const file = join(dir, "outputs.json");
    writeFileSync(file, JSON.stringify(TERRAFORM_JSON));
    const loaded = await loadOutputs(file);
    expect(loaded.source).toBe(file);
    expect(loaded.values.nats_url).toBe("nats://127.0.0.1:14222");
  });

  it("uses no outputs when no path is given and nothing is deployed here", async () => {
    expect(await loadOutputs(undefined, { cwd: dir })).toEqual({ source: "defaults", values: {} });
  });

  it("explains a missing path or a file that is not JSON", async () => {
    await expect(loadOutputs(join(dir, "nope.json"))).rejects.toThrow(NatsmonError);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "nats_url = x");
    await expect(loadOutputs(bad)).rejects.toThrow(/is not JSON/);
  });
});

describeWithTool("terraform", "loadOutputs with the real terraform", () => {
  let project: string;
  let stackDir: string;
  beforeAll(() => {
    // A deployed "stack" made of outputs only: terraform init and apply need no provider, so no registry.
    project = mkdtempSync(join(tmpdir(), "natsmon-cli-test-tf-"));
    stackDir = join(project, "cdktf.out", "stacks", "nats-monitoring");
    mkdirSync(stackDir, { recursive: true });
    writeFileSync(
      join(stackDir, "cdk.tf.json"),
      JSON.stringify({
        terraform: { backend: { local: { path: join(project, "terraform.nats-monitoring.tfstate") } } },
        output: {
          nats_url: { value: "nats://127.0.0.1:14222" },
          nats_servers: { value: ["nats-node1", "nats-node2", "nats-node3"] },
          nats_system_password: { value: "s3cret", sensitive: true },
        },
      }),
    );
    for (const args of [
      ["init", "-input=false", "-no-color"],
      ["apply", "-auto-approve", "-input=false", "-no-color"],
    ]) {
      const result = spawnSync("terraform", args, {
        cwd: stackDir,
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
      });
      if (result.status !== 0) throw new Error(`terraform ${args[0]} failed: ${result.stderr}`);
    }
  }, 60_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("runs terraform output -json in the stack folder, sensitive values included", async () => {
    const loaded = await loadOutputs(stackDir);
    expect(loaded.values).toEqual({
      nats_url: "nats://127.0.0.1:14222",
      nats_servers: ["nats-node1", "nats-node2", "nats-node3"],
      nats_system_password: "s3cret",
    });
  });

  it("finds the deployed stack from the project folder, or by itself from the current folder", async () => {
    expect((await loadOutputs(project)).source).toBe(stackDir);
    expect((await loadOutputs(undefined, { cwd: project })).values.nats_url).toBe("nats://127.0.0.1:14222");
  });

  it("explains a stack folder that was never deployed", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "natsmon-cli-test-tf-fresh-"));
    try {
      writeFileSync(join(fresh, "cdk.tf.json"), JSON.stringify({ output: { a: { value: 1 } } }));
      await expect(loadOutputs(fresh)).rejects.toThrow(/terraform output -json` failed|has no outputs/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
