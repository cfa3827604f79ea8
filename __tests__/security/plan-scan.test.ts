import { describe, expect, it } from "vitest";
import type { NatsMonitoringStackProps } from "../../constructs/nats-monitoring-stack.js";
import { type Plan, synthStack } from "../helpers/plan.js";
import { scanPlan } from "../helpers/security-scan.js";

const clone = (plan: Plan): Plan => JSON.parse(JSON.stringify(plan)) as Plan;
const containerNamed = (plan: Plan, name: string) => Object.values(plan.resource.docker_container).find((c) => c.name === name)!;

describe("the security scan of the synthesized plan", () => {
  it.each<[string, NatsMonitoringStackProps]>([
    ["the default stack", {}],
    ["five nodes and a name prefix", { namePrefix: "team-a", nats: { nodes: 5 } }],
    ["client TLS", { nats: { clientTls: true } }],
    ["client TLS and HTTPS monitoring", { nats: { clientTls: true, monitoringTls: true } }],
    ["Promtail and Alertmanager", { loki: { collector: "promtail" }, prometheus: { alertmanager: true } }],
    ["a single node", { nats: { nodes: 1 } }],
    ["node-exporter", { nodeExporter: true }],
    ["cAdvisor", { cadvisor: true }],
    [
      "cAdvisor next to Promtail, a name prefix and a published port",
      { namePrefix: "ops", loki: { collector: "promtail" }, cadvisor: { hostPort: 8080 } },
    ],
    ["anonymous access (opted out of accounts)", { nats: { allowAnonymous: true } }],
  ])("finds nothing in %s", (_, props) => {
    expect(scanPlan(synthStack(props).plan)).toEqual([]);
  });

  it("allows plain routes and open ports only when the props asked for them", () => {
    const plain = synthStack({ nats: { routeTls: false } }).plan;
    expect(scanPlan(plain).map((f) => f.problem)).toEqual(
      expect.arrayContaining(["routes without mutual TLS", "routes without route authentication"]),
    );
    expect(scanPlan(plain, { plainRoutes: true })).toEqual([]);
    const open = synthStack({ bindAddress: "0.0.0.0", exposeToAllNetworks: true }).plan;
    expect(scanPlan(open).some((f) => /publishes 4222 on every address/.test(f.problem))).toBe(true);
    expect(scanPlan(open, { openPorts: true })).toEqual([]);
  });

  it("catches each thing it looks for, so that it can fail", () => {
    const base = synthStack({ nats: { nodes: 3 } }).plan;
    const problemsAfter = (change: (plan: Plan) => void) => {
      const plan = clone(base);
      change(plan);
      return scanPlan(plan).map((f) => `${f.where}: ${f.problem}`);
    };
    expect(problemsAfter((p) => delete containerNamed(p, "grafana").security_opts)).toEqual([
      expect.stringMatching(/\(grafana\): no no-new-privileges$/),
    ]);
    expect(problemsAfter((p) => (containerNamed(p, "loki").capabilities = { add: ["SYS_ADMIN"] }))).toEqual([
      expect.stringMatching(/\(loki\): capabilities not dropped$/),
    ]);
    expect(
      problemsAfter((p) =>
        containerNamed(p, "alloy").volumes.push({
          host_path: "/var/run/docker.sock",
          container_path: "/var/run/docker.sock",
          read_only: true,
        }),
      ),
    ).toEqual([expect.stringMatching(/\(alloy\): mounts the Docker socket/)]);
    expect(problemsAfter((p) => (containerNamed(p, "grafana").ports[0].ip = "0.0.0.0"))).toEqual([
      expect.stringMatching(/\(grafana\): publishes 3000 on every address$/),
    ]);
    expect(problemsAfter((p) => containerNamed(p, "grafana").env.push("GF_SECURITY_ADMIN_PASSWORD=admin123"))).toEqual([
      expect.stringMatching(/GF_SECURITY_ADMIN_PASSWORD holds a literal secret$/),
    ]);
    const editConfig = (p: Plan, edit: (text: string) => string) => {
      const upload = containerNamed(p, "nats-node1").upload.find((u: { file: string }) => u.file === "/etc/nats/nats-server.conf");
      upload.content = edit(upload.content);
    };
    expect(problemsAfter((p) => editConfig(p, (t) => `${t}no_auth_user: "app"\n`))).toEqual([
      expect.stringMatching(/no_auth_user lets anonymous clients in$/),
    ]);
    expect(problemsAfter((p) => editConfig(p, (t) => t.replace(/^ {2}tls \{[\s\S]*?^ {2}\}\n/m, "")))).toEqual([
      expect.stringMatching(/routes without mutual TLS$/),
    ]);
    expect(problemsAfter((p) => editConfig(p, (t) => t.replace("password: $NATS_APP_PASSWORD_BCRYPT", 'password: "hunter2"')))).toEqual([
      expect.stringMatching(/a literal password \(password: "hunter2"\)$/),
    ]);
    expect(
      problemsAfter((p) =>
        editConfig(p, (t) => t.replace(/route:\$\{random_password\.[\w-]+\.result\}@nats-node1/, "route:secret@nats-node1")),
      ),
    ).toEqual([expect.stringMatching(/a literal password in a URL/)]);
    expect(
      problemsAfter((p) => {
        const upload = containerNamed(p, "nats-node1").upload.find((u: { file: string }) => u.file === "/etc/nats/tls/server-key.pem");
        upload.content = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";
      }),
    ).toEqual([expect.stringMatching(/server-key\.pem: a private key literal$/)]);
    expect(problemsAfter((p) => (p.output!.nats_app_password = { value: "literal", sensitive: false }))).toEqual([
      "output.nats_app_password: a literal password",
      "output.nats_app_password: a password output not marked sensitive",
    ]);
  });
});
