import { Password } from "@cdktf/provider-random/lib/password/index.js";
import { Fn } from "cdktf";
import type { Construct } from "constructs";
import { NATS_TLS_FILES, ROUTE_PASSWORD_ENV, type RouteSecurityInput } from "../config/nats-tls-conf.js";
import type { UploadedFile } from "../docker-service.js";
import { NatsCertificateAuthority } from "../nats-tls.js";
import { propError } from "./validation.js";

/** The user every route of the cluster logs in as. */
export const ROUTE_USER = "route";

const HOST_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** What NatsCluster decided about TLS, validated. */
export interface ClusterTlsSettings {
  readonly clusterName: string;
  readonly nodeNames: readonly string[];
  /** Mutual TLS and a route user on the cluster port. */
  readonly routes: boolean;
  /** Names every node's certificate holds besides its own, e.g. "localhost" and the host address clients dial. */
  readonly commonNames: readonly string[];
  /** More names per node, by node (container) name: the host addresses peers on other hosts dial. */
  readonly extraNames: Readonly<Record<string, readonly string[]>>;
}

/** One node's TLS: its files, its environment, and the route security for its config. */
export interface NodeTls {
  readonly files: UploadedFile[];
  readonly env: Record<string, string>;
  readonly routeSecurity?: RouteSecurityInput;
}

/**
 * The cluster's CA, one certificate per node, and the route password, as
 * Terraform resources. A node's certificate holds its own names only, so
 * adding node 4 leaves nodes 1-3, their certificates and containers alone.
 */
export class ClusterTls {
  /** PEM of the CA certificate (a Terraform reference). */
  readonly caCertPem: string;
  private readonly ca: NatsCertificateAuthority;
  private readonly routeSecurity?: RouteSecurityInput;
  private readonly routePasswordValue?: string;

  constructor(
    private readonly scope: Construct,
    private readonly settings: ClusterTlsSettings,
  ) {
    for (const [node, names] of Object.entries(settings.extraNames)) {
      if (!settings.nodeNames.includes(node)) {
        throw propError(scope, "tlsNames", node, `must be keyed by node names (${settings.nodeNames.join(", ")})`, "use a container name");
      }
      for (const name of names) {
        if (!HOST_NAME.test(name) && !IPV4.test(name)) {
          throw propError(
            scope,
            `tlsNames.${node}`,
            name,
            "must hold host names or IPv4 addresses",
            'write it like "nats1.example.com" or "10.0.0.11"',
          );
        }
      }
    }
    this.ca = new NatsCertificateAuthority(scope, "ca", { commonName: `${settings.clusterName} NATS cluster CA` });
    this.caCertPem = this.ca.certPem;
    if (settings.routes) {
      const password = new Password(scope, "RoutePassword", { length: 32, special: false });
      this.routeSecurity = { user: ROUTE_USER, password: password.result };
      // Plain text, quoted so that nats-server reads a string: gossiped routes log in
      // with it (see ROUTE_PASSWORD_ENV). jsonencode adds the quotes in Terraform.
      this.routePasswordValue = Fn.jsonencode(password.result);
    }
  }

  /** Issues node `index`'s certificate (resources `node<k>-tls-*`) and returns what its container needs. */
  forNode(index: number): NodeTls {
    const name = this.settings.nodeNames[index];
    const names = [...new Set([name, ...this.settings.commonNames, ...(this.settings.extraNames[name] ?? [])])];
    const cert = this.ca.issue(this.scope, `node${index + 1}-tls`, name, names);
    return {
      files: [
        { path: NATS_TLS_FILES.ca, content: this.caCertPem },
        { path: NATS_TLS_FILES.cert, content: cert.certPem },
        { path: NATS_TLS_FILES.key, content: cert.privateKeyPem },
      ],
      env: this.routePasswordValue === undefined ? {} : { [ROUTE_PASSWORD_ENV]: this.routePasswordValue },
      routeSecurity: this.routeSecurity,
    };
  }
}
