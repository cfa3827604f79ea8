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
