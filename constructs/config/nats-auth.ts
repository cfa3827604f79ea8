import { EnvReference, type NatsConfBlock } from "../private/nats-conf-format.js";

/** The account nats-server reserves for its own events and monitoring. */
export const SYSTEM_ACCOUNT = "SYS";

/** The account the applications' streams live in when anonymous access is off. */
export const APP_ACCOUNT = "APP";

/**
 * The environment variable that carries the bcrypt hash of the system user's
 * password, as a quoted string: the file holds no secret, and the server
 * never sees the plaintext.
 */
export const SYSTEM_PASSWORD_ENV = "NATS_SYSTEM_PASSWORD_BCRYPT";

/** The same for the application user's password. */
export const APP_PASSWORD_ENV = "NATS_APP_PASSWORD_BCRYPT";

/** Who may log in to the servers. */
export interface NatsAuthInput {
  /** The system-account user that Surveyor and operators log in with. */
  readonly systemUser: string;
  /**
   * The application account's user. Undefined restores the guide's
   * anonymous access: only the system account has users, so clients without
   * credentials land in the global account, where JetStream is enabled.
   */
  readonly appUser?: string;
}

/**
 * The `accounts` and `system_account` members of nats-server.conf. With an
 * application user, every user belongs to an account and there is no
 * `no_auth_user`: a client without credentials is refused. Passwords are
 * bcrypt hashes read from the environment ({@link SYSTEM_PASSWORD_ENV},
 * {@link APP_PASSWORD_ENV}).
 */
export function renderNatsAuth(input: NatsAuthInput): NatsConfBlock {
  const system = { users: [{ user: input.systemUser, password: new EnvReference(SYSTEM_PASSWORD_ENV) }] };
  return {
    accounts:
      input.appUser === undefined
        ? { [SYSTEM_ACCOUNT]: system }
        : {
            [APP_ACCOUNT]: { jetstream: "enabled", users: [{ user: input.appUser, password: new EnvReference(APP_PASSWORD_ENV) }] },
            [SYSTEM_ACCOUNT]: system,
          },
    system_account: SYSTEM_ACCOUNT,
  };
}
