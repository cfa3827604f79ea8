import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_IMAGES } from "../../constructs/images.js";
import { labelsOf, type Plan, type PlanResource, container as planContainer } from "../helpers/plan.js";
import { synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, execIn, LIVE_LABEL, requireTestbed, TESTBED_IMAGES } from "./testbed.js";

/**
 * The replayer itself: what it creates on the engine is what the plan says,
 * field by field, so the other live tests test the plan and not the helper.
 * One single-node cluster (JetStream standalone) is enough for that.
 */
describe("the plan replayer", () => {
  let plan: Plan;
  let spec: PlanResource;
  let replayer: PlanReplayer;
  let inspected: any;
  let standIn: any;

  beforeAll(async () => {
    await requireTestbed();
    plan = synthLivePlan({ nats: { nodes: 1, natsBox: false } });
    spec = planContainer(plan, "live-nats-node1");
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    await replayer.apply(["live-nats-node1"]);
    inspected = await docker.getContainer("live-nats-node1").inspect();
    standIn = await docker.getImage(TESTBED_IMAGES[DEFAULT_IMAGES.nats]).inspect();
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  it("creates the container with the plan's process, environment and limits", async () => {
    expect(inspected.Config.Entrypoint).toEqual(spec.entrypoint);
    expect(inspected.Config.Cmd).toEqual(spec.command);
    // Terraform passes docker_image.image_id: the stand-in's id.
    expect(inspected.Config.Image).toBe(standIn.Id);
    expect(inspected.Config.Tty).toBe(false);
    expect(inspected.Config.StopSignal).toBe(spec.stop_signal);
    expect(inspected.Config.StopTimeout).toBe(spec.stop_timeout);
    expect(inspected.HostConfig.Memory).toBe(spec.memory * 1024 * 1024);
    expect(inspected.HostConfig.RestartPolicy.Name).toBe(spec.restart);
    expect(inspected.HostConfig.LogConfig).toEqual({ Type: spec.log_driver, Config: spec.log_opts });
    // The env's reference resolved to a bcrypt hash (as hashicorp/random
    // makes it) of the password the stack's output shows.
    const env = (inspected.Config.Env as string[]).find((e) => e.startsWith("NATS_SYSTEM_PASSWORD_BCRYPT="));
    const hash = /^NATS_SYSTEM_PASSWORD_BCRYPT="(.+)"$/.exec(env ?? "")?.[1];
    expect(hash).toMatch(/^\$2a\$10\$/);
    expect(bcrypt.compareSync(await replayer.output("nats_system_password"), hash!)).toBe(true);
  });

  it("publishes, mounts, networks and labels it as the plan says", async () => {
    expect(inspected.HostConfig.PortBindings).toEqual({
      "4222/tcp": [{ HostIp: "127.0.0.1", HostPort: "4222" }],
      "8222/tcp": [{ HostIp: "127.0.0.1", HostPort: "8222" }],
    });
    expect(inspected.Mounts.map((m: any) => [m.Type, m.Name, m.Destination, m.RW])).toEqual([
      ["volume", "live-nats-node1-data", "/data", true],
    ]);
    expect(Object.keys(inspected.NetworkSettings.Networks)).toEqual(["live-nats-monitoring"]);
    expect(inspected.Config.Labels).toEqual({
      ...standIn.Config.Labels,
      ...labelsOf(spec),
      "natsmon.project": "live-nats-monitoring",
      [LIVE_LABEL]: "replayer",
    });
  });

  it("gives it the plan's healthcheck, which turned healthy", () => {
    expect(inspected.Config.Healthcheck).toEqual({
      Test: spec.healthcheck.test,
      Interval: 10e9,
      Timeout: 5e9,
      StartPeriod: 30e9,
      Retries: spec.healthcheck.retries,
    });
    expect(inspected.State.Health.Status).toBe("healthy");
  });

  it("uploads the config file before the start, byte for byte, where the image's binary reads it", async () => {
    const [upload] = spec.upload as { file: string; content: string }[];
    const { exitCode, output } = await execIn("live-nats-node1", ["cat", upload.file]);
    expect(exitCode).toBe(0);
    expect(output).toBe(upload.content);
    const stat = await execIn("live-nats-node1", ["stat", "-c", "%a %u", upload.file]);
    expect(stat.output.trim()).toBe("644 0");
  });

  it("resolves Terraform's escapes and references as Terraform does", async () => {
    const changed: Plan = structuredClone(plan);
    const password = /^\$\{(random_password\.[^}]+)\.result\}$/.exec(plan.output!.nats_system_password.value as string)![1];
    (changed.output as Record<string, { value: unknown }>).probe = {
      value: `a $\${literal} %%{directive} \${${password}.result} \${docker_network.network.name}`,
    };
    const probe = await PlanReplayer.start(docker, changed, TESTBED_IMAGES);
    try {
      const resolved = await probe.output("probe");
      expect(resolved).toMatch(/^a \$\{literal\} %\{directive\} [A-Za-z0-9]{32} live-nats-monitoring$/);
      // The same reference resolves to the same value every time, as in Terraform's state.
      expect(await probe.output("nats_system_password")).toBe(resolved.split(" ")[3]);
    } finally {
      await probe.cleanup();
    }
  });

  it("refuses a plan attribute it does not know, instead of dropping it", async () => {
    const changed: Plan = structuredClone(plan);
    const [id] = Object.entries(changed.resource.docker_container).find(([, c]) => c.name === "live-nats-node1")!;
    changed.resource.docker_container[id] = { ...changed.resource.docker_container[id], privileged: true };
    const strict = await PlanReplayer.start(docker, changed, TESTBED_IMAGES);
    await expect(strict.apply(["live-nats-node1"])).rejects.toThrow(/unsupported attributes privileged/);
    await strict.cleanup();
  });
});
