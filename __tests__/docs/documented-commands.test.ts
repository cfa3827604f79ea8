import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NatsMonitoringStack, type NatsMonitoringStackProps } from "../../index.js";
import { markdownSection, markdownTable, readDoc } from "../helpers/markdown.js";
import { synthesize } from "../helpers/plan.js";
import { describeWithTool } from "../helpers/tools.js";
import { documentationPages } from "./markdown-pages.js";

/**
 * The commands the docs give for reading outputs and rotating passwords,
 * checked against what they name: the output names and random_password
 * addresses of the default stack, and the real terraform running the
 * documented `output` commands on a deployed stack made of outputs only.
 */
const STACK_DIR = "cdktf.out/stacks/nats-monitoring";
const { plan } = synthesize(new NatsMonitoringStack(Testing.app(), "nats-monitoring", {}));
const docs = documentationPages().map((page) => readDoc(page));

/** Every documented `terraform -chdir=... output ...` command, without a trailing comment. */
const outputCommands = [
  ...new Set(docs.flatMap((text) => [...text.matchAll(/terraform -chdir=\S+ output[^`"\n#)]*/g)].map((match) => match[0].trim()))),
];

describe("documented commands", () => {
  it("read outputs with terraform in the stack folder, never with `cdktf output NAME`", () => {
    expect(outputCommands.length).toBeGreaterThanOrEqual(3);
    for (const command of outputCommands)
      expect(command).toMatch(new RegExp(`^terraform -chdir=${STACK_DIR} output (-raw \\w+|-json)( > [\\w.-]+)?$`));
    for (const text of docs) expect(text).not.toMatch(/cdktf output [a-z_]+_(password|url|user)/);
  });

  it("name outputs the stack has", () => {
    const names = outputCommands.map((command) => command.match(/-raw (\w+)$/)?.[1]).filter((name): name is string => !!name);
    expect(names).toEqual(expect.arrayContaining(["grafana_admin_password", "nats_system_password"]));
    for (const name of names) expect(Object.keys(plan.output ?? {}), `output ${name}`).toContain(name);
  });

  it("replace and taint the random_password resources of the default stack, which replace the containers the docs name", () => {
    const operations = readDoc("docs/operations.md");
    const documented = [...new Set([...operations.matchAll(/random_password\.\w+/g)].map((match) => match[0]))].sort();
    const passwords = Object.keys(plan.resource.random_password).map((id) => `random_password.${id}`);
    expect(documented).toEqual(passwords.sort());
    const users = (address: string) =>
      Object.values(plan.resource.docker_container)
        .filter((container) => JSON.stringify(container).includes(`${address}.`))
        .map((container) => container.name as string)
        .sort();
    const nats = passwords.find((address) => address.includes("Nats_SystemPassword"));
    const app = passwords.find((address) => address.includes("Nats_AppPassword"));
    const route = passwords.find((address) => address.includes("Nats_RoutePassword"));
    const grafana = passwords.find((address) => address.includes("Grafana_AdminPassword"));
    expect(users(nats as string)).toEqual(["nats-box", "nats-node1", "nats-node2", "nats-node3", "nats-surveyor"]);
    expect(users(app as string)).toEqual(["nats-box", "nats-node1", "nats-node2", "nats-node3", "nats-surveyor"]);
    expect(users(route as string)).toEqual(["nats-node1", "nats-node2", "nats-node3"]);
    expect(users(grafana as string)).toEqual(["grafana"]);
  });
});

describeWithTool("terraform", "documented terraform output commands, run by the real terraform", () => {
  let project: string;
  const values: Record<string, string> = {
    grafana_admin_password: "g-s3cret",
    nats_system_password: "n-s3cret",
    nats_app_password: "a-s3cret",
    nats_app_user: "app",
    nats_ca_cert: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  };

  beforeAll(() => {
    // A deployed stack made of outputs only: terraform init and apply need no provider, so no registry.
    project = mkdtempSync(join(tmpdir(), "natsmon-docs-test-"));
    const stackDir = join(project, STACK_DIR);
    mkdirSync(stackDir, { recursive: true });
    const output = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, sensitive: true }]));
    writeFileSync(
      join(stackDir, "cdk.tf.json"),
      JSON.stringify({ terraform: { backend: { local: { path: join(project, "terraform.nats-monitoring.tfstate") } } }, output }),
    );
    for (const args of [
      ["init", "-input=false", "-no-color"],
      ["apply", "-auto-approve", "-input=false", "-no-color"],
    ]) {
      const result = spawnSync("terraform", [`-chdir=${STACK_DIR}`, ...args], {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
      });
      if (result.status !== 0) throw new Error(`terraform ${args[0]} failed: ${result.stderr}`);
    }
  }, 60_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it.each(outputCommands)("%s", (command) => {
    const result = spawnSync("sh", ["-c", command], { cwd: project, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
    expect(result.status, result.stderr).toBe(0);
    const name = command.match(/-raw (\w+)(?: > [\w.-]+)?$/)?.[1];
    const file = command.match(/ > ([\w.-]+)$/)?.[1];
    const json = () => JSON.parse(file ? readFileSync(join(project, file), "utf8") : result.stdout);
    if (name && file) expect(readFileSync(join(project, file), "utf8")).toBe(values[name]);
    else if (name) expect(result.stdout).toBe(values[name]);
    else expect(json().grafana_admin_password.value).toBe(values.grafana_admin_password);
  });
});

describe("the table of what a change replaces, in docs/operations.md", () => {
  /** The settings each row of the table stands for. */
  const CHANGES: Record<string, NatsMonitoringStackProps> = {
    "`prometheus.scrapeInterval`": { prometheus: { scrapeInterval: "15s" } },
    "`prometheus.alertmanager: true`": { prometheus: { alertmanager: true } },
    "a dashboard in `dashboards/custom/`": { grafana: { customDashboardsDir: "__tests__/docs/fixtures/custom-dashboards" } },
    "`grafana.image`": { grafana: { image: "grafana/grafana:13.2.4" } },
    "`nats.image`": { nats: { image: "nats:2.14.10-alpine" } },
    "`nats.nodes` from 3 to 5": { nats: { nodes: 5 } },
  };
  const table = markdownTable(markdownSection(readDoc("docs/operations.md"), "## Review and apply a change"), "change");
  const names = (cell: string) =>
    [...cell.matchAll(/`([^`]+)`/g)]
      .map((match) => match[1])
      .filter((name) => /^[a-z][a-z0-9-]*$/.test(name))
      .sort();
  /** Container and volume names, with a JSON fingerprint of each. */
  const inventory = (props: NatsMonitoringStackProps) => {
    const { plan: changed } = synthesize(new NatsMonitoringStack(Testing.app(), "nats-monitoring", props));
    const entries = ["docker_container", "docker_volume"].flatMap((type) =>
      Object.values(changed.resource[type] ?? {}).map((resource) => [resource.name as string, JSON.stringify(resource)] as const),
    );
    return new Map(entries);
  };
  const before = inventory({});

  it("has a row for each change the test knows", () => {
    expect(table?.rows.map((row) => row[0])).toEqual(Object.keys(CHANGES));
  });

  it.each(table?.rows ?? [])("%s: the containers it names are those whose spec changes, and those it adds", (change, replaced, added) => {
    const after = inventory(CHANGES[change]);
    const changedNames = [...after.keys()].filter((name) => before.has(name) && before.get(name) !== after.get(name)).sort();
    const addedNames = [...after.keys()].filter((name) => !before.has(name)).sort();
    expect(changedNames).toEqual(names(replaced));
    expect(addedNames).toEqual(names(added));
  });
});

describe("teardown in docs/operations.md", () => {
  it("says that protectData: false changes only Terraform's lifecycle setting, and that is what it does", () => {
    expect(readDoc("docs/operations.md")).toContain("Only Terraform's lifecycle setting changes; no container is touched.");
    const plans = [{}, { protectData: false }].map(
      (props) => synthesize(new NatsMonitoringStack(Testing.app(), "nats-monitoring", props)).plan,
    );
    const [protectedPlan, unprotectedPlan] = plans;
    expect(unprotectedPlan.resource.docker_container).toEqual(protectedPlan.resource.docker_container);
    const volumes = Object.entries(unprotectedPlan.resource.docker_volume);
    // Every data volume loses prevent_destroy; the collector's read positions were never protected.
    const wasProtected = volumes.filter(([id]) => protectedPlan.resource.docker_volume[id].lifecycle?.prevent_destroy === true);
    expect(wasProtected.length).toBeGreaterThanOrEqual(6);
    for (const [id, volume] of volumes) {
      const before = protectedPlan.resource.docker_volume[id];
      expect(volume.lifecycle, id).toEqual(before.lifecycle ? { prevent_destroy: false } : undefined);
      expect({ ...volume, lifecycle: undefined }).toEqual({ ...before, lifecycle: undefined });
    }
  });
});
