import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import { NatsmonError } from "../natsmon-error.js";
import { HELPER_MOUNT, LABELS, removeHelper } from "./docker-engine.js";
import { PREVIOUS_PREFIX } from "./manifest.js";

/**
 * File operations inside a volume. The Engine API can read and write files
 * but not move or delete them, so a short-lived container runs a shell
 * script from an image that is already on the engine and has a shell: the
 * images of the volume's own containers first, then those of the stack's
 * other containers (no registry is needed). An image without a shell
 * (Loki's is distroless) is skipped. Returns the image that worked.
 */
async function runInVolume(
  docker: Docker,
  volume: string,
  preferredImages: readonly string[],
  script: string,
  args: string[],
): Promise<string> {
  const stackImages = (await docker.listContainers({ all: true, filters: { label: [LABELS.component] } })).map((info) => info.Image);
  const candidates = [...new Set([...preferredImages, ...stackImages])];
  const tried: string[] = [];
  for (const image of candidates) {
    const outcome = await runScript(docker, volume, image, script, args);
    if (outcome === "done") return image;
    tried.push(`${image} (${outcome})`);
    // A script that ran and failed must not run again with another image on a half-changed volume.
    if (outcome.startsWith("the script exited")) break;
  }
  throw new NatsmonError(
    `cannot change the files of ${volume}: ${tried.length > 0 ? `tried ${tried.join(", ")}` : "no image with a shell on this engine"}`,
    "the volume is as the messages above say; fix it by hand with any image that has a shell (docker run --rm -v VOLUME:/v IMAGE sh)",
  );
}

async function runScript(docker: Docker, volume: string, image: string, script: string, args: string[]): Promise<string> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      name: `natsmon-helper-files-${volume}-${randomBytes(3).toString("hex")}`,
      Image: image,
      Entrypoint: ["/bin/sh", "-c", script, ...args],
      Cmd: [],
      User: "0:0",
      WorkingDir: "/",
      Labels: { [LABELS.helper]: "volume-files" },
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
  } catch {
    await removeHelper(container);
    return "no /bin/sh";
  }
  try {
    const result = (await container.wait()) as { StatusCode?: number };
    // 126/127: the shell itself could not run.
    if (result.StatusCode === 126 || result.StatusCode === 127) return "no /bin/sh";
    return result.StatusCode === 0 ? "done" : `the script exited with ${result.StatusCode}`;
  } finally {
    await removeHelper(container);
  }
}

/** The shell's loop over every top-level name of the volume but the previous-contents folders. */
const EACH_ENTRY = `for f in * .[!.]* ..?*; do [ -e "$f" ] || [ -L "$f" ] || continue; case "$f" in ${PREVIOUS_PREFIX}*) continue ;; esac;`;

/**
 * Moves everything in the volume (earlier previous-contents folders left
 * where they are) into a new folder `name` inside it: a rename on the same
 * file system, so it is instant and needs no space. Returns the image used.
 */
export function setAside(docker: Docker, volume: string, name: string, images: readonly string[]): Promise<string> {
  const script = `set -e; cd ${HELPER_MOUNT}; mkdir "$0"; ${EACH_ENTRY} [ "$f" = "$0" ] && continue; mv -- "$f" "$0/"; done`;
  return runInVolume(docker, volume, images, script, [name]);
}

/**
 * Undoes a restore: deletes what it wrote (the previous-contents folders
 * stay), moves the contents of `name` back (none when `name` is undefined:
 * the volume was empty) and gives the volume's folder its owner and mode
 * again.
 */
export function putBack(
  docker: Docker,
  volume: string,
  name: string | undefined,
  root: { uid: number; gid: number; mode: number },
  images: readonly string[],
): Promise<string> {
  const script = [
    `set -e; cd ${HELPER_MOUNT}`,
    `${EACH_ENTRY} rm -rf -- "$f"; done`,
    `if [ -n "$0" ]; then cd "$0"; for f in * .[!.]* ..?*; do [ -e "$f" ] || [ -L "$f" ] || continue; mv -- "$f" ../; done; cd ..; rmdir "$0"; fi`,
    `chown "$1" . && chmod "$2" .`,
  ].join("; ");
  return runInVolume(docker, volume, images, script, [name ?? "", `${root.uid}:${root.gid}`, root.mode.toString(8)]);
}

/** The command that deletes a previous-contents folder, for the user to run when the restored part is fine. */
export function discardCommand(volume: string, name: string, image: string): string {
  return `docker run --rm --user 0:0 -v ${volume}:${HELPER_MOUNT} --entrypoint rm ${image} -rf ${HELPER_MOUNT}/${name}`;
}
