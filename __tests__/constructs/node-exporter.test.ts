import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NodeExporter } from "../../index.js";
import { standaloneParts } from "../helpers/parts.js";
import { container, containersByName, synthStack, uploadedFile } from "../helpers/plan.js";

const scrapeJobs = (plan: ReturnType<typeof synthStack>["plan"], prometheus = "prometheus") =>
  parse(uploadedFile(container(plan, prometheus), "/etc/prometheus/prometheus.yml")).scrape_configs as {
    job_name: string;
    static_configs: { targets: string[] }[];
  }[];

describe("NodeExporter", () => {
  it("is opt-in: the default stack runs none and scrapes none", () => {
    const { plan } = synthStack();
    expect(Object.keys(containersByName(plan))).not.toContain("node-exporter");
    expect(scrapeJobs(plan).map((job) => job.job_name)).not.toContain("node-exporter");
  });

  it("reads the host's /proc, /sys and / read-only, with node-exporter's path flags pointing at them", () => {
    const { plan } = synthStack({ nodeExporter: true });
    const node = container(plan, "node-exporter");
    expect(Object.values(plan.resource.docker_image).map((image) => image.name)).toContain("prom/node-exporter:v1.12.1");
    expect(node.command).toEqual(["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/rootfs"]);
    expect(node.volumes).toEqual([
      { host_path: "/proc", container_path: "/host/proc", read_only: true },
      { host_path: "/sys", container_path: "/host/sys", read_only: true },
      { host_path: "/", container_path: "/rootfs", read_only: true },
    ]);
    // The image's unprivileged user, not root: it reads only what is world-readable on the host.
    expect(node.user).toBeUndefined();
    expect(node.ports).toEqual([{ internal: 9100, external: 9100, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(node.healthcheck.test).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9100/metrics"]);
  });

  it("is scraped by Prometheus as the job node-exporter, with the stack's prefix and its own props", () => {
    const { plan } = synthStack({ namePrefix: "team", nodeExporter: { hostPort: 19100, memoryLimit: "32M" } });
    const job = scrapeJobs(plan, "team-prometheus").find((j) => j.job_name === "node-exporter");
    expect(job?.static_configs).toEqual([{ targets: ["team-node-exporter:9100"] }]);
    const node = container(plan, "team-node-exporter");
    expect(node.ports[0].external).toBe(19100);
    expect(node.memory).toBe(32);
  });

  it("refuses a bad port and unknown settings", () => {
    const { stack, network } = standaloneParts();
    expect(() => new NodeExporter(stack, "Node", { network, hostPort: 70000 })).toThrow(
      /NodeExporter "test\/Node": hostPort must be a TCP port/,
    );
    expect(() => synthStack({ nodeExporter: { hostPrt: 9100 } as never })).toThrow(/nodeExporter/);
  });
});
