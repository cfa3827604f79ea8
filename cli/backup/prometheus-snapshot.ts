import { posix } from "node:path";
import { describeError } from "../check/describe-error.js";
import { joinUrl } from "../check/http.js";

/** The outcome of asking Prometheus for a TSDB snapshot. */
export type SnapshotResult = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly reason: string };

/**
 * POST /api/v1/admin/tsdb/snapshot: Prometheus hard-links its blocks and
 * writes its head block into `<tsdb path>/snapshots/<name>`, a consistent copy
 * taken without stopping it. Unless it runs with --web.enable-admin-api it
 * answers "admin APIs disabled" (HTTP 500 from Debian's 2.42: the status
 * code is not relied on); the caller then falls back to a short stop.
 */
export async function takeSnapshot(prometheusUrl: string, timeoutMs = 120_000): Promise<SnapshotResult> {
  const url = joinUrl(prometheusUrl, "/api/v1/admin/tsdb/snapshot");
  try {
    const response = await fetch(url, { method: "POST", signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => ({}))) as { status?: string; data?: { name?: string }; error?: string };
    if (response.ok && body.status === "success" && body.data?.name) return { ok: true, name: body.data.name };
    return { ok: false, reason: `${url} answered HTTP ${response.status}${body.error ? `: ${body.error}` : ""}` };
  } catch (error) {
    return { ok: false, reason: `${url}: ${describeError(error).saw}` };
  }
}

/**
 * Where Prometheus keeps its TSDB, from its command line
 * (`--storage.tsdb.path`), relative to the folder where the volume is
 * mounted; undefined when the TSDB is not inside that volume.
 */
export function tsdbPathInVolume(args: readonly string[], workingDir: string, mountPath: string): string | undefined {
  let tsdb = "data/"; // Prometheus's own default, relative to its working directory
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith("--storage.tsdb.path=")) tsdb = arg.slice("--storage.tsdb.path=".length);
    else if (arg === "--storage.tsdb.path" && args[i + 1] !== undefined) tsdb = args[i + 1];
  }
  const absolute = posix.resolve(workingDir || "/", tsdb);
  const relative = posix.relative(mountPath, absolute);
  if (relative.startsWith("..") || posix.isAbsolute(relative)) return undefined;
  return relative;
}
