import { Construct } from "constructs";
import { COMPONENTS, CONTAINER_NAMES, CONTAINER_PORTS, DEFAULT_HOST_PORTS, SCRAPE_JOBS } from "../contract/index.js";
import { DockerService } from "./docker-service.js";
import { DEFAULT_IMAGES } from "./images.js";
import { hostUrl } from "./private/host-url.js";
import { requirePort } from "./private/validation.js";
import type { IScrapeable, ScrapeTarget } from "./scrape-target.js";
import { resolveServiceBase, type ServiceBaseProps } from "./service-props.js";

/** node-exporter's port inside its container (its default). */
export const NODE_EXPORTER_PORT = CONTAINER_PORTS.nodeExporter;

/** Where the host's /proc, /sys and root file system appear inside the container (dockprom's layout). */
const HOST_PATHS = { proc: "/host/proc", sys: "/host/sys", rootfs: "/rootfs" } as const;

/** Props of {@link NodeExporter}. */
export interface NodeExporterProps extends ServiceBaseProps {
  /** Host port of node-exporter's /metrics. @default 9100 */
  readonly hostPort?: number;
}

/**
 * Prometheus node-exporter for the Docker host: CPU, memory, load, disks and
 * file systems, read from the host's /proc and /sys and its root file system,
 * mounted read-only (the dockprom layout). The container keeps its own
 * network namespace, so the network counters it serves are the container's,
 * not the host's. It runs as the image's unprivileged user: it reads only
 * what is world-readable on the host.
 */
export class NodeExporter extends Construct implements IScrapeable {
  /** The container. */
  readonly service: DockerService;
  /** Job "node-exporter", target `<container>:9100`. */
  readonly scrapeTarget: ScrapeTarget;
  /** node-exporter's URL on the Docker host, e.g. http://127.0.0.1:9100. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: NodeExporterProps) {
    super(scope, id);
    const base = resolveServiceBase(this, props, { image: DEFAULT_IMAGES.nodeExporter, memoryLimit: "64M" });
    const defaultHostPort = DEFAULT_HOST_PORTS.nodeExporter;
    const hostPort = requirePort(this, "hostPort", props.hostPort ?? defaultHostPort, defaultHostPort);
    const name = base.nameOf(CONTAINER_NAMES.nodeExporter);
    this.service = new DockerService(this, "Service", {
      network: base.network,
      name,
      component: COMPONENTS.nodeExporter,
      image: base.image,
      command: [
        `--path.procfs=${HOST_PATHS.proc}`,
        `--path.sysfs=${HOST_PATHS.sys}`,
        // With a rootfs path, node-exporter strips it from the mountpoint label
        // (/rootfs/data reads /data), and its default mount-point exclusions apply.
        `--path.rootfs=${HOST_PATHS.rootfs}`,
      ],
      hostMounts: [
        { hostPath: "/proc", containerPath: HOST_PATHS.proc, readOnly: true },
        { hostPath: "/sys", containerPath: HOST_PATHS.sys, readOnly: true },
        { hostPath: "/", containerPath: HOST_PATHS.rootfs, readOnly: true },
      ],
      ports: [{ internal: NODE_EXPORTER_PORT, external: hostPort, ip: base.bindAddress }],
      healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${NODE_EXPORTER_PORT}/metrics`] },
      memoryLimitBytes: base.memoryLimitBytes,
      // It writes nothing (no textfile collector is configured): a read-only
      // root filesystem, as the exporter's. Its image's own user is nobody.
      hardening: { readOnlyRootFilesystem: true },
    });
    this.scrapeTarget = { jobName: SCRAPE_JOBS.nodeExporter, targets: [`${name}:${NODE_EXPORTER_PORT}`] };
    this.hostUrl = hostUrl(base.bindAddress, hostPort);
  }
}
