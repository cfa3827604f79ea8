import { Token } from "cdktf";
import { Construct } from "constructs";
import { CADVISOR_LABELS, COMPONENTS, CONTAINER_NAMES, CONTAINER_PORTS, LABELS, SCRAPE_JOBS } from "../contract/index.js";
import { CADVISOR_SOCKET_PROXY_ALLOWED_GET } from "./config/docker-socket-proxy-args.js";
import { DockerService, type PublishedPort } from "./docker-service.js";
import { DockerSocketProxy } from "./docker-socket-proxy.js";
import { DEFAULT_IMAGES } from "./images.js";
import { hostUrl } from "./private/host-url.js";
import { requireImageReference } from "./private/image-reference.js";
import { propError, requirePort } from "./private/validation.js";
import type { IScrapeable, ScrapeTarget } from "./scrape-target.js";
import { resolveServiceBase, type ServiceBaseProps } from "./service-props.js";

/** cAdvisor's port inside its container (its default, `--port`). */
export const CADVISOR_PORT = CONTAINER_PORTS.cadvisor;

/**
 * The metric kinds cAdvisor collects (`--enable_metrics`, which replaces its
 * default set): CPU, memory and OOM kills, what the Containers row and the
 * container alerts read. Left out: disk usage (it would need the container
 * layers on the host), disk I/O, network (read from each container's
 * /proc/<pid>/net, which needs the host's /proc), per-CPU series (one per
 * core and container), processes and the rest.
 */
export const CADVISOR_METRIC_KINDS = ["cpu", "memory", "oom_event"] as const;

/** Props of {@link Cadvisor}. */
export interface CadvisorProps extends ServiceBaseProps {
  /**
   * Host port of cAdvisor's web UI, API and /metrics. Its UI and API have no
   * login and describe every container of the engine, so it is not published
   * unless asked for; Prometheus scrapes it on the stack network.
   * @default not published
   */
  readonly hostPort?: number;
  /**
   * The Docker socket on the host, mounted read-only into cAdvisor's own
   * socket proxy, which passes on only the few reads cAdvisor makes.
   * @default "/var/run/docker.sock"
   */
  readonly dockerSocketPath?: string;
  /**
   * Docker's data root on the host (`docker info` DockerRootDir). cAdvisor
   * reads one small file per container under its `image/` folder (the id of
   * the container's writable layer, without which it does not track the
   * container); that folder alone is mounted, read-only.
   * @default "/var/lib/docker"
   */
  readonly dockerRootDir?: string;
  /** The Docker socket proxy's image. @default "wollomatic/socket-proxy:1.12.2" */
  readonly socketProxyImage?: string;
}

/**
 * cAdvisor for the stack's own containers: CPU, memory, OOM kills and start
 * times per container, scraped by Prometheus as job "cadvisor" and shown in
 * the cluster dashboard's Containers row; the container alerts
 * (ContainerRestarting, ContainerOomKilled) read them.
 *
 * Locked down beyond upstream's `docker run` (which is `--privileged` with
 * the host's /, /sys, /var/run and /var/lib/docker mounted):
 * - no Docker socket: it asks the engine through its own read-only socket
 *   proxy, which admits cAdvisor alone and lets through version
 *   negotiation, `/info` and one container's details;
 * - the host's cgroup tree (/sys/fs/cgroup) and Docker's `image/` folder,
 *   read-only, and /dev/kmsg readable: nothing else of the host;
 * - every capability dropped but SYSLOG, which the kernel asks of a reader
 *   of /dev/kmsg when `kernel.dmesg_restrict` is 1 (Debian's and Ubuntu's
 *   default): cAdvisor reads OOM kills from the kernel log;
 * - uid 0 (the image's user), without capabilities: Docker's data root is
 *   root's and mode 0700, so its owner is the only one who can read it;
 * - a read-only root filesystem.
 *
 * Cardinality: Docker containers only (`--docker_only`, no raw cgroups),
 * only the CPU, memory and OOM kinds, two Docker labels kept
 * (`natsmon.project`, `natsmon.component`), and Prometheus keeps only the
 * series of this stack's containers (those whose `natsmon.project` is the
 * stack's network).
 *
 * Needs Docker's classic image store (a storage driver such as overlay2):
 * with the containerd image store cAdvisor's Docker driver asks containerd
 * instead, whose socket it does not get.
 */
export class Cadvisor extends Construct implements IScrapeable {
  /** The container. */
  readonly service: DockerService;
  /** The filtering proxy in front of the Docker socket. */
  readonly socketProxy: DockerSocketProxy;
  /** Job "cadvisor", target `<container>:8080`, series of this stack's containers only. */
  readonly scrapeTarget: ScrapeTarget;
  /** cAdvisor's URL on the Docker host, when `hostPort` publishes it. */
  readonly hostUrl?: string;

