import type { TerraformVariable } from "cdktf";

/**
 * One Docker host of a stack spread over several machines: how Terraform's
 * docker provider reaches its engine, and the address other hosts reach it on.
 */
export interface DockerHostSettings {
  /**
   * The engine's address: `ssh://USER@HOST` (the provider runs `docker
   * system dial-stdio` over SSH), `tcp://HOST:2376` with TLS material
   * (`certPath` or the three material variables), or `unix://PATH` for an
   * engine on the machine that runs Terraform (a test engine, say).
   */
  readonly dockerHost: string;
  /**
   * The IPv4 address other hosts reach this one on: its NATS nodes publish
   * and advertise their client and cluster ports there, its certificates
   * name it, and on the monitoring host Loki and the exporters are reached on it.
   */
  readonly address: string;
  /** For tcp://: a folder on the machine running Terraform with ca.pem, cert.pem and key.pem (the provider's `cert_path`). @default none */
  readonly certPath?: string;
  /** For tcp://: a sensitive Terraform variable (its name, or the variable) holding the CA certificate's PEM. @default none */
  readonly caMaterialVariable?: string | TerraformVariable;
  /** For tcp://: a sensitive Terraform variable holding the client certificate's PEM. @default none */
  readonly certMaterialVariable?: string | TerraformVariable;
  /** For tcp://: a sensitive Terraform variable holding the client key's PEM. @default none */
  readonly keyMaterialVariable?: string | TerraformVariable;
  /** Extra `ssh` options for ssh://, e.g. `["-o", "StrictHostKeyChecking=yes"]`. @default none */
  readonly sshOpts?: string[];
  /**
   * Whether round-robin placement puts NATS nodes on this host; false keeps
   * it for monitoring only (explicit `natsPlacement` ignores this).
   * @default true
   */
  readonly nats?: boolean;
}
