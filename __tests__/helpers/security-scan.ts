import { NO_NEW_PRIVILEGES } from "../../constructs/private/container-hardening.js";
import { COMPONENTS, LABELS } from "../../contract/index.js";
import { labelsOf, type Plan, type PlanResource } from "./plan.js";

/** One problem the scan found: where, and what. */
export interface Finding {
  readonly where: string;
  readonly problem: string;
}

/** What a plan may do on purpose, because its props said so. */
export interface ScanAllowances {
  /** Ports published on 0.0.0.0 (the stack's bindAddress "0.0.0.0"). */
  readonly openPorts?: boolean;
  /** Routes without TLS (`routeTls: false`). */
  readonly plainRoutes?: boolean;
}

const NATS_CONFIG = "/etc/nats/nats-server.conf";
/**
 * A whole Terraform reference, e.g. ${random_password.x.result}, or one quoted
 * by jsonencode, as NatsCluster passes the bcrypt hashes and the route password.
 */
const REFERENCE = /^\$\{(?:[a-z_]+\.[\w-]+\.[a-z_]+|jsonencode\([a-z_]+\.[\w-]+\.[a-z_]+\))\}$/;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Walks a synthesized plan and reports what a security review would reject:
 * a container without no-new-privileges or with capabilities kept, the
 * Docker socket mounted anywhere but the socket proxy, a port open on
 * 0.0.0.0 that the props did not ask for, a NATS server that lets anonymous
 * clients in while accounts are on, a route without mutual TLS and route
 * authentication, and a secret written as a literal.
 */
export function scanPlan(plan: Plan, allow: ScanAllowances = {}): Finding[] {
  const findings: Finding[] = [];
  for (const [id, c] of Object.entries(plan.resource.docker_container ?? {})) {
    const where = `docker_container.${id} (${c.name})`;
    const found = (problem: string) => findings.push({ where, problem });
    if (!((c.security_opts as string[] | undefined) ?? []).includes(NO_NEW_PRIVILEGES)) found("no no-new-privileges");
    if (!((c.capabilities as { drop?: string[] } | undefined)?.drop ?? []).includes("ALL")) found("capabilities not dropped");
    for (const mount of (c.volumes as PlanResource[] | undefined) ?? []) {
      if (
        typeof mount.host_path === "string" &&
        /docker\.sock$/.test(mount.host_path) &&
        labelsOf(c)[LABELS.component] !== COMPONENTS.socketProxy
      ) {
        found(`mounts the Docker socket ${mount.host_path}`);
      }
    }
    for (const port of (c.ports as { ip: string; external: number }[] | undefined) ?? []) {
      if ((port.ip === "0.0.0.0" || port.ip === undefined) && !allow.openPorts) found(`publishes ${port.external} on every address`);
    }
    for (const [i, entry] of ((c.env as string[] | undefined) ?? []).entries()) {
      const [name, ...rest] = entry.split("=");
      const value = rest.join("=").replace(/^"(.*)"$/, "$1");
      if (/PASSWORD|SECRET|TOKEN/i.test(name) && !/_FILE$/.test(name) && !REFERENCE.test(value))
        found(`env[${i}] ${name} holds a literal secret`);
    }
    for (const upload of (c.upload as { file: string; content: string }[] | undefined) ?? []) {
      findings.push(...secretLiterals(`${where} upload ${upload.file}`, upload.content));
      if (upload.file === NATS_CONFIG) findings.push(...natsConfigProblems(`${where} ${NATS_CONFIG}`, upload.content, allow));
    }
  }
  for (const [name, output] of Object.entries(plan.output ?? {})) {
    if (typeof output.value === "string" && PEM_PRIVATE_KEY.test(output.value))
      findings.push({ where: `output.${name}`, problem: "a private key literal" });
    if (/password/i.test(name) && typeof output.value === "string" && !REFERENCE.test(output.value)) {
      findings.push({ where: `output.${name}`, problem: "a literal password" });
    }
    if (/password/i.test(name) && output.sensitive !== true)
      findings.push({ where: `output.${name}`, problem: "a password output not marked sensitive" });
  }
  return findings;
}

/** Passwords and keys written out in a file's text instead of referenced. */
function secretLiterals(where: string, text: string): Finding[] {
  const findings: Finding[] = [];
  if (PEM_PRIVATE_KEY.test(text)) findings.push({ where, problem: "a private key literal" });
  // JSON ("password": "...") and nats.conf (password: "...") assignments.
  for (const match of text.matchAll(/"?password"?\s*[:=]\s*("([^"]*)"|[^\s,}]+)/gi)) {
    const value = match[2] ?? match[1];
    if (!REFERENCE.test(value) && !/^\$[A-Z_][A-Z0-9_]*$/.test(value))
      findings.push({ where, problem: `a literal password (${match[0]})` });
  }
  // Credentials in URLs, e.g. nats-route://user:password@host.
  for (const match of text.matchAll(/[a-z-]+:\/\/[^:/\s"]+:([^@\s"]+)@/gi)) {
    if (!REFERENCE.test(match[1])) findings.push({ where, problem: `a literal password in a URL (${match[0]})` });
  }
  return findings;
}

/** A node config that lets anonymous clients in while accounts are on, or routes without mutual TLS and a route user. */
function natsConfigProblems(where: string, text: string, allow: ScanAllowances): Finding[] {
  const findings: Finding[] = [];
  const accountsOn = /^ {2}APP \{/m.test(text);
  if (accountsOn && /^no_auth_user:/m.test(text))
    findings.push({ where, problem: "accounts are on but no_auth_user lets anonymous clients in" });
  // Users of the top-level authorization block sit in the global account, and nats-server 2.9 then still lets anonymous clients in.
  if (accountsOn && /^authorization \{/m.test(text))
    findings.push({ where, problem: "accounts are on next to a top-level authorization block" });
  const cluster = /^cluster \{\n([\s\S]*?)^\}/m.exec(text)?.[1];
  if (cluster !== undefined && !allow.plainRoutes) {
    if (!/^ {2}tls \{[\s\S]*?verify: true/m.test(cluster)) findings.push({ where, problem: "routes without mutual TLS" });
    if (!/^ {2}authorization \{/m.test(cluster)) findings.push({ where, problem: "routes without route authentication" });
  }
  return findings;
}
