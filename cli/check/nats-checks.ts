import { type JetStreamAccountStats, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { connect } from "@nats-io/transport-node";
import { COMPONENTS, LABELS, OUTPUTS } from "../../contract/index.js";
import { hostOfServer } from "../stack-hosts.js";
import type { StackTargets } from "../targets.js";
import type { CheckRun } from "./check-run.js";
import { describeError } from "./describe-error.js";
import { fail, ok, type Verdict } from "./verdict.js";

/** The checks of this group, in the order they run. */
export const NATS_CHECKS = [
  "nats.connect",
  "nats.servers",
  "nats.jetstream",
  "nats.meta-leader",
  "nats.pubsub",
  "nats.jetstream-account",
] as const;

/** One server's answer to `$SYS.REQ.SERVER.PING.JSZ`, as far as the checks read it. */
export interface JszReply {
  readonly server: { readonly name: string; readonly cluster?: string; readonly ver?: string };
  readonly data?: {
    readonly disabled?: boolean;
    readonly config?: { readonly store_dir?: string };
    readonly meta_cluster?: {
      readonly name?: string;
      readonly leader?: string;
      readonly cluster_size?: number;
    };
  };
  readonly error?: { readonly code?: number; readonly description?: string };
}

/** What the cluster should look like. */
export interface ExpectedCluster {
  readonly names?: readonly string[];
  readonly count?: number;
}

const SYSTEM_SUBJECT = "$SYS.REQ.SERVER.PING.JSZ";

/**
 * The NATS group: connect as a client would, ask every server through the
 * system account, then exercise core NATS and JetStream. On a stack over
 * several hosts the client knows every node's URL, and each host's nodes are
 * then reached one by one on that host's address (`nats.node@<host>`), so a
 * host that is down or firewalled is named.
 */
export async function runNatsChecks(targets: StackTargets, run: CheckRun): Promise<void> {
  const connections: NatsConnection[] = [];
  try {
    await runClusterChecks(targets, run, connections);
    await runNodeChecks(targets, run, connections);
  } finally {
    await Promise.allSettled(connections.map((nc) => nc.close()));
  }
}

/** How the client checks log in: TLS with the stack's CA when known, the application user when there is one. */
function clientLogin(targets: StackTargets): { tls?: { ca: string }; user?: string; pass?: string } {
  // With a CA the client port speaks TLS, verified against the stack's CA.
  const tls = targets.natsCaCert ? { tls: { ca: targets.natsCaCert } } : {};
  return { ...tls, ...(targets.natsUser ? { user: targets.natsUser, pass: targets.natsPassword ?? "" } : {}) };
}

async function runClusterChecks(targets: StackTargets, run: CheckRun, connections: NatsConnection[]): Promise<void> {
  const url = targets.natsUrls ? targets.natsUrls.join(",") : targets.natsUrl;
  const servers = targets.natsUrls ?? targets.natsUrl;
  const unreachable = `start the cluster (docker ps --filter label=${LABELS.component}=${COMPONENTS.nats} shows its containers) or point --nats-url at it`;
  const tls = targets.natsCaCert ? { tls: { ca: targets.natsCaCert } } : {};
  const login = clientLogin(targets);
  const as = targets.natsUser ? ` as ${targets.natsUser}` : "";
  const connectFix = targets.natsUser
    ? `${unreachable}; on "Authorization Violation", check the application user's credentials (nats_app_user / nats_app_password)`
    : `${unreachable}; on "Authorization Violation", the cluster refuses anonymous clients: pass --outputs (nats_app_user, nats_app_password) or --nats-user and NATSMON_NATS_PASSWORD`;
  const client = await run.check("nats.connect", { what: `connect to ${url}${as}`, fix: connectFix }, async ({ signal, timeoutMs }) => {
    const nc = await connectWithin({ servers, timeout: timeoutMs, name: "natsmon check", ...login }, signal, connections);
    const info = nc.info;
    return {
      verdict: ok(
        `connected to ${url}${as}: server ${info?.server_name ?? "?"}, nats-server ${info?.version ?? "?"}${info?.cluster ? `, cluster ${info.cluster}` : ""}`,
      ),
      value: nc,
    };
  });
  if (!client) {
    run.skipAll(NATS_CHECKS.slice(1), "needs a connection (nats.connect failed)");
    return;
  }

  const expected: ExpectedCluster = { names: targets.natsServers, count: targets.expectedServers };
  const replies = await run.check(
    "nats.servers",
    { what: `${SYSTEM_SUBJECT} as the system user`, fix: unreachable },
    async ({ signal, timeoutMs }) => {
      if (!targets.natsSystemUser || !targets.natsSystemPassword) {
        return {
          verdict: fail(
            "no system-account credentials, so the servers cannot be asked one by one",
            `pass --outputs (the stack's ${OUTPUTS.natsSystemUser} and ${OUTPUTS.natsSystemPassword}) or --nats-system-user and NATSMON_NATS_SYSTEM_PASSWORD`,
          ),
        };
      }
      const system = await connectWithin(
        {
          servers,
          timeout: timeoutMs,
          name: "natsmon check (system)",
          user: targets.natsSystemUser,
          pass: targets.natsSystemPassword,
          ...tls,
        },
        signal,
        connections,
      );
      const answers = await pingServers(system, expected.count, timeoutMs);
      return {
        verdict: serversVerdict(
          answers.map((reply) => reply.server.name),
          expected,
          targets.hosts && serverHosts(targets),
        ),
        value: answers,
      };
    },
  );
  if (replies) {
    await run.check("nats.jetstream", { what: "JetStream on each server", fix: unreachable }, async () => ({
      verdict: jetstreamVerdict(replies),
    }));
    await run.check("nats.meta-leader", { what: "JetStream meta leader", fix: unreachable }, async () => ({
      verdict: metaLeaderVerdict(replies, expected.count ?? replies.length),
    }));
  } else {
    run.skipAll(["nats.jetstream", "nats.meta-leader"], "needs the servers' answers (nats.servers failed)");
  }

  await run.check("nats.pubsub", { what: "publish and receive one message", fix: unreachable }, async ({ signal }) => ({
    verdict: await pubSubRoundTrip(client, signal),
  }));

  await run.check("nats.jetstream-account", { what: "JetStream account info", fix: JETSTREAM_ACCOUNT_FIX }, async ({ timeoutMs }) => {
    const jsm = await jetstreamManager(client, { timeout: timeoutMs });
    return { verdict: accountVerdict(await jsm.getAccountInfo()) };
  });
}

/** Where each server runs, for messages: its host's name and engine. */
function serverHosts(targets: StackTargets): ReadonlyMap<string, ServerHost> {
  return new Map([...hostOfServer(targets.hosts ?? [])].map(([server, host]) => [server, { host: host.name, engine: host.dockerHost }]));
}

/**
 * One check per host with NATS nodes: each node's client port on its host's
 * address answers as that node (TLS verified with the stack's CA when the
 * client port requires it). The cluster checks above go through whichever
 * node answers first; these say which host is unreachable.
 */
async function runNodeChecks(targets: StackTargets, run: CheckRun, connections: NatsConnection[]): Promise<void> {
  if (!targets.hosts || !targets.natsUrls) return;
  const login = clientLogin(targets);
  for (const host of targets.hosts.filter((h) => h.natsServers.length > 0)) {
    const fix = `start the node(s) (docker -H ${host.dockerHost} ps -a --filter label=${LABELS.component}=${COMPONENTS.nats}), check that host ${host.name} is up and its client port is open to this machine`;
    await run.check(
      `nats.node@${host.name}`,
      { what: `connect to ${host.natsUrls.join(", ")} on host ${host.name}`, fix },
      async ({ signal, timeoutMs }) => {
        const seen: string[] = [];
        for (const [i, nodeUrl] of host.natsUrls.entries()) {
          const expected = host.natsServers[i] as string;
          let nc: NatsConnection;
          try {
            nc = await connectWithin(
              { servers: nodeUrl, timeout: timeoutMs, name: "natsmon check (node)", ignoreClusterUpdates: true, ...login },
              signal,
              connections,
            );
          } catch (error) {
            if (signal.aborted) throw error;
            const described = describeError(error);
            return { verdict: fail(`on host ${host.name}, ${expected} at ${nodeUrl}: ${described.saw}`, described.fix ?? fix) };
          }
          const name = nc.info?.server_name;
          await nc.close();
          if (name !== expected) {
            return {
              verdict: fail(
                `on host ${host.name}, ${nodeUrl} answers as ${name ?? "an unnamed server"}, not ${expected}`,
                `the stack places ${expected} there: check which container publishes that port (docker -H ${host.dockerHost} ps)`,
              ),
            };
          }
          seen.push(`${expected} at ${nodeUrl}`);
        }
        const how = login.tls ? " (TLS verified with the stack's CA)" : "";
        return { verdict: ok(`host ${host.name}: ${seen.join(", ")} answer${how}`) };
      },
    );
  }
}

/**
 * Connects without reconnecting, and closes a connection that arrives after
 * the check already timed out, so that nothing keeps the process alive.
 */
async function connectWithin(
  options: {
    servers: string | readonly string[];
    timeout: number;
    name: string;
    user?: string;
    pass?: string;
    tls?: { ca: string };
    ignoreClusterUpdates?: boolean;
  },
  signal: AbortSignal,
  connections: NatsConnection[],
): Promise<NatsConnection> {
  // A list of URLs (one per node across hosts): keep to them, the announced ones may not be reachable from here.
  const servers = typeof options.servers === "string" ? options.servers : [...options.servers];
  const ignoreClusterUpdates = options.ignoreClusterUpdates ?? typeof options.servers !== "string";
  const nc = await connect({ ...options, servers, ignoreClusterUpdates, reconnect: false, maxReconnectAttempts: 0 });
  connections.push(nc);
  if (signal.aborted) {
    await nc.close();
    throw new Error("connected after the timeout");
  }
  return nc;
}

/**
 * Asks every server for its JetStream state. With a known server count the
 * request ends as soon as all have answered; otherwise it collects for a
 * short while.
 */
async function pingServers(nc: NatsConnection, expectedCount: number | undefined, timeoutMs: number): Promise<JszReply[]> {
  const options =
    expectedCount === undefined
      ? { strategy: "timer" as const, maxWait: Math.min(timeoutMs / 2, 2000) }
      : { strategy: "count" as const, maxMessages: expectedCount, maxWait: Math.max(timeoutMs - 250, 100) };
  const replies: JszReply[] = [];
  for await (const msg of await nc.requestMany(SYSTEM_SUBJECT, "", options)) {
    if (msg.data.length === 0) continue; // a no-responders status message
    replies.push(msg.json<JszReply>());
  }
  return replies;
}

/** Where a server runs on a stack over several hosts. */
export interface ServerHost {
  readonly host: string;
  /** The host's engine address, for the fix's docker -H. */
  readonly engine: string;
}

/**
 * Are the servers that answered the ones the cluster should have? With
 * `hosts` (a stack over several hosts), a missing server is named with its host.
 */
export function serversVerdict(seen: readonly string[], expected: ExpectedCluster, hosts?: ReadonlyMap<string, ServerHost>): Verdict {
  const names = [...new Set(seen)].sort();
  const list = names.length > 0 ? names.join(", ") : "none";
  if (names.length === 0) {
    return fail(
      "no server answered the system-account request",
      `check the system user's credentials (${OUTPUTS.natsSystemUser} / ${OUTPUTS.natsSystemPassword}) and that system_account is set in nats-server.conf`,
    );
  }
  const missing = (expected.names ?? []).filter((name) => !names.includes(name));
  if (missing.length > 0 && hosts) {
    const on = (name: string) => (hosts.get(name) ? ` (on host ${hosts.get(name)?.host})` : "");
    const first = missing[0] as string;
    const docker = hosts.get(first) ? `docker -H ${hosts.get(first)?.engine}` : "docker";
    return fail(
      `saw ${names.length} server(s) (${list}); missing ${missing.map((name) => `${name}${on(name)}`).join(", ")}`,
      `check that the host is up and reaches the others on the cluster port, start the server (${docker} start ${first}) and read its log (${docker} logs ${first}) for route errors`,
    );
  }
  if (missing.length > 0) {
    return fail(
      `saw ${names.length} server(s) (${list}); missing ${missing.join(", ")}`,
      `start the missing server(s) (docker start ${missing.join(" ")}) and check their logs (docker logs ${missing[0]}) for route errors`,
    );
  }
  if (expected.count !== undefined && names.length < expected.count) {
    return fail(
      `saw ${names.length} of ${expected.count} expected servers (${list})`,
      "a server is down or has not joined the cluster: check docker ps and the nodes' logs for route errors",
    );
  }
  if (expected.count !== undefined && names.length > expected.count) {
    return fail(
      `saw ${names.length} servers (${list}) but expected ${expected.count}`,
      "another server joined the cluster: check the routes, or pass --expected-servers if the cluster grew",
    );
  }
  const of = expected.count === undefined ? " (expected count unknown: pass --outputs or --expected-servers)" : ` of ${expected.count}`;
  return ok(`${names.length}${of} servers answered: ${list}`);
}

/** Is JetStream on in every server that answered? */
export function jetstreamVerdict(replies: readonly JszReply[]): Verdict {
  const errors = replies.filter((reply) => reply.error);
  if (errors.length > 0) {
    const first = errors[0];
    return fail(
      `${errors.map((reply) => reply.server.name).join(", ")} answered with an error: ${first.error?.description ?? `code ${first.error?.code}`}`,
      "read that server's log (docker logs <name>) for the JetStream error",
    );
  }
  const off = replies.filter((reply) => !reply.data || reply.data.disabled || !reply.data.config).map((reply) => reply.server.name);
  if (off.length > 0) {
    return fail(
      `JetStream is off on ${off.sort().join(", ")}`,
      "give every server a jetstream { store_dir ... } block and a server_name, then restart it; its log says why JetStream did not start",
    );
  }
  return ok(`JetStream is on in all ${replies.length} server(s)`);
}

/** Does the cluster have one meta leader that the servers agree on? */
export function metaLeaderVerdict(replies: readonly JszReply[], expectedCount: number): Verdict {
  const clustered = replies.filter((reply) => reply.data?.meta_cluster);
  if (clustered.length === 0) {
    return expectedCount <= 1
      ? ok("a single server runs JetStream standalone: there is no meta group")
      : fail(
          `no server reports a JetStream meta group, but ${expectedCount} servers are expected`,
          "give every server the same cluster { name, routes } block and a server_name",
        );
  }
  const leaders = new Set(clustered.map((reply) => reply.data?.meta_cluster?.leader ?? ""));
  leaders.delete("");
  if (leaders.size === 0) {
    const quorum = Math.floor(expectedCount / 2) + 1;
    return fail(
      `no meta leader: ${replies.length} of ${expectedCount} servers answered, and a ${expectedCount}-node cluster needs ${quorum} for a quorum`,
      `bring servers back until ${quorum} are up; if they are up, read their logs for "JetStream cluster no metadata leader"`,
    );
  }
  if (leaders.size > 1) {
    return fail(
      `servers disagree on the meta leader: ${[...leaders].sort().join(" vs ")}`,
      "a network split: check the routes between the servers (docker logs of each node)",
    );
  }
  const [leader] = leaders;
  const size = clustered[0].data?.meta_cluster?.cluster_size;
  return ok(`meta leader ${leader}${size ? `, meta group of ${size}` : ""}`);
}

/** Publishes one message on a fresh subject and waits for it to come back. */
async function pubSubRoundTrip(nc: NatsConnection, signal: AbortSignal): Promise<Verdict> {
  const subject = `natsmon.check.${nc.info?.client_id ?? 0}.${Date.now()}`;
  const payload = `natsmon ${new Date().toISOString()}`;
  const subscription = nc.subscribe(subject, { max: 1 });
  try {
    await nc.flush();
    const started = performance.now();
    nc.publish(subject, payload);
    const received = new Promise<string>((resolve, reject) => {
      signal.addEventListener("abort", () => reject(new Error("no message came back in time")), { once: true });
      void (async () => {
        for await (const msg of subscription) resolve(msg.string());
        reject(new Error("the subscription closed before the message came back"));
      })();
    });
    const text = await received;
    const ms = performance.now() - started;
    return text === payload
      ? ok(`published and received one message on ${subject} in ${ms.toFixed(1)} ms`)
      : fail(`received "${text}" instead of "${payload}"`, "another client publishes on natsmon.check.>; run the check again");
  } finally {
    subscription.unsubscribe();
  }
}

/** Does JetStream answer for the account that clients land in? */
export function accountVerdict(info: JetStreamAccountStats): Verdict {
  return ok(
    `JetStream answers for this account: ${info.streams} stream(s), ${info.consumers} consumer(s), ` +
      `memory ${formatBytes(info.memory)}, storage ${formatBytes(info.storage)}`,
  );
}

/** Why JetStream's account API would not answer, most of the time. */
const JETSTREAM_ACCOUNT_FIX =
  "enable JetStream for the account the client logs in to (the stack's APP account has jetstream: enabled; with allowAnonymous, anonymous clients use the global account, where the server's jetstream block enables it)";

function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
