import { describe, expect, it } from "vitest";
import { Surveyor } from "../../index.js";
import { standaloneParts } from "../helpers/parts.js";
import { container, labelsOf, synthStack, uploadedFile } from "../helpers/plan.js";

const surveyorOf = (props: Parameters<typeof synthStack>[0] = {}) =>
  container(synthStack(props).plan, props.namePrefix ? `${props.namePrefix}-nats-surveyor` : "nats-surveyor");

describe("Surveyor", () => {
  it("surveys every node with the system user and expects the cluster's node count", () => {
    const surveyor = surveyorOf();
    expect(surveyor.command).toEqual([
      "--servers=nats://nats-node1:4222,nats://nats-node2:4222,nats://nats-node3:4222",
      "--count=3",
      "--port=7777",
      "--accounts",
      "--jsz=all",
      "--jsz-leaders-only",
      "--jetstream=/etc/nats-surveyor/jetstream",
    ]);
    expect(surveyorOf({ nats: { nodes: 5 } }).command).toContain("--count=5");
  });

  it("gets the system password as a reference through the environment, never on the command line", () => {
    const surveyor = surveyorOf();
    expect(surveyor.env).toEqual([
      "NATS_SURVEYOR_USER=sys",
      expect.stringMatching(/^NATS_SURVEYOR_PASSWORD=\$\{random_password\.Nats_SystemPassword_\w+\.result\}$/),
    ]);
    expect(JSON.stringify(surveyor.command)).not.toContain("password");
  });

  it("runs the pinned image on 127.0.0.1:7777 with a /healthz healthcheck, after the nodes", () => {
    const { plan } = synthStack();
    const surveyor = container(plan, "nats-surveyor");
    expect(Object.values(plan.resource.docker_image).map((i) => i.name)).toContain("natsio/nats-surveyor:0.9.10");
    expect(surveyor.ports).toEqual([{ internal: 7777, external: 7777, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(surveyor.healthcheck.test).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:7777/healthz"]);
    expect(surveyor.depends_on).toHaveLength(3);
    expect(labelsOf(surveyor)["natsmon.component"]).toBe("surveyor");
  });

  it("listens to the APP account's JetStream advisories as the application user", () => {
    const file = JSON.parse(uploadedFile(surveyorOf(), "/etc/nats-surveyor/jetstream/app-account.json"));
    expect(file).toEqual({
      name: "APP",
      username: "app",
      password: expect.stringMatching(/^\$\{random_password\.Nats_AppPassword_\w+\.result\}$/),
    });
  });

  it("listens to the global account's JetStream advisories without credentials when the cluster allows anonymous clients", () => {
    const file = JSON.parse(
      uploadedFile(surveyorOf({ nats: { allowAnonymous: true } }), "/etc/nats-surveyor/jetstream/global-account.json"),
    );
    expect(file).toEqual({ name: "$G" });
  });

  it("follows its props: host port, jsz, leaders only, accounts, advisories", () => {
    const surveyor = surveyorOf({
      surveyor: { hostPort: 17777, jsz: "streams", jszLeadersOnly: false, accounts: false, jetStreamAdvisories: false },
    });
    expect(surveyor.ports[0].external).toBe(17777);
    expect(surveyor.command).toEqual([expect.stringMatching(/^--servers=/), "--count=3", "--port=7777", "--jsz=streams"]);
    expect(surveyor.upload).toBeUndefined();
    expect(surveyorOf({ surveyor: { jsz: "off" } }).command).not.toContain("--jsz-leaders-only");
  });

  it("rejects an unknown jsz mode with the fix", () => {
    const { stack, network, cluster } = standaloneParts();
    expect(() => new Surveyor(stack, "Surveyor", { network, cluster, jsz: "everything" as never })).toThrow(
      /Surveyor "test\/Surveyor": jsz must be "all", "streams", "consumers" or "off", got "everything"/,
    );
    // Through the stack's settings, the schema names the setting first.
    expect(() => synthStack({ surveyor: { jsz: "everything" as never } })).toThrow(/surveyor\.jsz must be one of "all"/);
  });
});
