import { Construct } from "constructs";
import { COMPONENTS, CONTAINER_NAMES, CONTAINER_PORTS, DEFAULT_HOST_PORTS, SCRAPE_JOBS } from "../contract/index.js";
import { DockerService } from "./docker-service.js";
import { DEFAULT_IMAGES } from "./images.js";
import type { NatsCluster } from "./nats-cluster.js";
import { NOBODY } from "./private/container-hardening.js";
import { hostUrl } from "./private/host-url.js";
import { propError, requirePort } from "./private/validation.js";
import type { IScrapeable, ScrapeTarget } from "./scrape-target.js";
import { resolveServiceBase, type ServiceBaseProps } from "./service-props.js";

/** The port Surveyor listens on inside its container (its default). */
export const SURVEYOR_PORT = CONTAINER_PORTS.surveyor;
/** Where the JetStream advisory listener configs are uploaded. */
const ADVISORY_DIR = "/etc/nats-surveyor/jetstream";

/** Which stream and consumer metrics Surveyor collects with `--jsz`. */
export type SurveyorJsz = "all" | "streams" | "consumers" | "off";

/**
 * The per-stream metrics `--jsz-filter` can name: `nats_<name>` without the
 * `nats_` prefix, as nats-surveyor's `surveyor/jsz_filter.go` spells them.
 * The flag came with `--jsz-leaders-only` in the same change (nats-surveyor
 * PR #255, 2025-05-14), so every image with `--jsz-leaders-only`, 0.9.10
 * included, has it. That first version filtered consumer metrics only and
 * emitted both families whatever `--jsz` said; PR #288 (2025-09) applied the
 * filter and the mode to stream metrics too, which is what the checks below
 * and docs/series-count.md assume. No test here runs the 0.9.10 binary (its
 * image and Go module are out of reach), so which of the two it has is not
 * verified. Surveyor has no filter by account or stream name.
 */
export const SURVEYOR_JSZ_STREAM_METRICS = [
  "stream_total_messages",
  "stream_total_bytes",
  "stream_first_seq",
  "stream_last_seq",
  "stream_consumer_count",
  "stream_subject_count",
] as const;

/** The per-consumer metrics `--jsz-filter` can name (nats-surveyor `surveyor/jsz_filter.go`). */
export const SURVEYOR_JSZ_CONSUMER_METRICS = [
  "consumer_delivered_consumer_seq",
  "consumer_delivered_stream_seq",
  "consumer_ack_floor_consumer_seq",
  "consumer_ack_floor_stream_seq",
  "consumer_num_ack_pending",
  "consumer_num_pending",
  "consumer_num_redelivered",
  "consumer_num_waiting",
] as const;

/** One metric `--jsz-filter` can keep. */
export type SurveyorJszMetric = (typeof SURVEYOR_JSZ_STREAM_METRICS)[number] | (typeof SURVEYOR_JSZ_CONSUMER_METRICS)[number];

/**
 * The stream and consumer metrics the project's alert rules and dashboards
 * read (a test derives this list from them): a `jszFilter` must keep those
 * its `jsz` mode collects, or alerts would go silent without a word.
 */
export const SURVEYOR_JSZ_METRICS_READ: readonly SurveyorJszMetric[] = [
  "stream_total_messages",
  "stream_total_bytes",
  "consumer_delivered_stream_seq",
  "consumer_ack_floor_stream_seq",
  "consumer_num_ack_pending",
  "consumer_num_pending",
  "consumer_num_redelivered",
];

