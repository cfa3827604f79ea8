import { readFileSync } from "node:fs";
import type Docker from "dockerode";
import tar from "tar-stream";

/** The busybox tools the fake parts and natsmon's file operations (set aside, put back) run. */
const TOOLS = ["sh", "rm", "sleep", "true", "wget", "httpd", "mkdir", "mv", "rmdir", "chown", "chmod", "cat", "test", "touch"];

/**
 * Imports an image with a shell without a registry: the host's static
 * busybox, links to it, and `files` (path -> contents). It plays a part of
 * the stack in the engine tests; with a `www/` folder served by
 * `httpd -p 127.0.0.1:8222 -h /www`, it answers a NATS node's monitoring
 * endpoints (`/healthz`, `/jsz`) from files.
 */
export async function importBusyboxImage(docker: Docker, image: string, files: Record<string, string> = {}): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name: "bin/", type: "directory", mode: 0o755 });
  pack.entry({ name: "bin/busybox", mode: 0o755 }, readFileSync("/bin/busybox"));
  for (const tool of TOOLS) pack.entry({ name: `bin/${tool}`, type: "symlink", linkname: "busybox" });
  const folders = new Set(Object.keys(files).flatMap((path) => (path.includes("/") ? [path.slice(0, path.lastIndexOf("/") + 1)] : [])));
  for (const folder of folders) pack.entry({ name: folder, type: "directory", mode: 0o755 });
  for (const [path, contents] of Object.entries(files)) pack.entry({ name: path, mode: 0o644 }, contents);
  pack.finalize();
  const [repo, tag] = image.split(":");
  const output = await docker.importImage(pack as unknown as NodeJS.ReadableStream, { repo, tag, changes: ["LABEL natsmon.test=cli"] });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(output, (error) => (error ? reject(error) : resolve())));
}

/** What a NATS node's monitoring port answers once it is healthy and current, for {@link importBusyboxImage}. */
export const HEALTHY_NODE_FILES: Record<string, string> = {
  // No cluster_size: the fake cluster is whichever fake nodes a test runs on the engine.
  "www/healthz": '{"status":"ok"}',
  "www/jsz": JSON.stringify({ meta_cluster: { name: "fake", leader: "fake-leader" } }),
  // A node that is up but behind: JetStream on, no meta leader it follows.
  "www-behind/healthz": '{"status":"ok"}',
  "www-behind/jsz": JSON.stringify({ meta_cluster: { name: "fake" } }),
  // A node of a 5-server meta group, most of it on other engines (a cluster over several hosts).
  "www-elsewhere/healthz": '{"status":"ok"}',
  "www-elsewhere/jsz": JSON.stringify({ meta_cluster: { name: "fake", leader: "fake-leader", cluster_size: 5 } }),
};
