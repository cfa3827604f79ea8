import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NATS_LEVEL_REGEX, type RelabelRule } from "../../constructs/config/log-pipeline.js";
import { NATS_LOG_LEVELS } from "../../contract/index.js";

/**
 * What the collectors' `decolorize` stage does to a line: drop ANSI escape
 * sequences (colours are CSI sequences ending in `m`).
 */
export function decolorize(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

/**
 * The collectors' level pipeline in JavaScript: decolorize, the exact
 * NATS_LEVEL_REGEX the configs contain, then the NATS_LOG_LEVELS mapping that
 * their template stage renders. Undefined when the line has no level tag.
 */
export function extractNatsLogLevel(line: string): string | undefined {
  const tag = new RegExp(NATS_LEVEL_REGEX).exec(decolorize(line))?.groups?.log_level;
  return tag === undefined ? undefined : NATS_LOG_LEVELS[tag as keyof typeof NATS_LOG_LEVELS];
}

/**
 * Prometheus `replace` relabeling, as Alloy and Promtail apply it: source
 * values joined by the separator, an anchored regex, `$1`-style replacement.
 * Labels starting with `__` are dropped at the end.
 */
export function applyRelabelRules(rules: readonly RelabelRule[], input: Record<string, string>): Record<string, string> {
  const labels = { ...input };
  for (const rule of rules) {
    const source = (rule.sourceLabels ?? []).map((name) => labels[name] ?? "").join(rule.separator ?? ";");
    const match = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`).exec(source);
    if (!match) continue;
    const value = (rule.replacement ?? "$1").replace(/\$(\d+)/g, (_, group: string) => match[Number(group)] ?? "");
    if (value === "") delete labels[rule.targetLabel];
    else labels[rule.targetLabel] = value;
  }
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith("__")));
}

/** A nats-server config that logs INF, WRN (plaintext password) and ERR (a route to a closed port). */
export const NOISY_NATS_CONF = [
  "listen: 127.0.0.1:-1",
  "server_name: level-test",
  "authorization { user: test, password: plaintext }",
  'cluster { name: level-test, listen: 127.0.0.1:-1, routes: ["nats-route://127.0.0.1:1"] }',
  "",
].join("\n");

/**
 * Runs nats-server with NOISY_NATS_CONF and returns everything it wrote.
 * Plain: stopped as soon as an [ERR] line appears. With `tty`, under
 * `script`, which gives it a pseudo-terminal (so it colours its level tags);
 * `script` does not pass a kill on to it, so there nats-server stops itself
 * after 2 s (`timeout -s INT`). Either way a timer ends it after 10 s.
 */
export function runNoisyNatsServer(options: { readonly tty: boolean }): Promise<string> {
  const conf = noisyNatsConfFile();
  const [command, args] = options.tty
    ? ["script", ["-qfec", `exec timeout -s INT 2 nats-server -c ${conf}`, "/dev/null"]]
    : ["nats-server", ["-c", conf]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (!options.tty && /\[ERR\].*\n/.test(output)) child.kill("SIGTERM");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

/** Writes NOISY_NATS_CONF to a fresh temporary file. */
function noisyNatsConfFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "nats-levels-")), "noisy.conf");
  writeFileSync(file, NOISY_NATS_CONF);
  return file;
}
