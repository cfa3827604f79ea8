import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NATS_BOX_HEALTHCHECK } from "../../constructs/nats-box.js";
import { labelsOf, type Plan, type PlanResource } from "../helpers/plan.js";
import { type LiveNode, natsNodesOf, synthLivePlan } from "./live-plan.js";
import { PlanReplayer } from "./plan-replayer.js";
import { docker, execIn, requireTestbed, TESTBED_IMAGES } from "./testbed.js";

/**
 * nats-box from the plan, with the real `nats` CLI (natscli built from its
 * Go module) beside a one-node cluster on the pinned nats-server: the
 * commands the docs show work through `docker exec`, its healthcheck fails
 * when no server answers, and it stops at once on SIGTERM.
 */
describe("nats-box on a real Docker engine", () => {
  let plan: Plan;
  let box: PlanResource;
  let node: LiveNode;
  let replayer: PlanReplayer;
  const nats = (...args: string[]) => execIn(box.name, ["nats", ...args]);

  beforeAll(async () => {
    await requireTestbed();
    plan = synthLivePlan({ nats: { nodes: 1 } });
    [node] = natsNodesOf(plan);
    box = Object.values(plan.resource.docker_container).find((c) => labelsOf(c)["natsmon.component"] === "nats-box")!;
    expect(box, "the default cluster has nats-box").toBeDefined();
    replayer = await PlanReplayer.start(docker, plan, TESTBED_IMAGES);
    // nats-box waits for its healthcheck, which passes only once the CLI reaches the server.
    await replayer.apply([node.name, box.name]);
  });

  afterAll(async () => {
    await replayer?.cleanup();
  });

  it("runs the documented commands with its contexts", async () => {
    const accountInfo = await nats("account", "info");
    expect(accountInfo, accountInfo.output).toMatchObject({ exitCode: 0 });
    expect(accountInfo.output).toMatch(/JetStream Account Information/);
    const streams = await nats("stream", "ls");
    expect(streams, streams.output).toMatchObject({ exitCode: 0 });
    const pub = await nats("pub", "test.subject", "hello world");
    expect(pub, pub.output).toMatchObject({ exitCode: 0 });
    expect(pub.output).toMatch(/Published 11 bytes to "test.subject"/);
    const report = await nats("--context", "system", "server", "report", "jetstream");
    expect(report, report.output).toMatchObject({ exitCode: 0 });
    expect(report.output).toContain(node.name);
    const list = await nats("--context", "system", "server", "list");
    expect(list, list.output).toMatchObject({ exitCode: 0 });
    expect(list.output).toContain(node.name);
  });

  it("fails its healthcheck when no server answers", async () => {
    expect((box.healthcheck as { test: string[] }).test).toEqual(NATS_BOX_HEALTHCHECK);
    const probe = NATS_BOX_HEALTHCHECK.slice(1);
    const healthy = await execIn(box.name, probe);
    expect(healthy, healthy.output).toMatchObject({ exitCode: 0 });
    await docker.getContainer(node.name).stop({ t: 0 });
    const unreachable = await execIn(box.name, probe);
    expect(unreachable.exitCode, unreachable.output).not.toBe(0);
    expect(unreachable.output).toMatch(/CRITICAL/);
    // What the old check did: `nats rtt` reports the failure and exits 0.
    expect((await execIn(box.name, ["nats", "rtt"])).exitCode).toBe(0);
  });

  it("stops at once on SIGTERM, through its init process", async () => {
    const started = Date.now();
    await docker.getContainer(box.name).stop({ t: 30 });
    const seconds = (Date.now() - started) / 1000;
    const { State, HostConfig } = await docker.getContainer(box.name).inspect();
    expect(HostConfig.Init).toBe(true);
    // Killed after the 30 s timeout it would exit 137; tail ended by SIGTERM exits 143.
    expect(State.ExitCode).toBe(143);
    expect(seconds).toBeLessThan(5);
  });
});
