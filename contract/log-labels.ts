/**
 * What every log line in Loki is labelled with, whichever collector ships
 * it: the collectors' renderers write these labels, the dashboards, Loki's
 * rules and natsmon's checks query them.
 */

/** The stream labels every line carries. */
export const LOG_LABELS = {
  /** One of {@link LOG_JOBS}: "nats" for the NATS servers, "monitoring" for the rest of the stack. */
  job: "job",
  /** The container's name, without Docker's leading slash. */
  containerName: "container_name",
  /** The part of the stack: the container's `natsmon.component` label. */
  service: "service",
  /** INFO, WARN, ERROR, DEBUG, TRACE or FATAL, on NATS server lines. */
  logLevel: "log_level",
  /** The Docker host the line comes from, in a stack spread over several hosts. */
  host: "host",
} as const;

/** The `job` values. */
export const LOG_JOBS = {
  nats: "nats",
  monitoring: "monitoring",
  /** Containers outside the stack, collected only with `collectAllContainers`. */
  other: "docker",
} as const;

/**
 * nats-server's level tags and the `log_level` names the guide's dashboards
 * and queries use for them. nats-server writes `[INF]`, never `[INFO]` or `[ERROR]`.
 */
export const NATS_LOG_LEVELS = {
  INF: "INFO",
  WRN: "WARN",
  ERR: "ERROR",
  DBG: "DEBUG",
  TRC: "TRACE",
  FTL: "FATAL",
} as const satisfies Record<string, string>;

/** The `log_level` values that count as errors (the error-ratio panel and alert). */
export const ERROR_LOG_LEVELS = [NATS_LOG_LEVELS.ERR, NATS_LOG_LEVELS.FTL] as const;
