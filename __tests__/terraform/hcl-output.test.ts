import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { format } from "@cdktf/hcl-tools";
import { App } from "cdktf";
import { afterAll, expect, it } from "vitest";
import { NatsMonitoringStack, type NatsMonitoringStackProps } from "../../index.js";
import { describeWithTool } from "../helpers/tools.js";

// `cdktf synth --hcl` in process: the same renderer and files as the CLI, which
// then formats cdk.tf with @cdktf/hcl-tools (as here) and leaves it as it was
// when that formatter cannot parse it.
// `terraform validate` would need the docker and random providers, which cannot
// be downloaded here (no registry): `terraform fmt` parses and checks the layout.

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Synthesizes the stack as HCL and returns the folder and the cdk.tf text. */
function synthHcl(props: NatsMonitoringStackProps): { dir: string; hcl: string } {
  const outdir = tempDir("natsmon-hcl-");
  const app = new App({ outdir, hclOutput: true });
  // The stack picks its synthesizer from this variable (the CLI's --hcl sets it), not from the App.
  const before = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    new NatsMonitoringStack(app, "nats-monitoring", props);
  } finally {
    if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = before;
  }
  app.synth();
  const dir = join(outdir, "stacks", "nats-monitoring");
  // Only the HCL file in its folder: a stale cdk.tf.json next to it would double every resource.
  expect(readdirSync(dir).sort()).toEqual(["cdk.tf", "metadata.json"]);
  return { dir, hcl: readFileSync(join(dir, "cdk.tf"), "utf8") };
}

function dashboardsDir(): string {
  const dir = tempDir("natsmon-dashboards-");
  writeFileSync(join(dir, "team.json"), JSON.stringify({ uid: "team", title: "Team", panels: [] }));
  return dir;
}

const CASES: [string, () => NatsMonitoringStackProps][] = [
  ["the default stack", () => ({})],
  [
    "every part on, 5 nodes, custom dashboards",
    () => ({ nats: { nodes: 5 }, prometheus: { alertmanager: true }, grafana: { customDashboardsDir: dashboardsDir() } }),
  ],
  ["1 node, parts off, protectData: false", () => ({ nats: { nodes: 1 }, grafana: false, loki: false, protectData: false })],
  [
    "three hosts, one aliased provider each",
    () => ({
      hosts: {
        "nats-a": { dockerHost: "ssh://deploy@10.0.0.11", address: "10.0.0.11" },
        "nats-b": { dockerHost: "ssh://deploy@10.0.0.12", address: "10.0.0.12" },
        "nats-c": { dockerHost: "ssh://deploy@10.0.0.13", address: "10.0.0.13" },
      },
    }),
  ],
];

describeWithTool("terraform", "cdktf synth --hcl output", () => {
  it.each(CASES)("passes terraform fmt -check for %s, formatted as the CLI does", async (_name, props) => {
    const { dir, hcl } = synthHcl(props());
    writeFileSync(join(dir, "cdk.tf"), await format(hcl));
    const fmt = spawnSync("terraform", ["fmt", "-check", "-diff", "-no-color", dir], {
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
    });
    expect(fmt.status, fmt.stdout + fmt.stderr).toBe(0);
  });

  it.each(CASES)("holds no path of the machine it was made on, for %s", (_name, props) => {
    const made = props();
    const { hcl: tf, dir } = synthHcl(made);
    const hcl = `${tf}\n${readFileSync(join(dir, "metadata.json"), "utf8")}`;
    const machinePaths = [
      process.cwd(),
      tmpdir(),
      homedir(),
      dir,
      made.grafana ? (made.grafana as { customDashboardsDir?: string }).customDashboardsDir : undefined,
    ];
    for (const path of machinePaths.filter((p): p is string => p !== undefined && p !== "/")) expect(hcl).not.toContain(path);
    expect(tf).toContain('path = "terraform.nats-monitoring.tfstate"');
  });
});

it("keeps the removed blocks that cdktf's HCL renderer would drop", () => {
  const { hcl } = synthHcl({ nats: { nodes: 3 }, grafana: false });
  expect(hcl).toMatch(
    /removed \{\n {2}from = docker_volume\.Nats_node4-data_[0-9A-F]{8}\n {2}lifecycle \{\n {4}destroy = false\n {2}\}\n\}/,
  );
  expect(hcl).toMatch(/from = docker_volume\.Grafana_data_[0-9A-F]{8}\n/);
  expect(hcl.match(/^removed \{$/gm)).toHaveLength(12 + 3);
  // The bcrypt hash is quoted by Terraform, not by literal quotes the renderer breaks.
  expect(hcl).toContain('"NATS_SYSTEM_PASSWORD_BCRYPT=${jsonencode(random_password.Nats_SystemPassword_');
});
