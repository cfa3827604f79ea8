import { describe, expect, it } from "vitest";
import { NATS_ALERT_GROUPS } from "../../alerts/nats-rules.js";
import { SURVEYOR_JSZ_CONSUMER_METRICS, SURVEYOR_JSZ_METRICS_READ, SURVEYOR_JSZ_STREAM_METRICS } from "../../constructs/surveyor.js";
import { METRIC_CATALOG } from "../../contract/metric-catalog.js";
import { projectDashboards } from "../../dashboards/project-dashboards.js";
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

  describe("jszFilter (--jsz-filter)", () => {
    const kept = [
      "stream_total_messages",
      "stream_total_bytes",
      "consumer_num_pending",
      "consumer_num_ack_pending",
      "consumer_num_redelivered",
      "consumer_delivered_stream_seq",
      "consumer_ack_floor_stream_seq",
    ] as const;
    const build = (props: Partial<ConstructorParameters<typeof Surveyor>[2]>) => {
      const { stack, network, cluster } = standaloneParts();
      return () => new Surveyor(stack, "Surveyor", { network, cluster, ...props });
    };

    it("passes the kept metrics, in the given order, after --jsz-leaders-only", () => {
      const command = surveyorOf({ surveyor: { jszFilter: [...kept] } }).command;
      expect(command).toContain(`--jsz-filter=${kept.join(",")}`);
      expect(command.indexOf(`--jsz-filter=${kept.join(",")}`)).toBe(command.indexOf("--jsz-leaders-only") + 1);
      expect(surveyorOf().command.some((arg: string) => arg.startsWith("--jsz-filter"))).toBe(false);
    });

    it("keeps stream metrics only under jsz streams", () => {
      const command = surveyorOf({ surveyor: { jsz: "streams", jszFilter: ["stream_total_bytes", "stream_total_messages"] } }).command;
      expect(command).toContain("--jsz-filter=stream_total_bytes,stream_total_messages");
    });

    it("refuses an empty list, an unknown or nats_-prefixed name, a repeat and jsz off", () => {
      expect(build({ jszFilter: [] })).toThrow(/jszFilter must be a non-empty list of --jsz-filter metric names, got \[\] \(leave it out/);
      expect(build({ jszFilter: [...kept, "nats_consumer_num_waiting" as never] })).toThrow(
        /jszFilter must name --jsz-filter metrics: stream_total_messages, .*, got "nats_consumer_num_waiting" \(drop the nats_ prefix/,
      );
      expect(build({ jszFilter: [...kept, "stream_total_bytes"] })).toThrow(/jszFilter names stream_total_bytes twice/);
      expect(build({ jsz: "off", jszFilter: [...kept] })).toThrow(/jszFilter filters the --jsz metrics, which jsz "off" does not collect/);
    });

    it("refuses a metric the jsz mode never collects", () => {
      expect(build({ jsz: "streams", jszFilter: ["stream_total_messages", "stream_total_bytes", "consumer_num_pending"] })).toThrow(
        /jszFilter names a metric that jsz "streams" never collects, got "consumer_num_pending" \(drop it, or set jsz to "all"\)/,
      );
    });

    it("refuses a filter that drops a metric the alert rules or dashboards read, naming the missing ones", () => {
      expect(build({ jszFilter: ["stream_total_messages", "stream_total_bytes", "consumer_num_pending"] })).toThrow(
        /jszFilter must keep consumer_delivered_stream_seq, consumer_ack_floor_stream_seq, consumer_num_ack_pending, consumer_num_redelivered, which the project's alert rules and dashboards read/,
      );
      // Only those the mode collects: jsz "consumers" needs no stream metric.
      expect(build({ jsz: "consumers", jszFilter: kept.filter((m) => m.startsWith("consumer_")) })).not.toThrow();
      // Through the settings, the schema refuses an unknown name first.
      expect(() => synthStack({ surveyor: { jszFilter: ["everything" as never] } })).toThrow(/surveyor\.jszFilter/);
    });

    it("names exactly the catalog's Surveyor --jsz metrics, without the nats_ prefix", () => {
      const catalog = METRIC_CATALOG.filter((m) => m.source === "surveyor --jsz").map((m) => m.name);
      const ids = [...SURVEYOR_JSZ_STREAM_METRICS, ...SURVEYOR_JSZ_CONSUMER_METRICS].map((id) => `nats_${id}`);
      expect(new Set(ids)).toEqual(new Set(catalog));
      expect(ids).toHaveLength(catalog.length);
    });

    it("requires exactly the stream and consumer metrics that the alert rules and dashboards read", () => {
      const exprs = [
        ...NATS_ALERT_GROUPS.flatMap((g) => g.rules.map((r) => r.expr)),
        JSON.stringify(projectDashboards({ prometheus: { uid: "p", name: "P" }, loki: { uid: "l", name: "L" } })),
      ].join("\n");
      const read = new Set([...exprs.matchAll(/\bnats_((?:stream|consumer)_[a-z_]+)/g)].map((m) => m[1]));
      expect(new Set(SURVEYOR_JSZ_METRICS_READ)).toEqual(read);
    });
  });
});
