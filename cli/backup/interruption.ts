import { NatsmonError } from "../natsmon-error.js";

/** Exit status after Ctrl-C or SIGTERM, as shells report a death by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

/** Thrown where an interrupted backup or restore stops going forward. */
export class InterruptedError extends NatsmonError {
  constructor(readonly signalName: string) {
    super(`interrupted by ${signalName}`, undefined);
    this.name = "InterruptedError";
  }
}

/**
 * Ctrl-C and SIGTERM during a backup or restore. They do not end the
 * process at once: they abort {@link signal}, so the work in progress stops
 * going forward (streams are cut, waits end) and unwinds through its
 * `finally` blocks, which start every container it stopped, put the
 * volume's previous contents back and remove the helper containers. A
 * second signal only says that this is still going on; the cleanup itself
 * is bounded by the containers' stop and health timeouts.
 */
export class Interruption {
  private readonly controller = new AbortController();
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  /** Aborted by the first SIGINT or SIGTERM, with an {@link InterruptedError} as reason. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Listens for SIGINT and SIGTERM until {@link uninstall}; `say` tells the user what happens. */
  install(say: (message: string) => void): this {
    for (const name of ["SIGINT", "SIGTERM"] as const) {
      const handler = () => {
        if (this.controller.signal.aborted) {
          say(`${name} again: still putting things back (starting stopped containers, removing helpers); wait for it`);
          return;
        }
        say(`${name}: stopping; starting every container natsmon stopped and putting the volumes back as they were`);
        this.controller.abort(new InterruptedError(name));
      };
      this.handlers.set(name, handler);
      process.on(name, handler);
    }
    return this;
  }

  uninstall(): void {
    for (const [name, handler] of this.handlers) process.off(name, handler);
    this.handlers.clear();
  }

  /** Throws the {@link InterruptedError} once a signal came. */
  check(): void {
    this.controller.signal.throwIfAborted();
  }
}
