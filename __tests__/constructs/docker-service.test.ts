import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { Lazy, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { DockerService, type DockerServiceProps } from "../../constructs/docker-service.js";
import { escapeTerraform } from "../../constructs/private/escape-terraform.js";
import { container, labelsOf, resourcesOf, synthesize } from "../helpers/plan.js";

/** Props on top of a minimal service; a function gets the stack, to add the resources the props refer to. */
type Overrides = Partial<DockerServiceProps> | ((stack: TerraformStack) => Partial<DockerServiceProps>);

/** A stack with one DockerService "svc"; the stack is returned too, to synthesize again after changes. */
function serviceStack(overrides: Overrides = {}): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "svc");
  const network = new Network(stack, "net", { name: "net" });
  new DockerService(stack, "Svc", {
    network,
    name: "svc",
    component: "test",
    image: "busybox:1.36",
    healthcheck: { test: ["CMD", "true"] },
    memoryLimitBytes: 256 * 1024 ** 2,
    ...(typeof overrides === "function" ? overrides(stack) : overrides),
  });
  return stack;
}

function synthService(overrides: Overrides = {}) {
  return synthesize(serviceStack(overrides)).plan;
}

describe("DockerService", () => {
  it("applies the project's container defaults", () => {
    const c = container(synthService(), "svc");
    expect(c).toMatchObject({
      restart: "unless-stopped",
      tty: false,
      wait: true,
      wait_timeout: 120,
      memory: 256,
      log_driver: "json-file",
      log_opts: { "max-size": "10m", "max-file": "3" },
      healthcheck: { test: ["CMD", "true"], interval: "10s", timeout: "5s", retries: 6, start_period: "20s" },
      networks_advanced: [{ name: "${docker_network.net.name}" }],
    });
    expect(labelsOf(c)).toMatchObject({ "natsmon.project": "${docker_network.net.name}", "natsmon.component": "test" });
    expect(c.image).toMatch(/^\$\{docker_image\.Image-busybox-1-36-\w+\.image_id\}$/);
    const [image] = Object.values(resourcesOf(synthService(), "docker_image"));
    expect(image).toMatchObject({ name: "busybox:1.36", keep_locally: true });
  });

  it("changes the spec hash when anything in the spec changes, the healthcheck included", () => {
    const hash = (overrides: Partial<DockerServiceProps>) => labelsOf(container(synthService(overrides), "svc"))["natsmon.spec-hash"];
    const base = hash({});
    expect(hash({})).toBe(base);
    expect(hash({ healthcheck: { test: ["CMD", "true"], interval: "5s" } })).not.toBe(base);
    expect(hash({ healthcheck: { test: ["CMD", "false"] } })).not.toBe(base);
    expect(hash({ env: { A: "1" } })).not.toBe(base);
    expect(hash({ files: [{ path: "/x", content: "y" }] })).not.toBe(base);
  });

  it("resolves the spec for its hash in cdktf's final pass only, not in the preparing pass whose output is dropped", () => {
    const preparing: boolean[] = [];
    const command = Lazy.stringValue({
      produce: (context) => {
        preparing.push(context.preparing);
        return "serve";
      },
    });
    const stack = serviceStack({ command: [command] });
    // What App.synth does before it writes a stack (Testing.synth skips it).
    stack.prepareStack();
    const c = container(synthesize(stack).plan, "svc");
    expect(c.command).toEqual(["serve"]);
    // The container's attribute in each pass, and the hash in the final one.
    expect(preparing.filter((pass) => pass)).toHaveLength(1);
    expect(preparing.filter((pass) => !pass)).toHaveLength(2);
    expect(labelsOf(c)["natsmon.spec-hash"]).toMatch(/^[0-9a-f]{16}$/);
  });

  it("uploads files, mounts volumes and host paths, publishes ports", () => {
    const plan = synthService((stack) => ({
      files: [{ path: "/etc/app.yml", content: "a: 1\n", executable: false }],
      volumes: [{ volume: new Volume(stack, "vol", { name: "data" }), containerPath: "/data" }],
      hostMounts: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }],
      ports: [{ internal: 80, external: 8080, ip: "127.0.0.1" }],
      aliases: ["app"],
    }));
    const c = container(plan, "svc");
    expect(c.upload).toEqual([{ file: "/etc/app.yml", content: "a: 1\n", executable: false }]);
    expect(c.volumes).toEqual([
      { volume_name: "${docker_volume.vol.name}", container_path: "/data", read_only: false },
      { host_path: "/var/run/docker.sock", container_path: "/var/run/docker.sock", read_only: true },
    ]);
    expect(c.ports).toEqual([{ internal: 80, external: 8080, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(c.networks_advanced).toEqual([{ name: "${docker_network.net.name}", aliases: ["app"] }]);
  });

  it("keeps literal ${...} and %{...} in files and env as written, next to real references", () => {
    const plan = synthService((stack) => {
      const secret = new TerraformVariable(stack, "secret", { type: "string", sensitive: true });
      return {
        env: { A: "a${b}", S: secret.stringValue },
        files: [{ path: "/f", content: `replacement: \${1}\nlegend: %{x}\nkey: ${secret.stringValue}\n` }],
      };
    });
    const c = container(plan, "svc");
    expect(c.env).toEqual(["A=a$${b}", "S=${var.secret}"]);
    expect(c.upload[0].content).toBe("replacement: $${1}\nlegend: %%{x}\nkey: ${var.secret}\n");
  });

  it("rejects a relative upload path", () => {
    expect(() => synthService({ files: [{ path: "etc/x", content: "" }] })).toThrow(
      /DockerService "svc\/Svc": files must hold absolute container paths, got "etc\/x"/,
    );
  });
});

describe("escapeTerraform", () => {
  it("doubles template openers but leaves cdktf token markers alone", () => {
    expect(escapeTerraform("${a} %{b} ${TfToken[TOKEN.1]} $x")).toBe("$${a} %%{b} ${TfToken[TOKEN.1]} $x");
  });
});

describe("DockerService files rendered at synth time", () => {
  it("calls a content function after construction, escapes it and hashes its result", () => {
    const jobs = ["a"];
    const stack = serviceStack({ files: [{ path: "/jobs", content: () => `jobs: ${jobs.join(",")} replacement: \${1}\n` }] });
    const before = labelsOf(container(synthesize(stack).plan, "svc"))["natsmon.spec-hash"];
    jobs.push("b");
    const c = container(synthesize(stack).plan, "svc");
    expect(c.upload[0].content).toBe("jobs: a,b replacement: $${1}\n");
    expect(labelsOf(c)["natsmon.spec-hash"]).not.toBe(before);
  });
});