/** Props of {@link Surveyor}. */
export interface SurveyorProps extends ServiceBaseProps {
  /** The cluster to survey; Surveyor logs in with its system-account user and expects its node count. */
  readonly cluster: NatsCluster;
  /** Host port for Surveyor's 7777. @default 7777 */
  readonly hostPort?: number;
  /** Per-account metrics (`--accounts`): connections, traffic and JetStream use per account. @default true */
  readonly accounts?: boolean;
  /** Stream and consumer metrics (`--jsz`): `nats_stream_*`, `nats_consumer_*`. @default "all" */
  readonly jsz?: SurveyorJsz;
  /**
   * Collect stream and consumer metrics from their leaders only
   * (`--jsz-leaders-only`): one series per stream or consumer instead of one
   * per replica, and `nats_consumer_num_pending` is only right on the leader anyway.
   * @default true
   */
  readonly jszLeadersOnly?: boolean;
  /**
   * Keep only these stream and consumer metrics (`--jsz-filter`), e.g.
   * `["stream_total_messages", "stream_total_bytes", "consumer_num_pending", ...]`:
   * each stream then adds one series per kept stream metric, each consumer one
   * per kept consumer metric (see docs/series-count.md). It must keep the
   * metrics the project's alert rules and dashboards read
   * ({@link SURVEYOR_JSZ_METRICS_READ}) that the `jsz` mode collects.
   * @default every metric of the `jsz` mode
   */
  readonly jszFilter?: readonly SurveyorJszMetric[];
  /**
   * Listen to the JetStream advisories of the account where the streams live
   * (`--jetstream`): APP, or the global account with `allowAnonymous`: counters of
   * deliveries that hit max_deliver, quorum losses, leader elections.
   * @default true
   */
  readonly jetStreamAdvisories?: boolean;
}

/**
 * NATS Surveyor: one container that polls every server of the cluster over
 * the system account and serves the whole picture to Prometheus on 7777.
 */
