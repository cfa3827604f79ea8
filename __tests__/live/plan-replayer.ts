import { randomInt } from "node:crypto";
import bcrypt from "bcryptjs";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { parseDuration } from "../../constructs/private/units.js";
import { COMPONENTS, LABELS } from "../../contract/index.js";
import type { Plan, PlanResource } from "../helpers/plan.js";
import { LIVE_LABEL, LIVE_LABEL_VALUE } from "./testbed.js";
import { TlsMaterial } from "./tls-material.js";
import { waitFor } from "./wait.js";

/**
 * A test helper that plays a synthesized cdk.tf.json onto a Docker engine:
 * for the containers a test chooses, it creates exactly what the plan says,
 * the way the kreuzwerker/docker provider's create does (3.x): the network
 * and volumes they reference, then each container with its entrypoint,
 * command, env, user, labels, ports, mounts, aliases, healthcheck, memory,
 * log config, init process, stop signal and timeout, security options, capabilities,
 * read-only root filesystem, tmpfs mounts and devices; config files uploaded before start;
 * start; and, with `wait`, a wait for the healthcheck. It reads only the
 * plan, never the constructs, so it tests what `cdktf deploy` would create.
 *
 * It resolves the references Terraform would resolve (`${docker_network.x.name}`,
 * `${docker_volume.x.name}`, `${docker_image.x.image_id}`, `${random_password.x.result}`
 * and `.bcrypt_hash`), maps production images to the testbed's local
 * stand-ins, and refuses any attribute or reference it does not know, so a
 * new plan attribute cannot be silently dropped. Everything it creates
 * carries the label `natsmon.live-test=replayer`; `cleanup()` removes it by
 * that label, and `PlanReplayer.start` clears what an aborted run left (the
 * live test files run one after another, so one label serves them all).
 */
export class PlanReplayer {
  private readonly created = new Map<string, Promise<string>>();
  private readonly passwords = new Map<string, { result: string; bcryptHash: string }>();
  /** tls_* attribute values by `type.id.attribute`, computed once, as Terraform keeps them in its state. */
  private readonly tlsValues = new Map<string, Promise<string>>();
  private readonly tls = new TlsMaterial();
  private readonly containersByName: Map<string, PlanResource>;

  private constructor(
    private readonly docker: Docker,
    private readonly plan: Plan,
    private readonly images: Readonly<Record<string, string>>,
    private readonly engines: Readonly<Record<string, Docker>> = {},
  ) {
    // A multi-host plan may hold one name per host (nats-exporter on each):
    // such a container is `name@host`; a name the plan holds once is also itself.
    const containers = Object.values(plan.resource.docker_container ?? {});
    const count = new Map<string, number>();
    for (const c of containers) count.set(c.name as string, (count.get(c.name as string) ?? 0) + 1);
    this.containersByName = new Map();
    for (const c of containers) {
      const alias = providerAlias(c);
      if (alias !== undefined) this.containersByName.set(`${c.name}@${alias}`, c);
      if (count.get(c.name as string) === 1) this.containersByName.set(c.name as string, c);
    }
  }

  /**
   * The engine a resource of the plan lives on: the test engine mapped to its
   * provider alias (`docker.nats-a` -> engines["nats-a"]), or the default one.
   */
  private engineOf(resource: PlanResource): Docker {
    const alias = providerAlias(resource);
    if (alias === undefined) return this.docker;
    const engine = this.engines[alias];
    if (!engine)
      throw new Error(`no test engine for provider docker.${alias}; the replayer has ${Object.keys(this.engines).join(", ") || "none"}`);
    return engine;
  }

