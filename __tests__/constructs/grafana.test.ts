import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider/index.js";
import { RandomProvider } from "@cdktf/provider-random/lib/provider/index.js";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type DataSourceSpec, Grafana, type GrafanaProps, type IDataSource, NatsMonitoringStack } from "../../index.js";
import {
  type DashboardJsonShape,
  dataSourceRefsOf,
  resolveDataSourceType,
  resolveDataSourceUid,
  unescapeTerraform,
  visualPanelsOf,
} from "../helpers/dashboard-json.js";
import { container, labelsOf, type PlanResource, resourcesOf, synthesize, uploadedFile } from "../helpers/plan.js";
import { useTempDirs } from "../helpers/temp-dirs.js";

/** Stand-ins for PrometheusStack and LokiStack: all Grafana needs of them is their data source. */
const source = (spec: DataSourceSpec): IDataSource => ({ dataSource: spec });
const prometheus = source({ uid: "prometheus", name: "Prometheus", type: "prometheus", url: "http://prometheus:9090" });
const loki = source({ uid: "loki", name: "Loki", type: "loki", url: "http://loki:3100" });

const DATASOURCES = "/etc/grafana/provisioning/datasources/nats-monitoring.yaml";
const PROVIDERS = "/etc/grafana/provisioning/dashboards/nats-monitoring.yaml";
const PASSWORD_FILE = "/etc/grafana/secrets/admin-password";

const folderWith = useTempDirs();

function synthGrafana(props: Partial<GrafanaProps> = {}, extend?: (stack: TerraformStack) => Partial<GrafanaProps>) {
  const stack = new TerraformStack(Testing.app(), "test");
  new DockerProvider(stack, "docker", {});
  new RandomProvider(stack, "random");
  const network = new Network(stack, "network", { name: "nats-monitoring" });
  const grafana = new Grafana(stack, "Grafana", { network, prometheus, loki, ...extend?.(stack), ...props });
  const { json, plan } = synthesize(stack);
  const name = props.namePrefix ? `${props.namePrefix}-grafana` : "grafana";
  return { json, plan, grafana, container: container(plan, name) };
}

