import { CertRequest } from "@cdktf/provider-tls/lib/cert-request/index.js";
import { LocallySignedCert } from "@cdktf/provider-tls/lib/locally-signed-cert/index.js";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key/index.js";
import { SelfSignedCert } from "@cdktf/provider-tls/lib/self-signed-cert/index.js";
import { Construct } from "constructs";

/** Ten years: the CA outlives many node certificates, and replacing it means new certificates everywhere. */
const CA_VALIDITY_HOURS = 10 * 365 * 24;
/** Two years per node certificate. */
const NODE_VALIDITY_HOURS = 2 * 365 * 24;
/** A `cdktf deploy` within 30 days of a node certificate's expiry issues a new one (and replaces that node). */
const EARLY_RENEWAL_HOURS = 30 * 24;

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A node's certificate and key as Terraform references: never literals in the plan. */
export interface IssuedCertificate {
  /** PEM of the certificate, signed by the stack's CA. */
  readonly certPem: string;
  /** PEM of its private key (sensitive in Terraform; it lives in the state). */
  readonly privateKeyPem: string;
}

/** Props of {@link NatsCertificateAuthority}. */
export interface NatsCertificateAuthorityProps {
  /** The CA certificate's common name, e.g. "nats NATS cluster CA". */
  readonly commonName: string;
}

/**
 * The stack's own certificate authority (hashicorp/tls: an ECDSA P-256 key and
 * a self-signed CA certificate) and the certificates it issues. Keys are made
 * by Terraform and kept in its state, nowhere else: treat the state as a
 * secret. Each certificate is a set of resources of its own, so issuing one
 * for a new node touches no other.
 */
export class NatsCertificateAuthority extends Construct {
  /** PEM of the CA certificate, for `ca_file` on servers and clients. */
  readonly certPem: string;
  private readonly key: PrivateKey;

  constructor(scope: Construct, id: string, props: NatsCertificateAuthorityProps) {
    super(scope, id);
    this.key = new PrivateKey(this, "key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const cert = new SelfSignedCert(this, "cert", {
      privateKeyPem: this.key.privateKeyPem,
      subject: [{ commonName: props.commonName, organization: "nats-jetstream-monitoring" }],
      isCaCertificate: true,
      validityPeriodHours: CA_VALIDITY_HOURS,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    });
    this.certPem = cert.certPem;
  }

  /**
   * Issues a certificate for one server under `scope` (ids `<id>-key`,
   * `<id>-csr`, `<id>-cert`), valid for TLS servers and clients alike, as a
   * route is both. `names` are the host names and IPv4 addresses peers dial.
   */
  issue(scope: Construct, id: string, commonName: string, names: readonly string[]): IssuedCertificate {
    const key = new PrivateKey(scope, `${id}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const dnsNames = names.filter((name) => !IPV4.test(name));
    const ipAddresses = names.filter((name) => IPV4.test(name));
    const request = new CertRequest(scope, `${id}-csr`, {
      privateKeyPem: key.privateKeyPem,
      subject: [{ commonName, organization: "nats-jetstream-monitoring" }],
      dnsNames,
      ipAddresses: ipAddresses.length > 0 ? ipAddresses : undefined,
    });
    const cert = new LocallySignedCert(scope, `${id}-cert`, {
      certRequestPem: request.certRequestPem,
      caPrivateKeyPem: this.key.privateKeyPem,
      caCertPem: this.certPem,
      validityPeriodHours: NODE_VALIDITY_HOURS,
      earlyRenewalHours: EARLY_RENEWAL_HOURS,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
    });
    return { certPem: cert.certPem, privateKeyPem: key.privateKeyPem };
  }
}