  /**
   * A replayer for `plan`, after removing what an earlier run left behind.
   * `images` maps production image references (`nats:2.14.9-alpine`: that
   * tag only) or repositories (`prom/prometheus`: any tag) to local images.
   * `engines` maps the provider aliases of a multi-host plan to test engines.
   */
  static async start(
    docker: Docker,
    plan: Plan,
    images: Readonly<Record<string, string>>,
    engines: Readonly<Record<string, Docker>> = {},
  ): Promise<PlanReplayer> {
    const replayer = new PlanReplayer(docker, plan, images, engines);
    await replayer.cleanup();
    return replayer;
  }

  /**
   * Creates the named containers (and the networks and volumes they
   * reference) as `terraform apply` would: in waves that respect
   * `depends_on`, the containers of a wave in parallel, each started and,
   * with `wait`, healthy before the next wave. Returns when all are.
   */
  async apply(names: readonly string[]): Promise<void> {
    const pending = names.map((name) => this.containerResource(name));
    const applied = new Set<string>();
    const addressOf = (resource: PlanResource) => `docker_container.${this.logicalId(resource)}`;
    const chosen = new Set(pending.map(addressOf));
    while (pending.length > 0) {
      const wave = pending.filter((resource) =>
        ((resource.depends_on as string[] | undefined) ?? []).every((dep) => !chosen.has(dep) || applied.has(dep)),
      );
      if (wave.length === 0) throw new Error(`depends_on cycle among ${pending.map((r) => r.name).join(", ")}`);
      await Promise.all(wave.map((resource) => this.createAndStart(resource)));
      for (const resource of wave) {
        applied.add(addressOf(resource));
        pending.splice(pending.indexOf(resource), 1);
      }
    }
  }

  /**
   * Replaces a container as Terraform does when its spec changes: stops it
   * with the plan's `destroy_grace_seconds` (so with its stop signal first),
   * removes it, and creates it again from the plan. Volumes stay.
   */
  async replace(name: string): Promise<void> {
    const resource = this.containerResource(name);
    const container = this.engineOf(resource).getContainer(resource.name as string);
    await container.stop({ t: (resource.destroy_grace_seconds as number | undefined) ?? 0 }).catch(ignoreNotModified);
    await container.remove({ force: true, v: true });
    await this.createAndStart(resource);
  }

  /**
   * A replayer of `next`, a later synthesis of the same stack, that carries
   * on where this one stands: the networks and volumes it created and the
   * passwords it generated are taken as existing, as Terraform keeps them in
   * its state when their configuration does not change. Nothing is removed.
   */
  successor(next: Plan): PlanReplayer {
    const replayer = new PlanReplayer(this.docker, next, this.images, this.engines);
    for (const [key, value] of this.created) replayer.created.set(key, value);
    for (const [key, value] of this.passwords) replayer.passwords.set(key, value);
    for (const key of this.unchangedTlsResources(next)) {
      const value = this.tlsValues.get(key);
      if (value) replayer.tlsValues.set(key, value);
    }
    return replayer;
  }

