import { describe, expect, it } from "vitest";
import { containersByName, type Plan, resourcesOf, synthStack, uploadedFile } from "../helpers/plan.js";

/** Every string in the plan with the path that leads to it. */
function* strings(value: unknown, path = ""): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, `${path}[${i}]`);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}

// A bare reference, one quoted by jsonencode (the NATS bcrypt hash), or an env variable.
const REFERENCE = /^\$\{[a-z_]+\.[\w-]+\.[\w]+\}$|^\$\{jsonencode\([a-z_]+\.[\w-]+\.[\w]+\)\}$|^\$[A-Z_]+$/;

/** Values assigned to anything named like a secret, in env, JSON, YAML or nats-server.conf form. */
function secretAssignments(plan: Plan): [string, string][] {
  const found: [string, string][] = [];
  const assignment = /(?:^|[\s{,"])([\w.-]*(?:password|secret|token)[\w.-]*)"?\s*[:=]\s*("[^"\n]*"|\$\{[^}\n]*\}|[^\s,}\n]+)/gi;
  for (const [path, text] of strings(plan.resource)) {
    for (const match of text.matchAll(assignment)) found.push([`${path} ${match[1]}`, match[2].replace(/^"(.*)"$/, "$1")]);
  }
  return found;
}

describe("NatsMonitoringStack", () => {
  it("uses the Docker and random providers and a dedicated bridge network", () => {
    const { plan } = synthStack();
    expect(Object.keys(plan.provider ?? {})).toEqual(expect.arrayContaining(["docker", "random"]));
    const networks = Object.values(resourcesOf(plan, "docker_network")).sort((a, b) => a.name.localeCompare(b.name));
    expect(networks).toEqual([
      expect.objectContaining({ name: "nats-monitoring", driver: "bridge" }),
      // The log collector's way to the Docker API, through the socket proxy.
      expect.objectContaining({ name: "nats-monitoring-docker-api", driver: "bridge", internal: true }),
    ]);
    expect(networks[0].internal).toBeUndefined();
  });

  it("writes no secret as a literal: every password is a Terraform reference or an env variable", () => {
    const { plan, json } = synthStack();
    const assignments = secretAssignments(plan);
    expect(assignments.length).toBeGreaterThanOrEqual(3);
    const secretFiles: string[] = [];
    for (const [where, value] of assignments) {
      // A *_FILE variable names a file that holds the secret: check that file instead.
      if (/_FILE$/i.test(where)) secretFiles.push(value);
      else expect(value, where).toMatch(REFERENCE);
    }
    expect(secretFiles).toEqual(["/etc/grafana/secrets/admin-password"]);
    const grafana = containersByName(plan).grafana;
    expect(uploadedFile(grafana, secretFiles[0])).toMatch(REFERENCE);
    expect(json).not.toContain("admin123");
  });

  it("the secret scan catches a literal password", () => {
    const plan = { resource: { docker_container: { x: { env: ["GF_SECURITY_ADMIN_PASSWORD=admin123"] } } } };
    expect(secretAssignments(plan as unknown as Plan)).toEqual([[".docker_container.x.env[0] GF_SECURITY_ADMIN_PASSWORD", "admin123"]]);
  });

  it("publishes no host port on 0.0.0.0 by default", () => {
    const ports = Object.values(containersByName(synthStack().plan)).flatMap((c) => c.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port.ip).toBe("127.0.0.1");
  });

  it("opens ports to every network only when asked", () => {
    const ports = Object.values(containersByName(synthStack({ bindAddress: "0.0.0.0", exposeToAllNetworks: true }).plan)).flatMap(
      (c) => c.ports ?? [],
    );
    expect(ports.every((p) => p.ip === "0.0.0.0")).toBe(true);
  });

  it("prefixes the network and every container", () => {
    const { plan } = synthStack({ namePrefix: "staging" });
    expect(
      Object.values(resourcesOf(plan, "docker_network"))
        .map((n) => n.name)
        .sort(),
    ).toEqual(["staging-nats-monitoring", "staging-nats-monitoring-docker-api"]);
    for (const name of Object.keys(containersByName(plan))) expect(name).toMatch(/^staging-/);
  });

  it("outputs what the natsmon CLI needs, the password as sensitive", () => {
    const { plan } = synthStack();
    expect(plan.output?.nats_url.value).toBe("nats://127.0.0.1:4222");
    expect(plan.output?.nats_system_password.sensitive).toBe(true);
    expect(plan.output?.nats_servers.value).toEqual(["nats-node1", "nats-node2", "nats-node3"]);
  });

  it("rejects a network name that is not a DNS label", () => {
    expect(() => synthStack({ networkName: "My Net" })).toThrow(/NatsMonitoringStack "test": networkName must be a DNS label/);
  });
});
