/**
 * Rewrites a synthesized cdk.tf.json into a configuration that real
 * Terraform plans and applies offline: every docker_*, random_* and tls_* resource
 * becomes the built-in `terraform_data` resource, which needs no provider.
 *
 * The emulation keeps what decides a plan's shape:
 * - the provider's replace-forcing (ForceNew) attributes go into
 *   `triggers_replace`, so a change to one of them plans a replacement;
 * - the attributes the provider updates in place go into `input`, so a change
 *   to one of them plans an update;
 * - `depends_on`, `lifecycle` (prevent_destroy, create_before_destroy),
 *   `removed` and `moved` blocks, with addresses rewritten;
 * - references between resources, rewritten to an attribute of the emulated
 *   resource that carries a value with the same stability (see
 *   {@link rewriteReferences}).
 *
 * What it cannot show: anything the provider decides at apply time (a
 * healthcheck that never turns healthy, an image that cannot be pulled), and
 * drift on the engine (tests run with -refresh=false).
 */

/**
 * Attributes that the provider updates in place, per resource type; every
 * other configurable attribute forces replacement. Read from the
 * kreuzwerker/docker provider's schema (internal/provider/resource_docker_*.go,
 * the 3.6.x line that @cdktf/provider-docker 12.0.3 binds: an attribute
 * without `ForceNew: true` is updated in place), hashicorp/random 3.7
 * (every random_password argument is RequiresReplace) and hashicorp/tls 4.x
 * (internal/provider/resource_*.go: every argument is RequiresReplace except
 * the certificates' `early_renewal_hours`).
 *
 * docker_container: of these, only restart, memory, memory_swap, cpu_shares,
 * cpu_set (and cpu_period/cpu_quota) reach the engine (`docker update`); the
 * rest are provider-side flags (wait, must_run, ...). healthcheck is planned
 * as an update and then ignored by the 3.x provider, which is why
 * DockerService puts a hash of the whole spec into a (replace-forcing) label.
 */
export const IN_PLACE_ATTRIBUTES: Readonly<Record<string, ReadonlySet<string>>> = {
  docker_container: new Set([
    "rm",
    "start",
    "wait",
    "wait_timeout",
    "attach",
    "logs",
    "must_run",
    "restart",
    "max_retry_count",
    "remove_volumes",
    "tmpfs",
    "destroy_grace_seconds",
    "memory",
    "memory_swap",
    "cpu_shares",
    "cpu_set",
    "cpu_period",
    "cpu_quota",
    "healthcheck",
    "container_read_refresh_timeout_milliseconds",
    "init",
  ]),
  docker_image: new Set(["keep_locally", "force_remove"]),
  docker_volume: new Set(),
  docker_network: new Set(),
  random_password: new Set(),
  tls_private_key: new Set(),
  tls_cert_request: new Set(),
  tls_self_signed_cert: new Set(["early_renewal_hours"]),
  tls_locally_signed_cert: new Set(["early_renewal_hours"]),
};

/** Resource types the emulation rewrites: those of the providers that cannot be downloaded here. */
const EMULATED_TYPE = /^(docker|random|tls)_/;

/** Meta-arguments, handled by the emulation rather than sorted into triggers or input. */
const META_ARGUMENTS = new Set(["//", "depends_on", "lifecycle", "provider", "count", "for_each", "provisioner", "connection"]);

/** Lifecycle settings that carry over unchanged; others name provider attributes and cannot. */
const KEPT_LIFECYCLE = new Set(["prevent_destroy", "create_before_destroy"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A synthesized cdk.tf.json, as far as the emulation reads it. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, JsonObject>>;
  readonly output?: Record<string, JsonObject>;
  readonly removed?: JsonObject[];
  readonly moved?: JsonObject[];
  readonly [key: string]: unknown;
}

const SEPARATOR = "__";

/** The emulated address of a resource address: `docker_volume.x` -> `terraform_data.docker_volume__x`. */
export function emulatedAddress(address: string): string {
  const [type, name, ...rest] = address.split(".");
  if (!type || !name || rest.length > 0) throw new Error(`not a resource address: ${address}`);
  return EMULATED_TYPE.test(type) ? `terraform_data.${type}${SEPARATOR}${name}` : address;
}

/** The original address of an emulated one; the inverse of {@link emulatedAddress}. */
export function originalAddress(address: string): string {
  const match = /^terraform_data\.([a-z0-9_]+?)__(.+)$/.exec(address);
  return match && EMULATED_TYPE.test(match[1] as string) ? `${match[1]}.${match[2]}` : address;
}

/** Where each attribute of each emulated resource lives: triggers_replace or input. */
type AttributeHomes = Map<string, Map<string, "triggers_replace" | "input">>;

/**
 * Rewrites `${docker_x.name.attr}` references. An attribute that was
 * configured is read back from where the emulation put it (so a volume's name
 * stays a known value); a computed one (image_id, result, bcrypt_hash, id,
 * ...) becomes the emulated resource's `id`, which like the real value is
 * known once created and new (unknown in the plan) when the resource is
 * replaced, so its dependents are replaced too, as with the real providers.
 */
export function rewriteReferences(value: Json, homes: AttributeHomes): Json {
  if (typeof value === "string") {
    // Only inside ${...}: uploaded config files may mention docker_* words.
    return value.replace(/\$\{[^}]*\}/g, (expression) =>
      expression.replace(
        /\b((?:docker|random|tls)_[a-z_]+)\.([A-Za-z_][\w-]*)(?:\.([a-z_]+))?/g,
        (_whole, type: string, name: string, attr?: string) => {
          const original = `${type}.${name}`;
          const attrHomes = homes.get(original);
          if (!attrHomes) throw new Error(`reference to ${original}, which the configuration does not declare`);
          const target = emulatedAddress(original);
          if (attr === undefined) return target;
          const home = attrHomes.get(attr);
          return home === undefined ? `${target}.id` : `${target}.${home === "input" ? "output" : "triggers_replace"}.${attr}`;
        },
      ),
    );
  }
  if (Array.isArray(value)) return value.map((item) => rewriteReferences(item, homes));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewriteReferences(item, homes)]));
  }
  return value;
}

