import type { JetStreamClient } from "@nats-io/jetstream";
import { publishUntilAcked } from "./nats-client.js";
import { sleep } from "./wait.js";

/**
 * A bounded, steady publisher to one stream: one message at a time, each
 * retried with the same message id until the stream acknowledges it (so a
 * retry whose first ack was lost is stored once), a pause between two. It
 * records every acknowledged sequence with its payload and the longest time
 * between two successive acknowledgements: what a client saw of an outage.
 */
export class SteadyPublisher {
  /** Acknowledged sequence -> payload. */
  readonly acked = new Map<number, string>();
  /** Publishes given up after `retryWithinMs` with no ack: not acknowledged, so not counted as lost. */
  unacked = 0;
  /** The longest gap between two successive acknowledgements, in ms. */
  maxGapMs = 0;
  /** When the longest gap ended (ms since the epoch): to tell which step of a rollout it fell in. */
  maxGapEndedAt = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  /**
   * Starts publishing to `subject` at once. Bounded: at most `maxMessages`
   * publishes, and `stop()` ends it.
   */
  constructor(
    private readonly js: JetStreamClient,
    private readonly subject: string,
    private readonly prefix: string,
    private readonly options: { readonly maxMessages: number; readonly paceMs: number; readonly retryWithinMs: number },
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let lastAck: number | undefined;
    for (let i = 0; i < this.options.maxMessages && !this.stopped; i++) {
      const id = `${this.prefix}-${i}`;
      try {
        const seq = await publishUntilAcked(this.js, this.subject, id, this.options.retryWithinMs);
        const now = Date.now();
        if (lastAck !== undefined && now - lastAck > this.maxGapMs) {
          this.maxGapMs = now - lastAck;
          this.maxGapEndedAt = now;
        }
        lastAck = now;
        this.acked.set(seq, id);
      } catch {
        this.unacked++;
      }
      await sleep(this.options.paceMs);
    }
  }

  /** Stops after the publish in flight and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
