import { EnvReference, type NatsConfBlock } from "../private/nats-conf-format.js";

/** Where a node's TLS files are uploaded. */
export const NATS_TLS_FILES = {
  /** The stack CA's certificate: peers' and clients' certificates are checked against it. */
  ca: "/etc/nats/tls/ca.pem",
  /** This node's certificate, for routes (as server and as client) and, when on, for clients. */
  cert: "/etc/nats/tls/server.pem",
  /** Its private key. */
  key: "/etc/nats/tls/server-key.pem",
} as const;

/**
 * The environment variable with the route password, quoted. In plain text,
 * unlike the users' passwords: a route that a server learns by gossip (to a
 * node that is not a seed) logs in with the server's own configured route
 * password, so a bcrypt hash there would be sent as the password and refused
 * (seen with nats-server 2.9: a fifth node never routes to the fourth).
 */
export const ROUTE_PASSWORD_ENV = "NATS_ROUTE_PASSWORD";

/** Seconds a TLS handshake may take (nats-server's default, 0.5 s, is tight for a busy host). */
const TLS_TIMEOUT_SECONDS = 2;

/** Route security: mutual TLS against the stack's CA, and a route user. */
export interface RouteSecurityInput {
  /** The user every route logs in as. */
  readonly user: string;
  /**
   * Its plaintext password (a Terraform reference), which goes into the seed
   * route URLs: nats-server dials a configured route with the URL's
   * credentials only, and a gossiped one with {@link ROUTE_PASSWORD_ENV}.
   */
  readonly password: string;
}

/** The `tls` block that verifies the peer: a node accepts only routes whose certificate the stack's CA signed. */
export function mutualTlsBlock(): NatsConfBlock {
  return {
    cert_file: NATS_TLS_FILES.cert,
    key_file: NATS_TLS_FILES.key,
    ca_file: NATS_TLS_FILES.ca,
    verify: true,
    timeout: TLS_TIMEOUT_SECONDS,
  };
}

/** The top-level `tls` block for clients: encrypted, the server proven by the CA; clients need no certificate. */
export function clientTlsBlock(): NatsConfBlock {
  return { cert_file: NATS_TLS_FILES.cert, key_file: NATS_TLS_FILES.key, ca_file: NATS_TLS_FILES.ca, timeout: TLS_TIMEOUT_SECONDS };
}

/** The route authorization that servers check incoming routes against. */
export function routeAuthorizationBlock(input: RouteSecurityInput): NatsConfBlock {
  return { user: input.user, password: new EnvReference(ROUTE_PASSWORD_ENV) };
}

/** A seed route URL, with the route credentials when routes are secured; without `port`, `host` is already `address:port`. */
export function routeUrl(host: string, port: number | undefined, security?: RouteSecurityInput): string {
  const target = port === undefined ? host : `${host}:${port}`;
  return security ? `nats-route://${security.user}:${security.password}@${target}` : `nats-route://${target}`;
}