  constructor(scope: Construct, id: string, props: CadvisorProps) {
    super(scope, id);
    const base = resolveServiceBase(this, props, { image: DEFAULT_IMAGES.cadvisor, memoryLimit: "128M" });
    const dockerSocketPath = requireHostPath(this, "dockerSocketPath", props.dockerSocketPath ?? "/var/run/docker.sock");
    const dockerRootDir = requireHostPath(this, "dockerRootDir", props.dockerRootDir ?? "/var/lib/docker").replace(/\/+$/, "");
    const socketProxyImage = props.socketProxyImage ?? DEFAULT_IMAGES.socketProxy;
    if (!Token.isUnresolved(socketProxyImage)) requireImageReference(this, "socketProxyImage", socketProxyImage);
    const ports: PublishedPort[] = [];
    if (props.hostPort !== undefined) {
      ports.push({ internal: CADVISOR_PORT, external: requirePort(this, "hostPort", props.hostPort), ip: base.bindAddress });
    }
    const name = base.nameOf(CONTAINER_NAMES.cadvisor);
    const project = base.network.name;

    this.socketProxy = new DockerSocketProxy(this, "SocketProxy", {
      stackNetwork: base.network,
      name: base.nameOf(CONTAINER_NAMES.cadvisorSocketProxy),
      networkName: `${project}-cadvisor-docker-api`,
      client: name,
      image: socketProxyImage,
      dockerSocketPath,
      memoryLimitBytes: 64 * 1024 ** 2,
      allowGet: CADVISOR_SOCKET_PROXY_ALLOWED_GET,
    });
    // Docker's layer database, where cAdvisor looks up a container's writable
    // layer id: it stats /rootfs/proc to tell whether it runs in the host's
    // namespaces, and without /rootfs it reads the data root at its own path.
    const imageDir = `${dockerRootDir}/image`;
    this.service = new DockerService(this, "Service", {
      network: base.network,
      extraNetworks: [this.socketProxy.network],
      name,
      component: COMPONENTS.cadvisor,
      image: base.image,
      command: [
        `--port=${CADVISOR_PORT}`,
        `--docker=${this.socketProxy.dockerHost}`,
        // Docker containers only (and the root cgroup, which the next flag drops).
        "--docker_only=true",
        "--disable_root_cgroup_stats=true",
        `--enable_metrics=${CADVISOR_METRIC_KINDS.join(",")}`,
        // Only the stack's two labels become Prometheus labels, not every
        // Docker label (the spec hash would be one) or environment variable.
        "--store_container_labels=false",
        `--whitelisted_container_labels=${[LABELS.project, LABELS.component].join(",")}`,
        // Scrapes come every 30s by default; cAdvisor's 1s default reads every
        // cgroup thirty times between two of them.
        "--housekeeping_interval=10s",
      ],
      user: "0:0",
      hostMounts: [
        { hostPath: "/sys/fs/cgroup", containerPath: "/sys/fs/cgroup", readOnly: true },
        { hostPath: imageDir, containerPath: imageDir, readOnly: true },
      ],
      devices: [{ hostPath: "/dev/kmsg", containerPath: "/dev/kmsg", permissions: "r" }],
      ports,
      healthcheck: { test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${CADVISOR_PORT}/healthz`] },
      memoryLimitBytes: base.memoryLimitBytes,
      hardening: { addCapabilities: ["SYSLOG"], readOnlyRootFilesystem: true },
      dependsOn: [this.socketProxy.service.container],
    });
    this.scrapeTarget = {
      jobName: SCRAPE_JOBS.cadvisor,
      targets: [`${name}:${CADVISOR_PORT}`],
      keepSeries: { label: CADVISOR_LABELS.project, regex: literalRegex(project) },
    };
    if (props.hostPort !== undefined) this.hostUrl = hostUrl(base.bindAddress, props.hostPort);
  }
}

/**
 * A network name as a regex that matches it alone. Docker network names hold
 * [a-zA-Z0-9_.-], of which only `.` means something in a regex. The stack's
 * own network name is a Terraform reference here (a DNS label, no dot),
 * resolved into the file later.
 */
function literalRegex(name: string): string {
  return Token.isUnresolved(name) ? name : name.replace(/\./g, "\\.");
}

function requireHostPath(scope: Construct, prop: string, value: string): string {
  if (!value.startsWith("/")) throw propError(scope, prop, value, "must be an absolute path on the Docker host", "start it with /");
  return value;
}
