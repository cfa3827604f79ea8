import { connect, type NatsConnection } from "@nats-io/transport-node";

/**
 * What the rollout asks of the running cluster. The system-account
 * implementation below is the real one; the interface lets the
 * orchestration be tested on its own.
 */
export interface JetStreamCluster {
  /** The meta group's leader as the servers report it; undefined when none (no quorum). */
  metaLeader(): Promise<string | undefined>;
  /** Every server of the meta group, answering or not: the leader and its followers. */
  servers(): Promise<string[]>;
  /** Asks the meta leader to hand over leadership ($JS.API.META.LEADER.STEPDOWN). */
  stepDownMetaLeader(): Promise<void>;
  /**
   * Why `node` is not yet a healthy, current member; undefined when it is:
   * it answers, its readiness check passes, the meta group has a leader and
   * sees it current, and every stream and consumer replica on it is current
   * with no lag, as the group leaders report them.
   */
  notCurrent(node: string): Promise<string | undefined>;
  /** Every stream's replica group: its name and the servers it is on (leader first). */
  streamGroups(): Promise<StreamGroup[]>;
  /**
   * Asks the meta leader to move a stream (its consumers follow) off `node`
   * to another server: `$JS.API.ACCOUNT.STREAM.MOVE.<account>.<stream>`,
   * the system account's move for a stream of any account.
   */
  moveStreamReplica(group: StreamGroup, node: string): Promise<void>;
  /** Removes a stopped server from the meta group ($JS.API.SERVER.REMOVE), for scale-in. */
  removePeer(node: string): Promise<void>;
  close(): Promise<void>;
}

/** A stream's replica group. */
export interface StreamGroup {
  /** The account the stream belongs to. */
  readonly account: string;
  readonly stream: string;
  /** The servers holding a replica, the leader first. */
  readonly members: readonly string[];
}

interface Replica {
  readonly name: string;
  readonly current?: boolean;
  readonly offline?: boolean;
  readonly lag?: number;
}
interface ClusterInfo {
  readonly leader?: string;
  readonly replicas?: readonly Replica[];
}
interface AssetDetail {
  readonly name: string;
  readonly stream_name?: string;
  readonly cluster?: ClusterInfo;
  readonly consumer_detail?: readonly AssetDetail[];
}
/** One server's reply to `$SYS.REQ.SERVER.PING.JSZ` with streams, consumers and raft info. */
export interface JszServerReply {
  readonly server: { readonly name: string; readonly ver?: string };
  readonly data?: {
    readonly meta_cluster?: ClusterInfo & { readonly cluster_size?: number };
    readonly account_details?: readonly { readonly name?: string; readonly stream_detail?: readonly AssetDetail[] }[];
  };
}
/** One server's reply to `$SYS.REQ.SERVER.PING.HEALTHZ`. */
interface HealthzServerReply {
  readonly server: { readonly name: string };
  readonly data?: { readonly status?: string; readonly error?: string; readonly errors?: readonly { readonly error?: string }[] };
  readonly error?: { readonly description?: string };
}

/**
 * The readiness check for a server version: nats-server 2.11 added
 * `js-meta-only` (JetStream on and in the meta group, streams not waited
 * for); older servers have `js-server-only`, which checks the same. Streams
 * and consumers are checked separately, replica by replica.
 */
export function readinessOptions(version: string | undefined): Record<string, boolean> {
  const [major = 0, minor = 0] = (version ?? "").split(".").map(Number);
  return major > 2 || (major === 2 && minor >= 11) ? { "js-meta-only": true } : { "js-server-only": true };
}

/** A replica that is not caught up, from a group leader's view; undefined when it is. */
function replicaProblem(what: string, cluster: ClusterInfo | undefined, node: string): string | undefined {
  if (!cluster) return undefined;
  if (!cluster.leader) return `${what} has no leader`;
  if (cluster.leader === node) {
    const behind = (cluster.replicas ?? []).filter((r) => !r.current || r.offline || (r.lag ?? 0) > 0);
    return behind.length > 0 ? `${what}: replicas ${behind.map((r) => r.name).join(", ")} not current` : undefined;
  }
  const replica = (cluster.replicas ?? []).find((r) => r.name === node);
  if (!replica) return undefined;
  if (!replica.current || replica.offline) return `${what}: replica on ${node} not current`;
  if ((replica.lag ?? 0) > 0) return `${what}: replica on ${node} ${replica.lag} behind`;
  return undefined;
}

/**
 * Why `node` is not current, from every server's JSZ reply: the meta group
 * and each stream and consumer group that has a replica on it, read from
 * the reply of the group's leader (the only one that knows its followers).
 */
export function jszProblems(replies: readonly JszServerReply[], node: string): string[] {
  const problems: string[] = [];
  if (!replies.some((reply) => reply.server.name === node)) problems.push(`${node} does not answer`);
  const meta = replies.find((reply) => reply.data?.meta_cluster?.leader && reply.server.name === reply.data.meta_cluster.leader);
  if (!meta) problems.push("the meta group has no leader");
  else {
    const problem = replicaProblem("the meta group", meta.data?.meta_cluster, node);
    if (problem) problems.push(problem);
  }
  for (const reply of replies) {
    for (const account of reply.data?.account_details ?? []) {
      for (const stream of account.stream_detail ?? []) {
        if (stream.cluster?.leader === reply.server.name) {
          const problem = replicaProblem(`stream ${stream.name}`, stream.cluster, node);
          if (problem) problems.push(problem);
        }
        for (const consumer of stream.consumer_detail ?? []) {
          if (consumer.cluster?.leader !== reply.server.name) continue;
          const problem = replicaProblem(`consumer ${stream.name} > ${consumer.name}`, consumer.cluster, node);
          if (problem) problems.push(problem);
        }
      }
    }
  }
  return problems;
}

