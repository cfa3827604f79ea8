import type Docker from "dockerode";
import { OUTPUTS } from "../../contract/index.js";
import { connectDocker, type VolumeOwner, volumeOwners } from "../backup/docker-engine.js";
import { NatsmonError } from "../natsmon-error.js";
import { loadOutputs } from "../outputs.js";
import { parseStackHosts, refuseAcrossHosts } from "../stack-hosts.js";
import { prefixFromServers, stackVolumeNames } from "./stack-volume-names.js";

/** Options shared by `natsmon volumes` and `natsmon volumes rm`. */
export interface VolumesOptions {
  readonly outputs?: string;
  readonly stack?: string;
  /** The stack's name prefix; default: read from the nats_servers output, else none. */
  readonly prefix?: string;
  readonly json?: boolean;
}

/** One of the stack's volumes on the engine. */
export interface StackVolume {
  readonly name: string;
  /** Listed in the data_volumes output: the deployed configuration declares (and Terraform manages) it. */
  readonly configured: boolean;
  /** Containers, running or not, that mount it. */
  readonly usedBy: readonly string[];
  readonly createdAt?: string;
}

interface StackContext {
  readonly prefix: string;
  /** The data_volumes output, or undefined when no outputs were found. */
  readonly configured?: readonly string[];
}

async function stackContext(options: VolumesOptions, command: string): Promise<StackContext> {
  const outputs = await loadOutputs(options.outputs, { stack: options.stack });
  // One engine holds one host's volumes: "kept" or "in the configuration" would be judged against the whole stack.
  refuseAcrossHosts(
    command,
    parseStackHosts(outputs.values[OUTPUTS.hosts]),
    (host) => `docker -H ${host.dockerHost} volume ls; the configuration declares there: ${host.dataVolumes.join(", ") || "none"}`,
    "list each host's volumes on its engine",
  );
  const listed = outputs.values.data_volumes;
  const configured = Array.isArray(listed) ? listed.filter((name): name is string => typeof name === "string") : undefined;
  const prefix = options.prefix ?? prefixFromServers(outputs.values.nats_servers) ?? "";
  return { prefix, configured };
}

/** The stack's volumes that exist on the engine, in the stack's order. */
export async function listStackVolumes(docker: Docker, prefix: string, configured: readonly string[] = []): Promise<StackVolume[]> {
  const { Volumes } = await docker.listVolumes();
  const present = new Map((Volumes ?? []).map((volume) => [volume.Name, volume as { Name: string; CreatedAt?: string }]));
  const found: StackVolume[] = [];
  for (const name of stackVolumeNames(prefix)) {
    const volume = present.get(name);
    if (!volume) continue;
    const owners: VolumeOwner[] = await volumeOwners(docker, name);
    found.push({
      name,
      configured: configured.includes(name),
      usedBy: owners.map((owner) => owner.name),
      ...(volume.CreatedAt ? { createdAt: volume.CreatedAt } : {}),
    });
  }
  return found;
}

/** `natsmon volumes`: every volume of the stack on the engine, the kept ones that no configuration declares included. */
export async function volumesCommand(options: VolumesOptions): Promise<number> {
  const context = await stackContext(options, "volumes");
  const volumes = await listStackVolumes(await connectDocker(), context.prefix, context.configured);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(volumes, null, 2)}\n`);
    return 0;
  }
  if (volumes.length === 0) {
    process.stdout.write(`no volume of the stack (prefix "${context.prefix}") on this engine\n`);
    return 0;
  }
  for (const volume of volumes) {
    const state =
      context.configured === undefined
        ? "configuration unknown (no outputs)"
        : volume.configured
          ? "in the configuration"
          : "kept: no longer in the configuration";
    const users = volume.usedBy.length > 0 ? `used by ${volume.usedBy.join(", ")}` : "unused";
    process.stdout.write(`${volume.name}  ${state}; ${users}\n`);
  }
  return 0;
}

/**
 * `natsmon volumes rm NAME`: deletes one kept volume, and its data, for good.
 * Refuses a name that is not one of the stack's volumes, a volume the deployed
 * configuration still declares (Terraform manages it: turn the part off or
 * scale in and deploy first), and a volume any container mounts.
 */
export async function volumesRmCommand(name: string, options: VolumesOptions): Promise<number> {
  const context = await stackContext(options, "volumes rm");
  if (!stackVolumeNames(context.prefix).includes(name)) {
    throw new NatsmonError(
      `${name} is not a data volume of the stack (prefix "${context.prefix}")`,
      "run `natsmon volumes` to list them; pass --prefix if the stack uses a name prefix",
    );
  }
  if (context.configured === undefined) {
    throw new NatsmonError(
      `cannot tell whether the deployed configuration still declares ${name}: no outputs found`,
      "pass --outputs (the stack folder or `terraform output -json` file) so natsmon can read data_volumes",
    );
  }
  if (context.configured.includes(name)) {
    throw new NatsmonError(
      `${name} is in the deployed configuration (data_volumes): Terraform manages it and the part needs it`,
      "turn the part off (or scale the cluster in) and deploy first; the volume is then kept, and can be removed here",
    );
  }
  const docker = await connectDocker();
  const [volume] = await listStackVolumes(docker, context.prefix, context.configured).then((all) => all.filter((v) => v.name === name));
  if (!volume) throw new NatsmonError(`there is no Docker volume named ${name}`, "run `natsmon volumes` to list the stack's volumes");
  if (volume.usedBy.length > 0) {
    throw new NatsmonError(`${name} is mounted by ${volume.usedBy.join(", ")}`, "remove those containers first, or keep the volume");
  }
  await docker.getVolume(name).remove();
  process.stdout.write(`removed ${name}\n`);
  return 0;
}