  /**
   * The tls_* resources (`type.id`) that Terraform keeps from this plan to
   * `next`: same definition, and every tls_* resource it refers to kept too.
   * A kept key or certificate keeps its value, as in Terraform's state: a
   * node re-created by a rollout gets a certificate from the same CA.
   */
  private unchangedTlsResources(next: Plan): Set<string> {
    const definitions = (plan: Plan) =>
      new Map(
        Object.entries(plan.resource)
          .filter(([type]) => type.startsWith("tls_"))
          .flatMap(([type, resources]) =>
            Object.entries(resources).map(([id, r]) => [`${type}.${id}` as string, JSON.stringify(r)] as const),
          ),
      );
    const before = definitions(this.plan);
    const after = definitions(next);
    const kept = new Set([...after].filter(([key, text]) => before.get(key) === text).map(([key]) => key));
    // Drop, until nothing changes, those that refer to a resource not kept.
    for (let changed = true; changed; ) {
      changed = false;
      for (const key of kept) {
        const refs = [...(after.get(key) ?? "").matchAll(/\$\{(tls_[a-z_]+\.[\w-]+)\./g)].map((m) => m[1]);
        if (refs.some((ref) => !kept.has(ref))) {
          kept.delete(key);
          changed = true;
        }
      }
    }
    return kept;
  }

  /**
   * Destroys a container as the provider's delete does: a stop with the
   * plan's `destroy_grace_seconds` (the container's stop signal first, so
   * nats-server goes through lame duck mode), then a forced remove. Named
   * volumes stay. Returns how long the stop took, in ms.
   */
  async destroy(name: string): Promise<number> {
    const resource = this.containerResource(name);
    const container = this.engineOf(resource).getContainer(resource.name as string);
    const started = Date.now();
    await container.stop({ t: (resource.destroy_grace_seconds as number | undefined) ?? 0 }).catch(ignoreNotModified);
    const stoppedAfter = Date.now() - started;
    await container.remove({ force: true, v: true });
    return stoppedAfter;
  }

  /** Whether the plan's container of that name is a NATS node (labelled natsmon.component=nats). */
  isNatsNode(name: string): boolean {
    const resource = this.containersByName.get(name);
    return labelMap(resource?.labels)[LABELS.component] === COMPONENTS.nats;
  }

  /**
   * The value of one of the plan's outputs, resolved as `terraform output`
   * would show it, e.g. the system password behind
   * `${random_password.x.result}`.
   */
  async output(name: string): Promise<string> {
    const output = this.plan.output?.[name];
    if (!output || typeof output.value !== "string") throw new Error(`the plan has no string output ${name}`);
    return this.interpolate(output.value);
  }

  /** Removes every container, network and volume the replayer made, in this run or an aborted one. */
  async cleanup(): Promise<void> {
    const filters = JSON.stringify({ label: [`${LIVE_LABEL}=${LIVE_LABEL_VALUE}`] });
    for (const docker of new Set([this.docker, ...Object.values(this.engines)])) {
      const containers = await docker.listContainers({ all: true, filters });
      await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
      const networks = await docker.listNetworks({ filters });
      // An engine may take a moment to release a removed container's endpoint: a few tries, bounded.
      await Promise.all(networks.map((n) => removeNetwork(docker, n.Id)));
      const { Volumes: volumes } = await docker.listVolumes({ filters });
      await Promise.all((volumes ?? []).map((v) => docker.getVolume(v.Name).remove()));
    }
    this.created.clear();
    this.tls.dispose();
  }

  /** The key `containersByName` knows a container resource by: its name, or `name@host` when the name is on several hosts. */
  private nameIn(resource: PlanResource): string {
    const alias = providerAlias(resource);
    return this.containersByName.get(resource.name as string) === resource || alias === undefined
      ? (resource.name as string)
      : `${resource.name}@${alias}`;
  }

  private containerResource(name: string): PlanResource {
    const resource = this.containersByName.get(name);
    if (!resource) throw new Error(`the plan has no container named ${name}; it has ${[...this.containersByName.keys()].join(", ")}`);
    return resource;
  }

  private logicalId(resource: PlanResource): string {
    const entry = Object.entries(this.plan.resource.docker_container ?? {}).find(([, r]) => r === resource);
    if (!entry) throw new Error(`resource ${resource.name} is not a docker_container of the plan`);
    return entry[0];
  }

  private async createAndStart(raw: PlanResource): Promise<void> {
    requireKnownAttributes(`docker_container ${raw.name}`, raw, CONTAINER_ATTRIBUTES);
    const spec = (await this.resolve(raw)) as PlanResource;
    const [firstNetwork, ...otherNetworks] = (spec.networks_advanced as { name: string; aliases?: string[] }[]) ?? [];
    const ports = (spec.ports as { internal: number; external: number; ip: string; protocol: string }[]) ?? [];
    const healthcheck = spec.healthcheck as PlanResource | undefined;
    const capabilities = spec.capabilities as { add?: string[]; drop?: string[] } | undefined;
    const docker = this.engineOf(raw);
    const container = await docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Entrypoint: spec.entrypoint,
      Cmd: spec.command,
      Env: spec.env,
      User: spec.user,
      WorkingDir: spec.working_dir,
      Tty: spec.tty ?? false,
      Labels: { ...labelMap(spec.labels), [LIVE_LABEL]: LIVE_LABEL_VALUE },
      StopSignal: spec.stop_signal,
      StopTimeout: spec.stop_timeout,
      ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.internal}/${p.protocol ?? "tcp"}`, {}])),
      Healthcheck: healthcheck && {
        Test: healthcheck.test,
        Interval: nanoseconds(healthcheck.interval),
        Timeout: nanoseconds(healthcheck.timeout),
        StartPeriod: nanoseconds(healthcheck.start_period),
        Retries: healthcheck.retries,
      },
      HostConfig: {
        RestartPolicy: { Name: spec.restart ?? "no" },
        Init: spec.init ?? false,
        // The provider's memory is in MB.
        Memory: spec.memory === undefined ? undefined : (spec.memory as number) * 1024 * 1024,
        LogConfig: { Type: spec.log_driver ?? "json-file", Config: spec.log_opts ?? {} },
        PortBindings: Object.fromEntries(
          ports.map((p) => [`${p.internal}/${p.protocol ?? "tcp"}`, [{ HostIp: p.ip, HostPort: String(p.external) }]]),
        ),
        Binds: ((spec.volumes as PlanResource[] | undefined) ?? []).map(bindOf),
        NetworkMode: firstNetwork?.name,
        SecurityOpt: spec.security_opts,
        CapAdd: capabilities?.add,
        CapDrop: capabilities?.drop,
        ReadonlyRootfs: spec.read_only ?? false,
        Tmpfs: spec.tmpfs,
        Devices: ((spec.devices as { host_path: string; container_path?: string; permissions?: string }[] | undefined) ?? []).map((d) => ({
          PathOnHost: d.host_path,
          PathInContainer: d.container_path ?? d.host_path,
          CgroupPermissions: d.permissions ?? "rwm",
        })),
      },
      NetworkingConfig: firstNetwork && {
        EndpointsConfig: { [firstNetwork.name]: { Aliases: firstNetwork.aliases } },
      },
    });
    for (const network of otherNetworks) {
      await docker.getNetwork(network.name).connect({ Container: container.id, EndpointConfig: { Aliases: network.aliases } });
    }
    // Uploads go in before the start, as the provider does: a tar entry per
    // file at its absolute path, mode 0644 (0744 when executable), extracted at /.
    for (const upload of (spec.upload as PlanResource[] | undefined) ?? []) {
      requireKnownAttributes(`upload ${upload.file} of ${spec.name}`, upload, UPLOAD_ATTRIBUTES);
      const content = upload.content_base64 === undefined ? (upload.content as string) : Buffer.from(upload.content_base64, "base64");
      await container.putArchive(await tarOf(upload.file, content, upload.executable ? 0o744 : 0o644), { path: "/" });
    }
    await container.start();
    if (spec.wait) await this.waitHealthy(this.nameIn(raw), (spec.wait_timeout as number | undefined) ?? 60);
  }

  /** Polls the container's health, as the provider's `wait` does, for at most `seconds`. */
  async waitHealthy(name: string, seconds: number): Promise<void> {
    await waitFor(
      `${name} to turn healthy`,
      async () => {
        const resource = this.containersByName.get(name);
        const engine = resource ? this.engineOf(resource) : this.docker;
        const { State } = await engine.getContainer((resource?.name as string | undefined) ?? name).inspect();
        if (!State.Running) throw new FatalWait(`${name} is not running (exit code ${State.ExitCode})`);
        if (State.Health?.Status === "unhealthy") {
          const last = State.Health.Log.at(-1);
          throw new FatalWait(`${name} is unhealthy: ${last?.Output ?? "no healthcheck output"}`);
        }
        return State.Health?.Status === "healthy" ? true : undefined;
      },
      { timeoutMs: seconds * 1000, intervalMs: 500, fatal: (error) => error instanceof FatalWait },
    );
  }

  /** Resolves every Terraform reference and escape in a value of the plan. */
  private async resolve(value: unknown): Promise<unknown> {
    if (typeof value === "string") return this.interpolate(value);
    if (Array.isArray(value)) return Promise.all(value.map((item) => this.resolve(item)));
    if (value !== null && typeof value === "object") {
      const entries = await Promise.all(
        Object.entries(value)
          // cdktf metadata, ordering and lifecycle are Terraform's business, not the engine's.
          .filter(([key]) => key !== "//" && key !== "depends_on" && key !== "lifecycle" && key !== "provider")
          .map(async ([key, item]) => [key, await this.resolve(item)] as const),
      );
      return Object.fromEntries(entries);
    }
    return value;
  }

  /** Terraform string templates: `$${` and `%%{` are escapes, `${ref}` a reference. */
  private async interpolate(text: string): Promise<string> {
    const parts: (string | Promise<string>)[] = [];
    let last = 0;
    for (const match of text.matchAll(/\$\$\{|%%\{|%\{|\$\{([^}]*)\}/g)) {
      parts.push(text.slice(last, match.index));
      if (match[0] === "$${") parts.push("${");
      else if (match[0] === "%%{") parts.push("%{");
      else if (match[0] === "%{") throw new Error(`template directives are not supported: ${text}`);
      else parts.push(this.reference(match[1]));
      last = match.index + match[0].length;
    }
    parts.push(text.slice(last));
    return (await Promise.all(parts)).join("");
  }

  private async reference(expression: string): Promise<string> {
    // The one function the plans use: NatsCluster quotes the bcrypt hash with jsonencode.
    const encoded = /^jsonencode\((.+)\)$/.exec(expression.trim());
    if (encoded) return JSON.stringify(await this.reference(encoded[1] as string));
    const match = /^(\w+)\.([\w-]+)\.(\w+)$/.exec(expression.trim());
    if (!match) throw new Error(`unsupported Terraform expression \${${expression}}`);
    const [, type, id, attribute] = match;
    const resource = this.plan.resource[type]?.[id];
    if (!resource) throw new Error(`\${${expression}} refers to a resource the plan does not have`);
    switch (`${type}.${attribute}`) {
      case "docker_network.name":
        return this.once(`${type}.${id}`, () => this.createNetwork(resource));
      case "docker_volume.name":
        return this.once(`${type}.${id}`, () => this.createVolume(resource));
      case "docker_image.image_id":
        return this.once(`${type}.${id}`, () => this.localImageId(resource));
      case "random_password.result":
        return this.randomPassword(id, resource).result;
      case "random_password.bcrypt_hash":
        return this.randomPassword(id, resource).bcryptHash;
      case "tls_private_key.private_key_pem":
      case "tls_self_signed_cert.cert_pem":
      case "tls_cert_request.cert_request_pem":
      case "tls_locally_signed_cert.cert_pem":
        return this.tlsValue(type, id, resource);
      default:
        throw new Error(`unsupported reference \${${expression}}`);
    }
  }

  /** A tls_* resource's one computed attribute, made with openssl from its resolved attributes. */
  private tlsValue(type: string, id: string, resource: PlanResource): Promise<string> {
    const key = `${type}.${id}`;
    let value = this.tlsValues.get(key);
    if (!value) {
      value = (async () => {
        const spec = (await this.resolve(resource)) as PlanResource;
        switch (type) {
          case "tls_private_key":
            return this.tls.privateKey(spec);
          case "tls_self_signed_cert":
            return this.tls.selfSignedCert(spec);
          case "tls_cert_request":
            return this.tls.certRequest(spec);
          default: {
            // The request's names go into the certificate, as hashicorp/tls copies them.
            const requestId = /^\$\{tls_cert_request\.([\w-]+)\.cert_request_pem\}$/.exec(resource.cert_request_pem as string)?.[1];
            const request = requestId ? this.plan.resource.tls_cert_request?.[requestId] : undefined;
            if (!request) throw new Error(`${key}: cert_request_pem must refer to a tls_cert_request of the plan`);
            return this.tls.locallySignedCert(spec, request);
          }
        }
      })();
      this.tlsValues.set(key, value);
    }
    return value;
  }

  private once(key: string, create: () => Promise<string>): Promise<string> {
    let created = this.created.get(key);
    if (!created) {
      created = create();
      this.created.set(key, created);
    }
    return created;
  }

  private async createNetwork(raw: PlanResource): Promise<string> {
    requireKnownAttributes(`docker_network ${raw.name}`, raw, NETWORK_ATTRIBUTES);
    const spec = (await this.resolve(raw)) as PlanResource;
    await this.engineOf(raw).createNetwork({
      Name: spec.name,
      Driver: spec.driver ?? "bridge",
      Internal: spec.internal ?? false,
      Attachable: spec.attachable ?? false,
      CheckDuplicate: true,
      Labels: { ...labelMap(spec.labels), [LIVE_LABEL]: LIVE_LABEL_VALUE },
    });
    return spec.name as string;
  }

  private async createVolume(raw: PlanResource): Promise<string> {
    requireKnownAttributes(`docker_volume ${raw.name}`, raw, VOLUME_ATTRIBUTES);
    const spec = (await this.resolve(raw)) as PlanResource;
    // The engine would hand back an existing volume of that name, with
    // someone else's data in it: refuse instead.
    const docker = this.engineOf(raw);
    const existing = await docker
      .getVolume(spec.name)
      .inspect()
      .catch(() => undefined);
    if (existing)
      throw new Error(`volume ${spec.name} already exists and was not made by the replayer; remove it or change the namePrefix`);
    await docker.createVolume({
      Name: spec.name,
      Driver: spec.driver ?? "local",
      DriverOpts: spec.driver_opts ?? {},
      Labels: { ...labelMap(spec.labels), [LIVE_LABEL]: LIVE_LABEL_VALUE },
    });
    return spec.name as string;
  }

  /** Terraform's image_id is the local image's id; here, the id of the testbed's stand-in. */
  private async localImageId(resource: PlanResource): Promise<string> {
    const reference = resource.name as string;
    const repository = reference.replace(/@.*$/, "").replace(/:[^/:]+$/, "");
    // An exact reference (a pinned version built from source) wins over a
    // whole repository (a stand-in for any tag).
    const local = this.images[reference] ?? this.images[repository];
    if (!local) {
      throw new Error(
        `no local stand-in for ${reference}: the testbed builds ${Object.keys(this.images).join(", ")}; replay only their containers`,
      );
    }
    try {
      return (await this.engineOf(resource).getImage(local).inspect()).Id;
    } catch {
      throw new Error(`image ${local} (stand-in for ${reference}) is missing: run \`npm run testbed\``);
    }
  }

