import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { RULES_FILE_NAME } from "../../alerts/render.js";
import { CADVISOR_SOCKET_PROXY_ALLOWED_GET } from "../../constructs/config/docker-socket-proxy-args.js";
import { Cadvisor } from "../../index.js";
import { standaloneParts } from "../helpers/parts.js";
import { container, containersByName, synthStack, uploadedFile } from "../helpers/plan.js";

type Plan = ReturnType<typeof synthStack>["plan"];
const prometheusYml = (plan: Plan, prometheus = "prometheus") =>
  parse(uploadedFile(container(plan, prometheus), "/etc/prometheus/prometheus.yml")) as {
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[]; metric_relabel_configs?: unknown[] }[];
  };
const ruleNames = (plan: Plan) =>
  (
    parse(uploadedFile(container(plan, "prometheus"), `/etc/prometheus/rules/${RULES_FILE_NAME}`)) as {
      groups: { rules: { alert: string }[] }[];
    }
  ).groups.flatMap((g) => g.rules.map((r) => r.alert));

describe("Cadvisor", () => {
  it("is opt-in: the default stack runs none, scrapes none and has no container rules", () => {
    const { plan } = synthStack();
    expect(Object.keys(containersByName(plan))).not.toContain("cadvisor");
    expect(prometheusYml(plan).scrape_configs.map((job) => job.job_name)).not.toContain("cadvisor");
    expect(ruleNames(plan)).not.toContain("ContainerRestarting");
  });

  it("reads the cgroup tree and Docker's layer database read-only, /dev/kmsg with SYSLOG, and the engine through its own proxy", () => {
    const { plan } = synthStack({ cadvisor: true });
    const c = container(plan, "cadvisor");
    expect(Object.values(plan.resource.docker_image).map((image) => image.name)).toContain("ghcr.io/google/cadvisor:v0.60.6");
    expect(c.command).toEqual([
      "--port=8080",
      "--docker=tcp://cadvisor-docker-socket-proxy:2375",
      "--docker_only=true",
      "--disable_root_cgroup_stats=true",
      "--enable_metrics=cpu,memory,oom_event",
      "--store_container_labels=false",
      "--whitelisted_container_labels=natsmon.project,natsmon.component",
      "--housekeeping_interval=10s",
    ]);
    expect(c.volumes).toEqual([
      { host_path: "/sys/fs/cgroup", container_path: "/sys/fs/cgroup", read_only: true },
      { host_path: "/var/lib/docker/image", container_path: "/var/lib/docker/image", read_only: true },
    ]);
    expect(c.devices).toEqual([{ host_path: "/dev/kmsg", container_path: "/dev/kmsg", permissions: "r" }]);
    expect(c.capabilities).toEqual({ drop: ["ALL"], add: ["SYSLOG"] });
    expect(c.security_opts).toEqual(["no-new-privileges:true"]);
    expect(c.read_only).toBe(true);
    expect(c.user).toBe("0:0");
    // Not published by default: its UI and API have no login.
    expect(c.ports).toBeUndefined();
    expect(c.networks_advanced.map((n: { name: string }) => n.name)).toEqual([
      "${docker_network.network.name}",
      expect.stringMatching(/^\$\{docker_network\.Cadvisor_SocketProxy_network_\w+\.name\}$/),
    ]);
    const apiNetwork = Object.values(plan.resource.docker_network).find(
      (n) => n.name === "${docker_network.network.name}-cadvisor-docker-api",
    );
    expect(apiNetwork?.internal).toBe(true);

    const proxy = container(plan, "cadvisor-docker-socket-proxy");
    expect(proxy.volumes).toEqual([{ host_path: "/var/run/docker.sock", container_path: "/var/run/docker.sock", read_only: true }]);
    expect(proxy.command).toContain("-allowfrom=cadvisor");
    expect(proxy.command).toContain(`-allowGET=${CADVISOR_SOCKET_PROXY_ALLOWED_GET.join("|")}`);
    expect(proxy.networks_advanced.map((n: { name: string }) => n.name)).toEqual([c.networks_advanced[1].name]);
    // The log collector's proxy keeps its own, different list.
    expect(container(plan, "docker-socket-proxy").command.find((a: string) => a.startsWith("-allowGET="))).toContain("/events");
  });

  it("lets through only cAdvisor's reads: version, info and one container's details", () => {
    const allowed = new RegExp(`^(${CADVISOR_SOCKET_PROXY_ALLOWED_GET.join("|")})$`);
    for (const path of ["/_ping", "/v1.43/version", "/v1.43/info", "/v1.43/containers/0123abcd/json"]) expect(path).toMatch(allowed);
    for (const path of [
      "/v1.43/containers/json",
      "/v1.43/containers/x/logs",
      "/v1.43/events",
      "/v1.43/containers/x/archive",
      "/v1.43/images/json",
    ])
      expect(path).not.toMatch(allowed);
  });

  it("is scraped as job cadvisor, keeping the series of the stack's own containers, and turns the container rules on", () => {
    const { plan } = synthStack({ namePrefix: "team", cadvisor: { hostPort: 18080, memoryLimit: "96M", dockerRootDir: "/srv/docker/" } });
    const job = prometheusYml(plan, "team-prometheus").scrape_configs.find((j) => j.job_name === "cadvisor");
    expect(job?.static_configs).toEqual([{ targets: ["team-cadvisor:8080"] }]);
    expect(job?.metric_relabel_configs).toEqual([
      { source_labels: ["container_label_natsmon_project"], regex: "${docker_network.network.name}", action: "keep" },
    ]);
    const c = container(plan, "team-cadvisor");
    expect(c.ports).toEqual([{ internal: 8080, external: 18080, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(c.memory).toBe(96);
    expect(c.volumes[1]).toEqual({ host_path: "/srv/docker/image", container_path: "/srv/docker/image", read_only: true });
    expect(c.command).toContain("--docker=tcp://team-cadvisor-docker-socket-proxy:2375");
    const rules = (
      parse(uploadedFile(container(plan, "team-prometheus"), `/etc/prometheus/rules/${RULES_FILE_NAME}`)) as {
        groups: { name: string; rules: { alert: string }[] }[];
      }
    ).groups;
    expect(rules.find((g) => g.name === "containers")?.rules.map((r) => r.alert)).toEqual(["ContainerRestarting", "ContainerOomKilled"]);
  });

  it("refuses a bad port, relative host paths and unknown settings", () => {
    const { stack, network } = standaloneParts();
    expect(() => new Cadvisor(stack, "C1", { network, hostPort: 70000 })).toThrow(/Cadvisor "test\/C1": hostPort must be a TCP port/);
    expect(() => new Cadvisor(stack, "C2", { network, dockerRootDir: "var/lib/docker" })).toThrow(
      /Cadvisor "test\/C2": dockerRootDir must be an absolute path on the Docker host/,
    );
    expect(() => new Cadvisor(stack, "C3", { network, dockerSocketPath: "docker.sock" })).toThrow(
      /dockerSocketPath must be an absolute path/,
    );
    expect(() => synthStack({ cadvisor: { hostPrt: 8080 } as never })).toThrow(/cadvisor/);
  });
});
