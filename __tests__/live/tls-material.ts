import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PlanResource } from "../helpers/plan.js";

/**
 * What hashicorp/tls would compute for the plan's tls_* resources, made with
 * the `openssl` CLI for the plan replayer: keys (ECDSA or RSA), a
 * self-signed CA certificate, certificate requests and locally signed
 * certificates with the plan's subject, names, validity and uses. The
 * replayer hands each resource its attributes already resolved.
 */
export class TlsMaterial {
  /** A scratch folder for keys and requests, made on first use. */
  private dir: string | undefined;
  private counter = 0;

  /** tls_private_key: `private_key_pem` (PKCS#8 for ECDSA, PKCS#1 for RSA, as the provider writes them). */
  privateKey(resource: PlanResource): string {
    requireKnown("tls_private_key", resource, ["algorithm", "ecdsa_curve", "rsa_bits"]);
    const out = this.file("key.pem");
    if (resource.algorithm === "ECDSA") {
      const curve = { P224: "secp224r1", P256: "prime256v1", P384: "secp384r1", P521: "secp521r1" }[
        (resource.ecdsa_curve as string | undefined) ?? "P224"
      ];
      if (!curve) throw new Error(`unsupported ECDSA curve ${resource.ecdsa_curve}`);
      this.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`, "-out", out]);
    } else if (resource.algorithm === "RSA") {
      this.openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${resource.rsa_bits ?? 2048}`, "-out", out]);
    } else {
      throw new Error(`unsupported key algorithm ${resource.algorithm}`);
    }
    return readFileSync(out, "utf8");
  }

  /** tls_self_signed_cert: `cert_pem`. */
  selfSignedCert(resource: PlanResource): string {
    requireKnown("tls_self_signed_cert", resource, [
      "private_key_pem",
      "subject",
      "validity_period_hours",
      "is_ca_certificate",
      "allowed_uses",
      "early_renewal_hours",
      "dns_names",
      "ip_addresses",
    ]);
    const key = this.write("ca-key.pem", resource.private_key_pem);
    // The extensions go in through the config file's x509_extensions section.
    const config = this.write(
      "ca.cnf",
      ["[req]", "distinguished_name=dn", "x509_extensions=v3", "[dn]", "[v3]", ...extensions(resource)].join("\n"),
    );
    const out = this.file("ca.pem");
    this.openssl([
      "req",
      "-x509",
      "-new",
      "-key",
      key,
      "-subj",
      subjectOf(resource),
      "-days",
      String(days(resource)),
      "-config",
      config,
      "-out",
      out,
    ]);
    return readFileSync(out, "utf8");
  }

  /** tls_cert_request: `cert_request_pem`. */
  certRequest(resource: PlanResource): string {
    requireKnown("tls_cert_request", resource, ["private_key_pem", "subject", "dns_names", "ip_addresses"]);
    const key = this.write("csr-key.pem", resource.private_key_pem);
    const out = this.file("req.csr");
    this.openssl(["req", "-new", "-key", key, "-subj", subjectOf(resource), "-out", out]);
    return readFileSync(out, "utf8");
  }

  /**
   * tls_locally_signed_cert: `cert_pem`. Names come from the request's
   * resource (hashicorp/tls copies them from the request into the certificate).
   */
  locallySignedCert(resource: PlanResource, request: PlanResource): string {
    requireKnown("tls_locally_signed_cert", resource, [
      "cert_request_pem",
      "ca_private_key_pem",
      "ca_cert_pem",
      "validity_period_hours",
      "allowed_uses",
      "early_renewal_hours",
      "is_ca_certificate",
    ]);
    const csr = this.write("node.csr", resource.cert_request_pem);
    const caKey = this.write("signing-key.pem", resource.ca_private_key_pem);
    const caCert = this.write("signing-ca.pem", resource.ca_cert_pem);
    const ext = this.write(
      "node.ext",
      extensions({ ...resource, dns_names: request.dns_names, ip_addresses: request.ip_addresses }).join("\n"),
    );
    const out = this.file("node.pem");
    this.openssl([
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      caCert,
      "-CAkey",
      caKey,
      "-set_serial",
      `0x${Date.now().toString(16)}${(this.counter++).toString(16)}`,
      "-days",
      String(days(resource)),
      "-extfile",
      ext,
      "-out",
      out,
    ]);
    return readFileSync(out, "utf8");
  }

  /** Removes the scratch folder. */
  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private file(name: string): string {
    this.dir ??= mkdtempSync(join(tmpdir(), "natsmon-replayer-tls-"));
    return join(this.dir, `${this.counter++}-${name}`);
  }

  private write(name: string, content: unknown): string {
    const path = this.file(name);
    writeFileSync(path, String(content), { mode: 0o600 });
    return path;
  }

  private openssl(args: string[]): void {
    try {
      execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      throw new Error(`openssl ${args[0]} failed: ${stderr || (error as Error).message}`);
    }
  }
}

function requireKnown(type: string, resource: PlanResource, known: readonly string[]): void {
  const unknown = Object.keys(resource).filter(
    (key) => !known.includes(key) && key !== "//" && key !== "depends_on" && key !== "lifecycle",
  );
  if (unknown.length > 0) throw new Error(`the replayer cannot create ${type}: unsupported attributes ${unknown.join(", ")}`);
}

function subjectOf(resource: PlanResource): string {
  const [subject] = (resource.subject as Record<string, string>[] | undefined) ?? [{}];
  const parts: string[] = [];
  if (subject.organization) parts.push(`O=${subject.organization}`);
  if (subject.common_name) parts.push(`CN=${subject.common_name}`);
  return `/${parts.join("/")}`;
}

function days(resource: PlanResource): number {
  return Math.max(1, Math.floor((resource.validity_period_hours as number) / 24));
}

/** X.509 extensions for the plan's CA flag, uses and names, in openssl's extension-file syntax. */
function extensions(resource: PlanResource): string[] {
  const uses = (resource.allowed_uses as string[] | undefined) ?? [];
  const keyUsage = uses
    .map(
      (use) =>
        ({
          cert_signing: "keyCertSign",
          crl_signing: "cRLSign",
          digital_signature: "digitalSignature",
          key_encipherment: "keyEncipherment",
        })[use],
    )
    .filter(Boolean);
  const extendedKeyUsage = uses.map((use) => ({ server_auth: "serverAuth", client_auth: "clientAuth" })[use]).filter(Boolean);
  const names = [
    ...((resource.dns_names as string[] | undefined) ?? []).map((name) => `DNS:${name}`),
    ...((resource.ip_addresses as string[] | undefined) ?? []).map((ip) => `IP:${ip}`),
  ];
  const lines = [`basicConstraints=critical,CA:${resource.is_ca_certificate ? "TRUE" : "FALSE"}`];
  if (keyUsage.length > 0) lines.push(`keyUsage=critical,${keyUsage.join(",")}`);
  if (extendedKeyUsage.length > 0) lines.push(`extendedKeyUsage=${extendedKeyUsage.join(",")}`);
  if (names.length > 0) lines.push(`subjectAltName=${names.join(",")}`);
  return lines;
}
