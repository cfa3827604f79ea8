import Docker from "dockerode";
import { GO_BUILDS } from "../../scripts/testbed-pins.js";

/**
 * nats-server 2.9.10 from Debian, which scripts/testbed.sh builds beside the
 * pinned version: a plan whose NATS image is exactly this reference runs on
 * it, for the checks against the older server line.
 */
export const DEBIAN_NATS_REFERENCE = "nats:2.9.10-alpine";

/**
 * The local images `npm run testbed` builds, by the production image they
 * replace: an exact reference (`nats:2.14.9-alpine`, built from that
 * version's Go module; scripts/testbed-go.sh) or a whole repository
 * (`prom/prometheus`, Debian's 2.42 as a stand-in for any tag; nats-box,
 * whose `nats` CLI is built from natscli). The plan replayer looks up the
 * exact reference first. Derived from scripts/testbed-pins.ts, so a new
 * pin in constructs/images.ts moves both the build and this map.
 */
export const TESTBED_IMAGES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(GO_BUILDS.map((build) => [build.replaces, build.image])),
  [DEBIAN_NATS_REFERENCE]: "natsmon-testbed/nats:bookworm",
  "prom/prometheus": "natsmon-testbed/prometheus:bookworm",
  "prom/node-exporter": "natsmon-testbed/node-exporter:bookworm",
};

/** The label every object the plan replayer creates carries, with this value. */
export const LIVE_LABEL = "natsmon.live-test";
export const LIVE_LABEL_VALUE = "replayer";

/** A client of the local engine (DOCKER_HOST or /var/run/docker.sock). */
export const docker = new Docker();

/** Fails with a hint when the engine or an image of the testbed is missing. */
export async function requireTestbed(): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`no Docker engine answers (${(error as Error).message}); run \`npm run testbed\` first`);
  }
  for (const image of Object.values(TESTBED_IMAGES)) {
    try {
      await docker.getImage(image).inspect();
    } catch {
      throw new Error(`the testbed image ${image} is missing; run \`npm run testbed\` first`);
    }
  }
}

/** A container's log, stdout and stderr, as text (on `engine`, the local one by default). */
export async function containerLog(name: string, engine: Docker = docker): Promise<string> {
  const raw = (await engine.getContainer(name).logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  return demultiplex(raw);
}

/** Runs a command in a running container (`docker exec`, on `engine`, the local one by default) and returns its exit code and output. */
export async function execIn(name: string, cmd: string[], engine: Docker = docker): Promise<{ exitCode: number; output: string }> {
  const exec = await engine.getContainer(name).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, output: demultiplex(Buffer.concat(chunks)) };
}

/**
 * Without a TTY the engine frames each chunk of output with an 8-byte
 * header (stream, 3 zero bytes, big-endian length); this strips them.
 */
function demultiplex(raw: Buffer): string {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    chunks.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(chunks).toString("utf8");
}