export class Surveyor extends Construct implements IScrapeable {
  /** The container. */
  readonly service: DockerService;
  /** Job "nats-surveyor", target `<container>:7777`. */
  readonly scrapeTarget: ScrapeTarget;
  /** Surveyor's URL on the Docker host, e.g. http://127.0.0.1:7777. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: SurveyorProps) {
    super(scope, id);
    const base = resolveServiceBase(this, props, { image: DEFAULT_IMAGES.surveyor, memoryLimit: "256M" });
    const hostPort = requirePort(this, "hostPort", props.hostPort ?? DEFAULT_HOST_PORTS.surveyor, DEFAULT_HOST_PORTS.surveyor);
    const jsz = props.jsz ?? "all";
    if (!["all", "streams", "consumers", "off"].includes(jsz)) {
      throw propError(this, "jsz", jsz, 'must be "all", "streams", "consumers" or "off"', 'keep "all" unless the series are too many');
    }
    const jszFilter = validJszFilter(this, jsz, props.jszFilter);
    const advisories = props.jetStreamAdvisories ?? true;
    const { cluster } = props;

    const command = [
      `--servers=${cluster.clientUrls.join(",")}`,
      // Without it Surveyor expects one server and stops waiting after the
      // first reply; with it, nats_survey_expected_count is the node count.
      `--count=${cluster.nodeCount}`,
      `--port=${SURVEYOR_PORT}`,
    ];
    if (props.accounts ?? true) command.push("--accounts");
    if (jsz !== "off") {
      command.push(`--jsz=${jsz}`);
      if (props.jszLeadersOnly ?? true) command.push("--jsz-leaders-only");
      // A comma-separated list (pflag's string slice), in the user's order.
      if (jszFilter) command.push(`--jsz-filter=${jszFilter.join(",")}`);
    }
    if (advisories) command.push(`--jetstream=${ADVISORY_DIR}`);
    // With TLS on the client port, Surveyor checks the servers against the stack's CA.
    const caFile = cluster.clientTls && cluster.caCertPem !== undefined ? "/etc/nats-surveyor/ca.pem" : undefined;
    if (caFile) command.push(`--tlscacert=${caFile}`);

    const name = base.nameOf(CONTAINER_NAMES.surveyor);
    this.service = new DockerService(this, "Service", {
      network: base.network,
      name,
      component: COMPONENTS.surveyor,
      image: base.image,
      command,
      // It writes nothing: nobody is enough. Its advisory listener configs
      // are uploads, which a read-only root filesystem would refuse.
      user: NOBODY,
      // Credentials through the environment, which Surveyor reads
      // (NATS_SURVEYOR_<FLAG>), so they do not show in `ps`.
      env: { NATS_SURVEYOR_USER: cluster.systemUser, NATS_SURVEYOR_PASSWORD: cluster.systemPassword },
      files: [
        ...(caFile && cluster.caCertPem ? [{ path: caFile, content: cluster.caCertPem }] : []),
        ...(advisories
          ? [
              {
                // The account where the streams are: APP, logged in as the
                // application user; with anonymous access, the global account,
                // which a client without credentials lands in.
                path: `${ADVISORY_DIR}/${cluster.appAccount === undefined ? "global" : "app"}-account.json`,
                content: `${JSON.stringify(
                  cluster.appAccount === undefined
                    ? { name: "$G", tls_ca: caFile }
                    : { name: cluster.appAccount, username: cluster.appUser, password: cluster.appPassword, tls_ca: caFile },
                  null,
                  2,
                )}\n`,
              },
            ]
          : []),
      ],
      ports: [{ internal: SURVEYOR_PORT, external: hostPort, ip: base.bindAddress }],
      healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${SURVEYOR_PORT}/healthz`] },
      memoryLimitBytes: base.memoryLimitBytes,
      dependsOn: cluster.nodes.map((node) => node.container),
    });

    this.scrapeTarget = { jobName: SCRAPE_JOBS.surveyor, targets: [`${name}:${SURVEYOR_PORT}`] };
    this.hostUrl = hostUrl(base.bindAddress, hostPort);
  }
}

/** Which metric families each `--jsz` mode collects (nats-surveyor's collector_statz tests: "streams" has no consumer series, "consumers" no stream series). */
const JSZ_MODE_METRICS: Record<Exclude<SurveyorJsz, "off">, readonly SurveyorJszMetric[]> = {
  all: [...SURVEYOR_JSZ_STREAM_METRICS, ...SURVEYOR_JSZ_CONSUMER_METRICS],
  streams: SURVEYOR_JSZ_STREAM_METRICS,
  consumers: SURVEYOR_JSZ_CONSUMER_METRICS,
};

/**
 * Checks `jszFilter` against the `jsz` mode: known names only, no repeats,
 * none that the mode never collects (they would silently give nothing), and
 * every metric the project reads that the mode collects.
 */
function validJszFilter(
  scope: Construct,
  jsz: SurveyorJsz,
  filter: readonly SurveyorJszMetric[] | undefined,
): readonly SurveyorJszMetric[] | undefined {
  if (filter === undefined) return undefined;
  if (!Array.isArray(filter) || filter.length === 0) {
    throw propError(
      scope,
      "jszFilter",
      filter,
      "must be a non-empty list of --jsz-filter metric names",
      "leave it out to keep every metric",
    );
  }
  if (jsz === "off") {
    throw propError(
      scope,
      "jszFilter",
      filter,
      'filters the --jsz metrics, which jsz "off" does not collect',
      'set jsz to "all", "streams" or "consumers", or leave jszFilter out',
    );
  }
  const collected = JSZ_MODE_METRICS[jsz];
  const known: readonly string[] = JSZ_MODE_METRICS.all;
  const seen = new Set<string>();
  for (const name of filter) {
    if (!known.includes(name)) {
      throw propError(
        scope,
        "jszFilter",
        name,
        `must name --jsz-filter metrics: ${known.join(", ")}`,
        "drop the nats_ prefix, e.g. consumer_num_pending",
      );
    }
    if (seen.has(name)) throw propError(scope, "jszFilter", filter, `names ${name} twice`, "list each metric once");
    seen.add(name);
    if (!collected.includes(name)) {
      throw propError(scope, "jszFilter", name, `names a metric that jsz "${jsz}" never collects`, `drop it, or set jsz to "all"`);
    }
  }
  const missing = SURVEYOR_JSZ_METRICS_READ.filter((name) => collected.includes(name) && !seen.has(name));
  if (missing.length > 0) {
    throw propError(
      scope,
      "jszFilter",
      filter,
      `must keep ${missing.join(", ")}, which the project's alert rules and dashboards read`,
      `add ${missing.join(", ")}`,
    );
  }
  return filter;
}
