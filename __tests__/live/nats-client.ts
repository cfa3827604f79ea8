import { type JetStreamClient, type JetStreamManager, jetstream, type StreamState } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { LiveNode } from "./live-plan.js";
import type { PlanReplayer } from "./plan-replayer.js";
import { getJson, sleep, waitFor } from "./wait.js";

/**
 * A client connected through the nodes' published host ports. It must not
 * learn the cluster's internal URLs (nats://live-nats-node2:4222), which
 * the host cannot resolve: hence `ignoreClusterUpdates`.
 */
export function connectToNodes(
  nodes: readonly LiveNode[],
  auth: { user: string; pass: string } | Record<string, never> = {},
): Promise<NatsConnection> {
  return connect({
    servers: nodes.map((node) => node.clientUrl),
    ignoreClusterUpdates: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 200,
    timeout: 5_000,
    ...auth,
  });
}

/** The application user's login, from the plan's outputs, as `terraform output` would show it. */
export async function appLogin(replayer: PlanReplayer): Promise<{ user: string; pass: string }> {
  return { user: await replayer.output("nats_app_user"), pass: await replayer.output("nats_app_password") };
}

/**
 * Publishes one message and retries it, with the same message id, until
 * the stream acknowledges it: during a leader election the publish times
 * out or finds no responders. The message id makes retries idempotent,
 * so a message whose first ack was lost is stored once. Bounded by `withinMs`.
 */
export async function publishUntilAcked(js: JetStreamClient, subject: string, id: string, withinMs = 60_000): Promise<number> {
  const deadline = Date.now() + withinMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const ack = await js.publish(subject, id, { msgID: id, timeout: 1_000 });
      return ack.seq;
    } catch (error) {
      lastError = error;
      await sleep(100);
    }
  }
  throw new Error(`no ack for ${id} within ${withinMs} ms: ${(lastError as Error | undefined)?.message}`);
}

/** Every message of a stream, by sequence, read with an ordered consumer. */
export async function readStream(nc: NatsConnection, stream: string, expected: number): Promise<Map<number, string>> {
  const consumer = await jetstream(nc).consumers.get(stream);
  const bySeq = new Map<number, string>();
  await waitFor(
    `${expected} messages of ${stream}`,
    async () => {
      const batch = await consumer.fetch({ max_messages: 500, expires: 2_000 });
      for await (const msg of batch) bySeq.set(msg.seq, msg.string());
      return bySeq.size >= expected ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 10 },
  );
  return bySeq;
}

/**
 * Client options for tests that lose a host: a host cut off sends no reset,
 * so short pings let the client notice within seconds, and it keeps
 * reconnecting to the nodes it was given (cluster updates ignored).
 */
export const HOST_LOSS_CLIENT_OPTIONS = {
  ignoreClusterUpdates: true,
  maxReconnectAttempts: -1,
  reconnectTimeWait: 200,
  pingInterval: 1_000,
  maxPingOut: 2,
  timeout: 5_000,
} as const;

/**
 * The stream's state once its info agrees with what was acknowledged, or the
 * last state read after `timeoutMs`. Right after a cut-off leader rejoins, it
 * may still answer a stream info request for a moment with its own stale
 * count (seen once: 300 of 700 just after the node was current again); the
 * caller asserts on the returned state, so a count that never reaches
 * `expected` (loss) or passes it (duplicates) still fails.
 */
export async function settledStreamState(
  jsm: JetStreamManager,
  stream: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<StreamState> {
  let last = (await jsm.streams.info(stream)).state;
  for (const deadline = Date.now() + timeoutMs; last.messages !== expected && Date.now() < deadline; ) {
    await sleep(1_000);
    last = (await jsm.streams.info(stream)).state;
  }
  return last;
}

/** What one server's monitoring endpoint says about a stream's copy on that server. */
export async function streamOnServer(node: LiveNode, stream: string): Promise<{ messages: number; last_seq: number } | undefined> {
  const jsz = await getJson(`${node.monitorUrl}/jsz?accounts=true&streams=true`);
  for (const account of jsz.account_details ?? []) {
    const detail = (account.stream_detail ?? []).find((s: { name: string }) => s.name === stream);
    if (detail) return detail.state;
  }
  return undefined;
}