  /** A value and its bcrypt hash, like hashicorp/random's (bcrypt cost 10, `$2a$`). */
  private randomPassword(id: string, resource: PlanResource): { result: string; bcryptHash: string } {
    let password = this.passwords.get(id);
    if (!password) {
      requireKnownAttributes(`random_password ${id}`, resource, PASSWORD_ATTRIBUTES);
      const alphabet =
        (resource.upper === false ? "" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ") +
        (resource.lower === false ? "" : "abcdefghijklmnopqrstuvwxyz") +
        (resource.numeric === false ? "" : "0123456789") +
        (resource.special === false ? "" : ((resource.override_special as string | undefined) ?? "!@#$%&*()-_=+[]{}<>:?"));
      const result = Array.from({ length: resource.length as number }, () => alphabet[randomInt(alphabet.length)]).join("");
      const salt = bcrypt.genSaltSync(10).replace(/^\$2b\$/, "$2a$");
      password = { result, bcryptHash: bcrypt.hashSync(result, salt) };
      this.passwords.set(id, password);
    }
    return password;
  }
}

/** An error that ends a wait at once instead of being retried. */
class FatalWait extends Error {}

// Attributes the replayer knows how to create. Anything else in the plan is
// an error: a new attribute must be replayed (or consciously listed here).
const CONTAINER_ATTRIBUTES = new Set([
  "name",
  "image",
  "entrypoint",
  "command",
  "env",
  "user",
  "working_dir",
  "restart",
  "tty",
  "memory",
  "log_driver",
  "log_opts",
  "stop_signal",
  "stop_timeout",
  "destroy_grace_seconds",
  "wait",
  "wait_timeout",
  "init",
  "healthcheck",
  "networks_advanced",
  "ports",
  "volumes",
  "upload",
  "labels",
  "security_opts",
  "capabilities",
  "read_only",
  "tmpfs",
  "devices",
]);
const UPLOAD_ATTRIBUTES = new Set(["file", "content", "content_base64", "executable"]);
const NETWORK_ATTRIBUTES = new Set(["name", "driver", "internal", "attachable", "labels"]);
const VOLUME_ATTRIBUTES = new Set(["name", "driver", "driver_opts", "labels"]);
const PASSWORD_ATTRIBUTES = new Set(["length", "special", "upper", "lower", "numeric", "override_special"]);

/** Terraform's own keys, which create nothing on the engine (`provider` picks the engine; see engineOf). */
const TERRAFORM_KEYS = new Set(["//", "depends_on", "lifecycle", "provider"]);

/** Removes a network, retrying (at most 10 times, 0.5 s apart) while the engine still reports active endpoints. */
async function removeNetwork(docker: Docker, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await docker.getNetwork(id).remove();
      return;
    } catch (error) {
      if (attempt >= 10 || !/active endpoints/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** The alias of a resource's docker provider (`docker.nats-a` -> "nats-a"), undefined for the default provider. */
function providerAlias(resource: PlanResource): string | undefined {
  const provider = resource.provider as string | undefined;
  return provider === undefined ? undefined : provider.replace(/^docker\./, "");
}

function requireKnownAttributes(what: string, spec: PlanResource, known: ReadonlySet<string>): void {
  const unknown = Object.keys(spec).filter((key) => !known.has(key) && !TERRAFORM_KEYS.has(key));
  if (unknown.length > 0) throw new Error(`the replayer cannot create ${what}: unsupported attributes ${unknown.join(", ")}`);
}

function labelMap(labels: unknown): Record<string, string> {
  return Object.fromEntries(((labels as { label: string; value: string }[] | undefined) ?? []).map((l) => [l.label, l.value]));
}

function bindOf(volume: PlanResource): string {
  const source = volume.volume_name ?? volume.host_path;
  if (!source || volume.from_container) throw new Error(`unsupported volume mount ${JSON.stringify(volume)}`);
  return `${source}:${volume.container_path}${volume.read_only ? ":ro" : ""}`;
}

function nanoseconds(duration: unknown): number | undefined {
  if (duration === undefined) return undefined;
  const seconds = parseDuration(duration as string);
  if (seconds === undefined) throw new Error(`unsupported duration ${String(duration)}`);
  return seconds * 1e9;
}

function tarOf(path: string, content: string | Buffer, mode: number): Promise<Buffer> {
  const archive = pack();
  archive.entry({ name: path, mode }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    archive.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
    archive.on("end", () => resolve(Buffer.concat(chunks)));
    archive.on("error", reject);
  });
}

/** `docker stop` on a stopped container answers 304; that is fine here. */
function ignoreNotModified(error: { statusCode?: number }): void {
  if (error.statusCode !== 304) throw error;
}