function sortAttributes(type: string, address: string, body: JsonObject): { triggers: JsonObject; input: JsonObject } {
  const inPlace = IN_PLACE_ATTRIBUTES[type];
  if (!inPlace) {
    throw new Error(`${address}: no replace-forcing attribute list for ${type}; add it to IN_PLACE_ATTRIBUTES from the provider's schema`);
  }
  const triggers: JsonObject = {};
  const input: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (META_ARGUMENTS.has(key)) continue;
    if (inPlace.has(key)) input[key] = value;
    else triggers[key] = value;
  }
  return { triggers, input };
}

function emulateLifecycle(address: string, lifecycle: Json | undefined): JsonObject | undefined {
  if (lifecycle === undefined) return undefined;
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(lifecycle as JsonObject)) {
    if (!KEPT_LIFECYCLE.has(key)) throw new Error(`${address}: lifecycle.${key} names provider attributes; the emulation cannot carry it`);
    kept[key] = value;
  }
  return kept;
}

function emulateResource(type: string, name: string, body: JsonObject, homes: AttributeHomes): JsonObject {
  const address = `${type}.${name}`;
  for (const unsupported of ["count", "for_each", "provisioner", "connection"]) {
    if (unsupported in body) throw new Error(`${address}: ${unsupported} is not emulated`);
  }
  const { triggers, input } = sortAttributes(type, address, body);
  const emulated: JsonObject = { triggers_replace: rewriteReferences(triggers, homes) };
  if (Object.keys(input).length > 0) emulated.input = rewriteReferences(input, homes);
  if (body.depends_on) emulated.depends_on = (body.depends_on as string[]).map(emulatedAddress);
  const lifecycle = emulateLifecycle(address, body.lifecycle);
  if (lifecycle) emulated.lifecycle = lifecycle;
  return emulated;
}

function rewriteBlockAddresses(blocks: JsonObject[] | undefined, keys: string[]): JsonObject[] | undefined {
  if (!blocks) return undefined;
  return blocks.map((block) => {
    const copy: JsonObject = { ...block };
    for (const key of keys) if (typeof copy[key] === "string") copy[key] = emulatedAddress(copy[key] as string);
    return copy;
  });
}

/**
 * The emulated configuration of a synthesized cdk.tf.json: no providers, no
 * backend, docker_*, random_* and tls_* resources as `terraform_data`, everything
 * else (other resources, outputs, removed and moved blocks) kept with
 * rewritten references. Throws on what it cannot emulate faithfully.
 */
export function emulatePlan(synthesized: TerraformJson): TerraformJson {
  const { resource = {}, output, removed, moved, provider: _provider, terraform: _terraform, "//": _meta, ...rest } = synthesized;
  for (const key of ["data", "module"]) {
    if (key in rest) throw new Error(`top-level "${key}" blocks are not emulated`);
  }
  const homes: AttributeHomes = new Map();
  for (const [type, resources] of Object.entries(resource)) {
    if (!EMULATED_TYPE.test(type)) continue;
    for (const [name, body] of Object.entries(resources)) {
      const { triggers, input } = sortAttributes(type, `${type}.${name}`, body);
      const attrHomes = new Map<string, "triggers_replace" | "input">();
      for (const key of Object.keys(triggers)) attrHomes.set(key, "triggers_replace");
      for (const key of Object.keys(input)) attrHomes.set(key, "input");
      homes.set(`${type}.${name}`, attrHomes);
    }
  }
  const emulated: Record<string, Record<string, Json>> = {};
  for (const [type, resources] of Object.entries(resource)) {
    for (const [name, body] of Object.entries(resources)) {
      if (EMULATED_TYPE.test(type)) {
        emulated.terraform_data ??= {};
        emulated.terraform_data[`${type}${SEPARATOR}${name}`] = emulateResource(type, name, body, homes);
      } else {
        emulated[type] ??= {};
        emulated[type][name] = rewriteReferences(body, homes);
      }
    }
  }
  const result: Record<string, unknown> = { ...rest, resource: emulated };
  if (output) result.output = rewriteReferences(output as Json, homes);
  const removedBlocks = rewriteBlockAddresses(removed, ["from"]);
  if (removedBlocks) result.removed = removedBlocks;
  const movedBlocks = rewriteBlockAddresses(moved, ["from", "to"]);
  if (movedBlocks) result.moved = movedBlocks;
  return result as TerraformJson;
}
