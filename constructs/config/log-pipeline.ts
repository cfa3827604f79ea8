import { COMPONENTS, LABELS, LOG_JOBS, LOG_LABELS, NATS_LOG_LEVELS } from "../../contract/index.js";

/**
 * What every log line gets, whichever collector ships it: the labels, how
 * they are derived from the Docker containers, and how NATS log levels are
 * extracted. Plain data that both the Alloy and the Promtail renderer turn
 * into their own syntax, so the two collectors cannot drift apart.
 */

/** Where Loki receives pushed log lines, relative to its base URL. */
export const LOKI_PUSH_PATH = "/loki/api/v1/push";

/** What a collector's config is made of, for Alloy and Promtail alike. */
export interface CollectorConfigInput {
  /** The stack's network name: the `natsmon.project` label value of its containers. */
  readonly project: string;
  /** The Docker socket inside the collector's container, e.g. unix:///var/run/docker.sock. */
  readonly dockerHost: string;
  /** Loki's push endpoint, e.g. http://loki:3100/loki/api/v1/push. */
  readonly pushUrl: string;
  /** Collect every container on the engine, not only the stack's. */
  readonly collectAllContainers: boolean;
  /** The `host` label on every line: the Docker host's name in a multi-host stack. @default no host label */
  readonly host?: string;
}

/**
 * Matches a nats-server log line, `[pid] 2006/01/02 15:04:05.000000 [INF] msg`
 * (the date and time are absent with `logtime: false`), and captures the
 * level tag as `log_level`. RE2 (Go >= 1.22, which Alloy v1.21 and Promtail
 * 3.6 are built with) and JavaScript both accept the `(?<name>...)` group, so
 * the tests run this exact expression over real nats-server output.
 */
export const NATS_LEVEL_REGEX = String.raw`^\[\d+\] (?:\S+ \S+ )?\[(?<${LOG_LABELS.logLevel}>${Object.keys(NATS_LOG_LEVELS).join("|")})\] `;

/**
 * A Go template (text/template with sprig, as both collectors' template
 * stages run it) that maps the captured tag to its name. A line without a tag
 * yields "", which makes the stage drop the value, so no label is set.
 */
export const LOG_LEVEL_TEMPLATE = `{{ get (dict ${Object.entries(NATS_LOG_LEVELS)
  .map(([tag, name]) => `"${tag}" "${name}"`)
  .join(" ")}) (default "" .Value) }}`;

/** A Prometheus-style relabel rule (action `replace`). */
export interface RelabelRule {
  /** Labels whose values are joined by `separator`; none means the empty string. */
  readonly sourceLabels?: readonly string[];
  /** @default ";" */
  readonly separator?: string;
  /** Anchored RE2. @default "(.*)" */
  readonly regex?: string;
  readonly targetLabel: string;
  /** @default "$1" */
  readonly replacement?: string;
}

/** The discovery meta label of a Docker container label (non-alphanumerics become `_`). */
export function dockerLabelMeta(dockerLabel: string): string {
  return `__meta_docker_container_label_${dockerLabel.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

const CONTAINER_NAME_META = "__meta_docker_container_name";
const PROJECT_META = dockerLabelMeta(LABELS.project);
const COMPONENT_META = dockerLabelMeta(LABELS.component);

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

/**
 * Turns the Docker discovery labels into the stream labels. `project` is the
 * stack's network name, the value of every stack container's
 * `natsmon.project` label. Rules run in order; later ones override.
 */
export function containerRelabelRules(project: string, host?: string): RelabelRule[] {
  const stack = escapeRegex(project);
  const hostRule: RelabelRule[] = host === undefined ? [] : [{ targetLabel: LOG_LABELS.host, replacement: host }];
  return [
    ...hostRule,
    // Docker names start with a slash: "/nats-node1".
    { sourceLabels: [CONTAINER_NAME_META], regex: "/(.*)", targetLabel: LOG_LABELS.containerName },
    { sourceLabels: [CONTAINER_NAME_META], regex: "/(.*)", targetLabel: LOG_LABELS.service },
    { sourceLabels: [COMPONENT_META], regex: "(.+)", targetLabel: LOG_LABELS.service },
    { targetLabel: LOG_LABELS.job, replacement: LOG_JOBS.other },
    { sourceLabels: [PROJECT_META], regex: stack, targetLabel: LOG_LABELS.job, replacement: LOG_JOBS.monitoring },
    {
      sourceLabels: [PROJECT_META, COMPONENT_META],
      separator: ";",
      regex: `${stack};${escapeRegex(COMPONENTS.nats)}`,
      targetLabel: LOG_LABELS.job,
      replacement: LOG_JOBS.nats,
    },
  ];
}

/**
 * The Docker API filter that limits discovery to the stack's own containers,
 * `label=natsmon.project=<network>`; other containers are never even listed.
 */
export function projectContainerFilter(project: string): { readonly name: "label"; readonly values: readonly string[] } {
  return { name: "label", values: [`${LABELS.project}=${project}`] };
}