/** The meta group's members as its leader reports them, plus every server that answered. */
export function metaServers(replies: readonly JszServerReply[]): string[] {
  const names = new Set(replies.map((reply) => reply.server.name));
  for (const reply of replies) {
    const meta = reply.data?.meta_cluster;
    if (meta?.leader !== reply.server.name) continue;
    names.add(meta.leader);
    for (const replica of meta.replicas ?? []) names.add(replica.name);
  }
  return [...names].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/** Every stream's group, from the replies of the stream leaders. */
export function streamGroupsOf(replies: readonly JszServerReply[]): StreamGroup[] {
  const groups: StreamGroup[] = [];
  for (const reply of replies) {
    for (const account of reply.data?.account_details ?? []) {
      for (const stream of account.stream_detail ?? []) {
        if (stream.cluster?.leader !== reply.server.name) continue;
        groups.push({
          account: account.name ?? "",
          stream: stream.name,
          members: [stream.cluster.leader, ...(stream.cluster.replicas ?? []).map((r) => r.name)],
        });
      }
    }
  }
  return groups.sort((a, b) => a.stream.localeCompare(b.stream));
}

/** Connection settings for {@link SystemAccountCluster}. */
export interface SystemAccountOptions {
  /**
   * One client URL, or a list of them: with a list the client keeps to those
   * servers and ignores the cluster-internal URLs the servers announce (on a
   * Docker host those names do not resolve; only the published ports answer).
   */
  readonly url: string | readonly string[];
  readonly user: string;
  readonly password: string;
  /** PEM of the CA the servers' client certificates come from, when the client port requires TLS. */
  readonly ca?: string;
  /** How long to collect the servers' replies to one ping. */
  readonly replyWaitMs?: number;
}

/** {@link JetStreamCluster} through the system account: server pings and the JetStream API. */
export class SystemAccountCluster implements JetStreamCluster {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly replyWaitMs: number,
  ) {}

  static async connect(options: SystemAccountOptions): Promise<SystemAccountCluster> {
    // Every node goes down once: the client must follow the cluster, not give up.
    const nc = await connect({
      servers: typeof options.url === "string" ? options.url : [...options.url],
      ignoreClusterUpdates: typeof options.url !== "string",
      user: options.user,
      pass: options.password,
      ...(options.ca ? { tls: { ca: options.ca } } : {}),
      name: "natsmon rollout",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 5000,
    });
    return new SystemAccountCluster(nc, options.replyWaitMs ?? 1500);
  }

  private async ping<T>(subject: string, body: unknown): Promise<T[]> {
    const replies: T[] = [];
    try {
      const iterator = await this.nc.requestMany(subject, JSON.stringify(body), { strategy: "timer", maxWait: this.replyWaitMs });
      for await (const msg of iterator) {
        if (msg.data.length > 0) replies.push(msg.json<T>());
      }
    } catch {
      // Disconnected while a node restarts: no replies this round, asked again.
    }
    return replies;
  }

  private jsz(): Promise<JszServerReply[]> {
    return this.ping<JszServerReply>("$SYS.REQ.SERVER.PING.JSZ", { accounts: true, streams: true, consumer: true, raft: true });
  }

  async metaLeader(): Promise<string | undefined> {
    const replies = await this.jsz();
    return replies.find((reply) => reply.data?.meta_cluster?.leader)?.data?.meta_cluster?.leader;
  }

  async servers(): Promise<string[]> {
    return metaServers(await this.jsz());
  }

  async stepDownMetaLeader(): Promise<void> {
    const reply = await this.nc.request("$JS.API.META.LEADER.STEPDOWN", "", { timeout: 5000 });
    const body = reply.json<{ success?: boolean; error?: { description?: string } }>();
    if (!body.success) throw new Error(`meta leader step-down refused: ${body.error?.description ?? JSON.stringify(body)}`);
  }

  async notCurrent(node: string): Promise<string | undefined> {
    const replies = await this.jsz();
    const own = replies.find((reply) => reply.server.name === node);
    const problems = jszProblems(replies, node);
    if (own) {
      const health = (await this.ping<HealthzServerReply>("$SYS.REQ.SERVER.PING.HEALTHZ", readinessOptions(own.server.ver))).find(
        (reply) => reply.server.name === node,
      );
      if (health?.data?.status !== "ok") {
        problems.unshift(
          `${node} readiness ${JSON.stringify(readinessOptions(own.server.ver))}: ${health?.data?.error ?? health?.error?.description ?? "no answer"}`,
        );
      }
    }
    return problems.length > 0 ? problems.join("; ") : undefined;
  }

  async streamGroups(): Promise<StreamGroup[]> {
    return streamGroupsOf(await this.jsz());
  }

  async moveStreamReplica(group: StreamGroup, node: string): Promise<void> {
    const subject = `$JS.API.ACCOUNT.STREAM.MOVE.${group.account}.${group.stream}`;
    const reply = await this.nc.request(subject, JSON.stringify({ server: node }), { timeout: 5000 });
    const body = reply.json<{ error?: { description?: string } }>();
    if (body.error) throw new Error(`moving stream ${group.stream} off ${node} refused: ${body.error.description ?? JSON.stringify(body)}`);
  }

  async removePeer(node: string): Promise<void> {
    const reply = await this.nc.request("$JS.API.SERVER.REMOVE", JSON.stringify({ peer: node }), { timeout: 5000 });
    const body = reply.json<{ success?: boolean; error?: { description?: string } }>();
    if (!body.success) throw new Error(`peer-remove of ${node} refused: ${body.error?.description ?? JSON.stringify(body)}`);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}
