import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { NatsmonError } from "../natsmon-error.js";
import { HELPER_MOUNT, LABELS, removeHelper } from "./docker-engine.js";

/**
 * Deletes everything in a volume. The Engine API cannot delete files, so a
 * short-lived container runs `rm` from an image that is already on the
 * engine and has a shell: the images of the volume's own containers first,
 * then those of the stack's other containers (no registry is needed). An
 * image without a shell (Loki's is distroless) is skipped.
 */
export async function emptyVolume(docker: Docker, volume: string, preferredImages: readonly string[]): Promise<void> {
  const stackImages = (await docker.listContainers({ all: true, filters: { label: [LABELS.component] } })).map((info) => info.Image);
  const candidates = [...new Set([...preferredImages, ...stackImages])];
  const tried: string[] = [];
  for (const image of candidates) {
    const outcome = await runRm(docker, volume, image);
    if (outcome === "done") return;
    tried.push(`${image} (${outcome})`);
  }
  throw new NatsmonError(
    `cannot empty ${volume}: no image on this engine could run the shell to delete its files${tried.length > 0 ? ` (tried ${tried.join(", ")})` : ""}`,
    `empty it yourself (docker run --rm -v ${volume}:/v IMAGE sh -c 'rm -rf /v/* /v/.[!.]*' with any image that has a shell), then restore without --force`,
  );
}

/** Runs the deletion with one image; "done" or why it did not work. */
async function runRm(docker: Docker, volume: string, image: string): Promise<string> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      name: `natsmon-helper-empty-${volume}-${randomBytes(3).toString("hex")}`,
      Image: image,
      Entrypoint: ["/bin/sh", "-c", `rm -rf ${HELPER_MOUNT}/..?* ${HELPER_MOUNT}/.[!.]* ${HELPER_MOUNT}/*`],
      Cmd: [],
      User: "0:0",
      Labels: { [LABELS.helper]: "empty-volume" },
      NetworkDisabled: true,
      HostConfig: {
        NetworkMode: "none",
        Mounts: [{ Type: "volume", Source: volume, Target: HELPER_MOUNT, VolumeOptions: { NoCopy: true } as never }],
      },
    });
  } catch (error) {
    return `cannot create a container: ${(error as Error).message}`;
  }
  try {
    await container.start();
    const result = (await container.wait()) as { StatusCode?: number };
    return result.StatusCode === 0 ? "done" : `rm exited with ${result.StatusCode}`;
  } catch {
    return "no /bin/sh";
  } finally {
    await removeHelper(container);
  }
}
