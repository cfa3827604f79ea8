import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { DockerService, type DockerServiceProps } from "../../constructs/docker-service.js";
import { container, containersByName, synthesize, synthStack } from "../helpers/plan.js";

function service(overrides: (stack: TerraformStack) => Partial<DockerServiceProps> = () => ({})) {
  const stack = new TerraformStack(Testing.app(), "svc");
  const network = new Network(stack, "net", { name: "net" });
  new DockerService(stack, "Svc", {
    network,
    name: "svc",
    component: "test",
    image: "busybox:1.36",
    healthcheck: { test: ["CMD", "true"] },
    memoryLimitBytes: 64 * 1024 ** 2,
    ...overrides(stack),
  });
  return () => container(synthesize(stack).plan, "svc");
}

describe("container hardening", () => {
  it("gives every container no-new-privileges and drops every capability, with nothing added by default", () => {
    const c = service()();
    expect(c.security_opts).toEqual(["no-new-privileges:true"]);
    expect(c.capabilities).toEqual({ drop: ["ALL"] });
    expect(c.read_only).toBeUndefined();
    expect(c.tmpfs).toBeUndefined();
  });

  it("adds back the capabilities a service declares, mounts its tmpfs and makes its root read-only", () => {
    const c = service(() => ({
      hardening: { addCapabilities: ["NET_BIND_SERVICE"], readOnlyRootFilesystem: true, tmpfs: { "/tmp": "size=16m" } },
    }))();
    expect(c.capabilities).toEqual({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] });
    expect(c.read_only).toBe(true);
    expect(c.tmpfs).toEqual({ "/tmp": "size=16m" });
  });

  it("allows a read-only root when every upload lands in a writable volume", () => {
    const c = service((stack) => ({
      hardening: { readOnlyRootFilesystem: true },
      volumes: [{ volume: new Volume(stack, "v", { name: "v" }), containerPath: "/conf" }],
      files: [{ path: "/conf/app.yml", content: "a: 1\n" }],
    }))();
    expect(c.read_only).toBe(true);
  });

  it("refuses a read-only root with uploads outside a writable volume, since Docker refuses to copy them in", () => {
    expect(() => service(() => ({ hardening: { readOnlyRootFilesystem: true }, files: [{ path: "/etc/app.yml", content: "" }] }))).toThrow(
      /hardening\.readOnlyRootFilesystem cannot hold while files are uploaded outside a writable volume \(\/etc\/app\.yml\)/,
    );
    expect(() =>
      service((stack) => ({
        hardening: { readOnlyRootFilesystem: true },
        volumes: [{ volume: new Volume(stack, "v", { name: "v" }), containerPath: "/conf", readOnly: true }],
        files: [{ path: "/conf/app.yml", content: "" }],
      })),
    ).toThrow(/uploaded outside a writable volume/);
  });

  it("rejects capability names Docker would not take, and relative tmpfs paths", () => {
    expect(() => service(() => ({ hardening: { addCapabilities: ["cap_net_admin"] } }))).toThrow(
      /hardening\.addCapabilities must be single Linux capability names .* got "cap_net_admin"/,
    );
    expect(() => service(() => ({ hardening: { addCapabilities: ["ALL"] } }))).toThrow(/got "ALL"/);
    expect(() => service(() => ({ hardening: { tmpfs: { tmp: "" } } }))).toThrow(/hardening\.tmpfs must hold absolute container paths/);
  });

  it("changes the spec hash when the hardening changes", () => {
    const hash = (c: Record<string, any>) => c.labels.find((l: { label: string }) => l.label === "natsmon.spec-hash").value;
    expect(hash(service()())).not.toBe(hash(service(() => ({ hardening: { addCapabilities: ["CHOWN"] } }))()));
  });

  it("hardens every container of the default stack: nothing added back, the stateless exporter read-only as nobody", () => {
    const containers = containersByName(synthStack().plan);
    for (const c of Object.values(containers)) {
      expect(c.security_opts, c.name).toEqual(["no-new-privileges:true"]);
      expect(c.capabilities, c.name).toEqual({ drop: ["ALL"] });
    }
    expect(containers["nats-exporter"]).toMatchObject({ user: "65534:65534", read_only: true });
    expect(containers["nats-surveyor"].user).toBe("65534:65534");
    // Root without capabilities: the JetStream files of a running stack are root's.
    expect(containers["nats-node1"].user).toBeUndefined();
  });
});