function envOf(resource: PlanResource): Record<string, string> {
  return Object.fromEntries((resource.env as string[]).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

function uploadsUnder(resource: PlanResource, dir: string): { file: string; content: string }[] {
  return (resource.upload as { file: string; content: string }[]).filter((u) => u.file.startsWith(dir));
}

function dashboardsOf(resource: PlanResource): DashboardJsonShape[] {
  return uploadsUnder(resource, "/etc/grafana/dashboards/").map((u) => JSON.parse(unescapeTerraform(u.content)) as DashboardJsonShape);
}

describe("Grafana", () => {
  it("runs the pinned image on 127.0.0.1:3000 with its data on the grafana-data volume", () => {
    const { plan, container: c, grafana } = synthGrafana();
    const [image] = Object.values(resourcesOf(plan, "docker_image"));
    expect(image.name).toBe("grafana/grafana:13.2.3");
    expect(c.ports).toEqual([{ internal: 3000, external: 3000, ip: "127.0.0.1", protocol: "tcp" }]);
    const volumes = Object.values(resourcesOf(plan, "docker_volume"));
    expect(volumes).toEqual([expect.objectContaining({ name: "grafana-data", lifecycle: { prevent_destroy: true } })]);
    expect(c.volumes).toEqual([
      {
        container_path: "/var/lib/grafana",
        read_only: false,
        volume_name: expect.stringMatching(/^\$\{docker_volume\.Grafana_data_\w+\.name\}$/),
      },
    ]);
    expect(labelsOf(c)["natsmon.component"]).toBe("grafana");
    expect(grafana.hostUrl).toBe("http://127.0.0.1:3000");
    expect(grafana.dataVolumes).toHaveLength(1);
  });

  it("checks health on /api/health with the image's busybox wget", () => {
    const { container: c } = synthGrafana();
    expect(c.healthcheck).toMatchObject({
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3000/api/health"],
      start_period: "60s",
    });
  });

  it("logs in as admin with a generated password delivered as a file, never a literal; no anonymous access, no sign-up", () => {
    const { json, plan, container: c, grafana } = synthGrafana();
    const env = envOf(c);
    expect(env).toMatchObject({
      GF_SECURITY_ADMIN_USER: "admin",
      GF_SECURITY_ADMIN_PASSWORD__FILE: PASSWORD_FILE,
      GF_AUTH_ANONYMOUS_ENABLED: "false",
      GF_USERS_ALLOW_SIGN_UP: "false",
    });
    expect(env).not.toHaveProperty("GF_SECURITY_ADMIN_PASSWORD");
    const [passwordId] = Object.keys(resourcesOf(plan, "random_password"));
    expect(resourcesOf(plan, "random_password")[passwordId]).toMatchObject({ length: 32, special: false });
    expect(uploadedFile(c, PASSWORD_FILE)).toBe(`\${random_password.${passwordId}.result}`);
    expect(json).not.toContain("admin123");
    expect(grafana.adminUser).toBe("admin");
    expect(grafana.adminPassword).toMatch(/^\$\{TfToken\[/);
  });

  it("takes the admin password from a sensitive variable it declares by name", () => {
    const { plan, container: c } = synthGrafana({ adminPasswordVariable: "grafana_admin_password" });
    const variables = (plan as { variable?: Record<string, Record<string, unknown>> }).variable ?? {};
    expect(variables.grafana_admin_password).toMatchObject({ type: "string", sensitive: true, nullable: false });
    expect(uploadedFile(c, PASSWORD_FILE)).toBe("${var.grafana_admin_password}");
    expect(resourcesOf(plan, "random_password")).toEqual({});
  });

  it("takes the admin password from a sensitive TerraformVariable of the user's, and refuses one that is not sensitive", () => {
    const { container: c } = synthGrafana({}, (stack) => ({
      adminPasswordVariable: new TerraformVariable(stack, "my_password", { type: "string", sensitive: true }),
    }));
    expect(uploadedFile(c, PASSWORD_FILE)).toBe("${var.my_password}");
    expect(() =>
      synthGrafana({}, (stack) => ({ adminPasswordVariable: new TerraformVariable(stack, "plain", { type: "string" }) })),
    ).toThrow(
      'Grafana "test/Grafana": adminPasswordVariable must be a sensitive variable, got "test/plain" (declare it with sensitive: true)',
    );
    expect(() => synthGrafana({ adminPasswordVariable: "not a name" })).toThrow(/adminPasswordVariable must be a Terraform variable name/);
  });

  it("provisions Prometheus and Loki with the uids and URLs of the constructs passed in", () => {
    const { container: c, grafana } = synthGrafana();
    const { datasources, prune } = parse(uploadedFile(c, DATASOURCES));
    expect(prune).toBe(true);
    expect(datasources.map((d: DataSourceSpec) => [d.uid, d.type, d.url])).toEqual([
      ["prometheus", "prometheus", "http://prometheus:9090"],
      ["loki", "loki", "http://loki:3100"],
    ]);
    expect(datasources[0]).toMatchObject({ isDefault: true, jsonData: { timeInterval: "30s" } });
    expect(grafana.dataSources.map((d) => d.uid)).toEqual(["prometheus", "loki"]);
  });

  it("uploads both dashboards, with enough panels, and every data source reference resolves to a provisioned uid", () => {
    const { container: c, grafana } = synthGrafana();
    const dashboards = dashboardsOf(c);
    expect(dashboards.map((d) => d.uid)).toEqual(["nats-jetstream-cluster", "nats-logs"]);
    expect(visualPanelsOf(dashboards[0]).length).toBeGreaterThanOrEqual(8);
    expect(visualPanelsOf(dashboards[1]).length).toBeGreaterThanOrEqual(4);
    expect(grafana.dashboardUids).toEqual(["nats-jetstream-cluster", "nats-logs"]);

    const provisioned = new Map((parse(uploadedFile(c, DATASOURCES)).datasources as DataSourceSpec[]).map((d) => [d.uid, d.type] as const));
    for (const dashboard of dashboards) {
      for (const { where, ref } of dataSourceRefsOf(dashboard)) {
        const uid = resolveDataSourceUid(dashboard, ref);
        expect(provisioned.has(uid ?? ""), `${dashboard.uid}: ${where} -> ${uid}`).toBe(true);
        expect(resolveDataSourceType(dashboard, ref), `${dashboard.uid}: ${where}`).toBe(provisioned.get(uid ?? ""));
      }
    }
    const { providers } = parse(uploadedFile(c, PROVIDERS));
    expect(providers.map((p: { folder: string; options: { path: string } }) => [p.folder, p.options.path])).toEqual([
      ["NATS", "/etc/grafana/dashboards/nats"],
    ]);
  });

  it("keeps Grafana's ${variables} as written, escaped from Terraform's template syntax", () => {
    const { container: c } = synthGrafana();
    const raw = uploadedFile(c, "/etc/grafana/dashboards/nats/nats-jetstream-cluster.json");
    expect(raw).toContain('"uid": "$${datasource}"');
    expect(raw).not.toMatch(/[^$]\$\{datasource\}/);
  });

  it("follows the data sources' uids when they differ", () => {
    const { container: c } = synthGrafana({
      prometheus: source({ uid: "metrics", name: "Metrics", type: "prometheus", url: "http://mimir:9009" }),
    });
    const [jetstream] = dashboardsOf(c);
    expect(new Set(dataSourceRefsOf(jetstream).map(({ ref }) => resolveDataSourceUid(jetstream, ref)))).toEqual(new Set(["metrics"]));
  });

  it("provisions the JSON files of the custom dashboards folder into a Custom folder", () => {
    const text = '{\n  "uid": "team-dashboard",\n  "title": "Team ${x}",\n  "panels": []\n}\n';
    const dir = folderWith({ "team.json": text, "README.md": "ignored" });
    const { container: c, grafana } = synthGrafana({ customDashboardsDir: dir });
    expect(unescapeTerraform(uploadedFile(c, "/etc/grafana/dashboards/custom/team.json"))).toBe(text);
    const { providers } = parse(uploadedFile(c, PROVIDERS));
    expect(providers[1]).toMatchObject({ folder: "Custom", options: { path: "/etc/grafana/dashboards/custom" } });
    expect(grafana.dashboardUids).toContain("team-dashboard");
    expect(uploadsUnder(c, "/etc/grafana/dashboards/custom/")).toHaveLength(1);
  });

  it("fails synth on a malformed custom dashboard with its path and the parse error", () => {
    const dir = folderWith({ "broken.json": '{"uid": "x", "panels": [}' });
    expect(() => synthGrafana({ customDashboardsDir: dir })).toThrow(
      new RegExp(
        `customDashboardsDir holds a file Grafana cannot provision: ${dir}/broken\\.json is not valid JSON; the parser says: \\S.*`,
      ),
    );
  });

  it("refuses a custom dashboard whose uid is taken or too long, and a missing folder", () => {
    expect(() => synthGrafana({ customDashboardsDir: folderWith({ "copy.json": '{"uid": "nats-logs"}' }) })).toThrow(
      /dashboard uid must be unique, but .*copy\.json and dashboard "NATS Logs" share it, got "nats-logs"/,
    );
    expect(() => synthGrafana({ customDashboardsDir: folderWith({ "long.json": `{"uid": "${"x".repeat(41)}"}` }) })).toThrow(
      /dashboard uid must be at most 40 characters/,
    );
    expect(() => synthGrafana({ customDashboardsDir: "/nonexistent/dashboards" })).toThrow(
      /customDashboardsDir must be an existing folder/,
    );
  });

  it("refuses data sources of the wrong type or with clashing uids", () => {
    expect(() => synthGrafana({ prometheus: loki })).toThrow(
      'Grafana "test/Grafana": prometheus must be a prometheus data source, got "loki"',
    );
    expect(() => synthGrafana({ loki: source({ uid: "prometheus", name: "L", type: "loki", url: "http://loki:3100" }) })).toThrow(
      /data source uid must be unique/,
    );
  });

  it("prefixes its container and volume names, and offers itself to Prometheus as the grafana job", () => {
    const { plan, grafana } = synthGrafana({ namePrefix: "team-a", hostPort: 3300 });
    expect(container(plan, "team-a-grafana").ports[0]).toMatchObject({ external: 3300, internal: 3000 });
    expect(Object.values(resourcesOf(plan, "docker_volume")).map((v) => v.name)).toEqual(["team-a-grafana-data"]);
    expect(grafana.scrapeTarget).toEqual({ jobName: "grafana", targets: ["team-a-grafana:3000"], metricsPath: "/metrics" });
    expect(grafana.hostUrl).toBe("http://127.0.0.1:3300");
  });

  it("is part of the default NatsMonitoringStack, on the stack's Prometheus and Loki", () => {
    const stack = new NatsMonitoringStack(Testing.app(), "stack", { namePrefix: "demo" });
    const { plan } = synthesize(stack);
    const grafana = container(plan, "demo-grafana");
    expect(grafana.networks_advanced).toEqual([{ name: "${docker_network.network.name}" }]);
    const sources = parse(uploadedFile(grafana, "/etc/grafana/provisioning/datasources/nats-monitoring.yaml")).datasources;
    expect(sources.map((s: { uid: string; url: string }) => [s.uid, s.url])).toEqual([
      ["prometheus", "http://demo-prometheus:9090"],
      ["loki", "http://demo-loki:3100"],
    ]);
    expect(stack.prometheus?.scrapeJobs.map((job) => job.jobName)).toContain("grafana");
    expect(plan.output?.grafana_admin_password.sensitive).toBe(true);
    expect(plan.output?.grafana_url.value).toBe("http://127.0.0.1:3000");
  });

  it("refuses to run without Prometheus or Loki in the stack", () => {
    expect(() => new NatsMonitoringStack(Testing.app(), "stack", { loki: false })).toThrow(
      'NatsMonitoringStack "stack": loki must be on while Grafana is, since Grafana\'s dashboards query it, got false (set grafana: false too, or keep loki)',
    );
  });
});
