/**
 * An error the user can act on: natsmon prints its message and fix, never a
 * stack trace, and exits with status 2.
 */
export class NatsmonError extends Error {
  constructor(
    message: string,
    /** What to do about it. */
    readonly fix?: string,
  ) {
    super(message);
    this.name = "NatsmonError";
  }
}
