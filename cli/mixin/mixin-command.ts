import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { AlertRulesConfig } from "../../alerts/config.js";
import { alertConfigProblems, formatAlertConfigProblems } from "../../alerts/config-validation.js";
import { type MixinOptions, renderMixin } from "../../alerts/mixin.js";
import type { MixinPreset } from "../../alerts/mixin-presets.js";
import { NatsmonError } from "../natsmon-error.js";

/** Options of `natsmon mixin` (and `npm run mixin`). */
export interface MixinCommandOptions {
  readonly out: string;
  readonly preset?: string;
  readonly config?: string;
  readonly namespace?: string;
  readonly natsRelease?: string;
  readonly surveyorRelease?: string;
  readonly ruleNamespace?: string;
  readonly ruleLabel?: readonly string[];
}

const PRESETS: readonly MixinPreset[] = ["docker", "nats-helm"];

/** Reads a JSON alert config and checks it, naming the file in every problem. */
function readConfig(path: string): AlertRulesConfig {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new NatsmonError(
      `cannot read the alert config ${path}: ${(error as Error).message}`,
      'pass a JSON file such as {"thresholds": {"connectionsPerServer": 2000}}',
    );
  }
  const problems = alertConfigProblems(config);
  if (problems.length > 0) throw new NatsmonError(`${path}: ${formatAlertConfigProblems(problems)}`, "fix the keys named above");
  return config as AlertRulesConfig;
}

/** `key=value` pairs into labels. */
function labels(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z0-9_./-]+)=(.*)$/.exec(pair);
    if (!match)
      throw new NatsmonError(`--rule-label expects key=value, got "${pair}"`, "write it like --rule-label release=kube-prometheus-stack");
    result[match[1]] = match[2];
  }
  return result;
}

/** Writes the rule file, the PrometheusRule manifest and the dashboards under `out`; returns the paths written. */
export function writeMixin(options: MixinCommandOptions): string[] {
  const preset = (options.preset ?? "docker") as MixinPreset;
  if (!PRESETS.includes(preset)) throw new NatsmonError(`unknown preset "${options.preset}"`, `use one of ${PRESETS.join(", ")}`);
  const mixinOptions: MixinOptions = {
    helm: { namespace: options.namespace, natsRelease: options.natsRelease, surveyorRelease: options.surveyorRelease },
    ruleNamespace: options.ruleNamespace,
    ruleLabels: labels(options.ruleLabel),
  };
  const files = renderMixin(options.config ? readConfig(options.config) : {}, preset, mixinOptions);
  const out = resolve(options.out);
  return Object.entries(files).map(([relative, content]) => {
    const path = join(out, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  });
}
