import { Network } from "@cdktf/provider-docker/lib/network/index.js";
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { SYSTEM_PASSWORD_ENV } from "../../constructs/config/nats-server-conf.js";
import { NatsCluster, type NatsClusterProps, type NatsMonitoringStack } from "../../index.js";
import {
  container,
  containersByName,
  labelsOf,
  type Plan,
  type PlanResource,
  resourcesOf,
  synthesize,
  synthStack,
  uploadedFile,
  withoutMetadata,
} from "../helpers/plan.js";

const CONFIG = "/etc/nats/nats-server.conf";

function natsNodes(props: NatsMonitoringStackProps["nats"] = {}) {
  const { plan } = synthStack({ nats: props });
  return Object.values(containersByName(plan)).filter((c) => labelsOf(c)["natsmon.component"] === "nats");
}
type NatsMonitoringStackProps = ConstructorParameters<typeof NatsMonitoringStack>[2] & {};

/** The cluster's volumes; the stack's other parts have theirs. */
function natsVolumes(plan: Plan): PlanResource[] {
  return Object.entries(resourcesOf(plan, "docker_volume"))
    .filter(([id]) => id.startsWith("Nats_"))
    .map(([, volume]) => volume);
}

describe("NatsCluster", () => {
  it.each([1, 3, 5])("synthesizes %i JetStream servers, each with its own data volume", (nodes) => {
    const { plan } = synthStack({ nats: { nodes } });
    const names = natsNodes({ nodes }).map((c) => c.name);
    expect(names).toEqual(Array.from({ length: nodes }, (_, i) => `nats-node${i + 1}`));
    const volumes = natsVolumes(plan).map((v) => v.name);
    expect(volumes).toEqual(names.map((n) => `${n}-data`));
    for (const node of natsNodes({ nodes })) {
      expect(node.volumes).toEqual([
        {
          container_path: "/data",
          read_only: false,
          volume_name: expect.stringMatching(/^\$\{docker_volume\.Nats_node\d+-data_\w+\.name\}$/),
        },
      ]);
      expect(uploadedFile(node, CONFIG)).toContain(`server_name: "${node.name}"`);
    }
  });

  it("gives the default stack 3 servers, 3 volumes, one network and nats-box", () => {
    const { plan } = synthStack();
    expect(natsNodes()).toHaveLength(3);
    expect(natsVolumes(plan)).toHaveLength(3);
    // The stack's network; the other one is the socket proxy's internal network.
    expect(Object.values(resourcesOf(plan, "docker_network")).filter((n) => n.internal !== true)).toHaveLength(1);
    expect(container(plan, "nats-box").entrypoint).toEqual(["tail", "-f", "/dev/null"]);
    // tail as PID 1 would ignore SIGTERM: an init process passes it on, so a stop takes no timeout.
    expect(container(plan, "nats-box").init).toBe(true);
    // A check that fails when no server answers (`nats rtt` exits 0 then); the live tests prove it.
    expect(container(plan, "nats-box").healthcheck.test).toEqual(expect.arrayContaining(["nats", "server", "check", "connection"]));
    // Only nats-box runs an init process; nats-server handles its signals itself.
    for (const node of natsNodes()) expect(node.init).toBeUndefined();
    // One image resource shared by the three nodes.
    const images = Object.values(resourcesOf(plan, "docker_image")).map((i) => i.name);
    expect(images.filter((name) => name === "nats:2.14.9-alpine")).toHaveLength(1);
  });

  it("routes every node to the first three nodes only, and a single node to none", () => {
    for (const node of natsNodes({ nodes: 5, routeTls: false })) {
      const routes = uploadedFile(node, CONFIG).match(/nats-route:\/\/[\w-]+:6222/g);
      expect(routes).toEqual(["nats-route://nats-node1:6222", "nats-route://nats-node2:6222", "nats-route://nats-node3:6222"]);
    }
    // With route security (the default) the URLs carry the route user; the hosts are the same seeds.
    for (const node of natsNodes({ nodes: 5 })) {
      const hosts = [
        ...uploadedFile(node, CONFIG).matchAll(/nats-route:\/\/route:\$\{random_password\.[\w-]+\.result\}@([\w-]+):6222/g),
      ].map((m) => m[1]);
      expect(hosts).toEqual(["nats-node1", "nats-node2", "nats-node3"]);
    }
    const [single] = natsNodes({ nodes: 1 });
    expect(uploadedFile(single, CONFIG)).not.toContain("cluster {");
  });

  it("leaves nodes 1-3 exactly as they are when the cluster grows from 3 to 5", () => {
    const three = synthStack({ nats: { nodes: 3 } }).plan;
    const five = synthStack({ nats: { nodes: 5 } }).plan;
    for (const type of ["docker_container", "docker_volume"]) {
      for (const [id, resource] of Object.entries(resourcesOf(three, type))) {
        // nats-box's contexts, Surveyor's --count and the exporter's URLs list every node.
        if (type === "docker_container" && labelsOf(resource)["natsmon.component"] !== "nats") continue;
        expect(resourcesOf(five, type)[id], `${type}.${id}`).toEqual(resource);
      }
    }
  });

  it("starts the seeds together and every later node after the nodes before it, as a chain", () => {
    const { plan } = synthStack({ nats: { nodes: 5 } });
    const idOf = Object.fromEntries(
      Object.entries(resourcesOf(plan, "docker_container")).map(([id, c]) => [c.name, `docker_container.${id}`]),
    );
    const dependsOn = (name: string) => container(plan, name).depends_on;
    for (const seed of ["nats-node1", "nats-node2", "nats-node3"]) expect(dependsOn(seed)).toBeUndefined();
    expect(dependsOn("nats-node4")).toEqual(["nats-node1", "nats-node2", "nats-node3"].map((n) => idOf[n]));
    expect(dependsOn("nats-node5")).toEqual([idOf["nats-node4"]]);
  });

  it("stops through lame duck mode with a stop timeout longer than grace + duration", () => {
    const [node] = natsNodes({ lameDuckDuration: "1m", lameDuckGracePeriod: "20s" });
    expect(node.stop_signal).toBe("SIGUSR2");
    expect(node.stop_timeout).toBeGreaterThan(80);
    expect(node.destroy_grace_seconds).toBe(node.stop_timeout);
    const config = uploadedFile(node, CONFIG);
    expect(config).toContain('lame_duck_duration: "1m"');
    expect(config).toContain('lame_duck_grace_period: "20s"');
  });

  it("checks health with JetStream enabled, never runs with a TTY and rotates its logs", () => {
    const [node] = natsNodes();
    // The pinned nats-server 2.14.9: js-meta-only, since js-server-only there only means "accepts connections".
    expect(node.healthcheck.test).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8222/healthz?js-meta-only=true"]);
    expect(node.tty).toBe(false);
    expect(node.restart).toBe("unless-stopped");
    expect(node.wait).toBe(true);
    expect(node.log_opts).toEqual({ "max-file": "3", "max-size": "10m" });
    expect(labelsOf(node)).toMatchObject({ "natsmon.component": "nats", "natsmon.spec-hash": expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it("chooses the readiness option by what the image's nats-server version checks", () => {
    const probe = (image: string) => natsNodes({ image })[0].healthcheck.test.at(-1);
    expect(probe("nats:2.14.9-alpine")).toBe("http://127.0.0.1:8222/healthz?js-meta-only=true");
    expect(probe("registry.example.test/nats:2.11.0-alpine")).toBe("http://127.0.0.1:8222/healthz?js-meta-only=true");
    // Before 2.11 js-server-only checked the meta leader, and js-meta-only did not exist.
    expect(probe("nats:2.10.29-alpine")).toBe("http://127.0.0.1:8222/healthz?js-server-only=true");
    expect(probe("nats:2.9.10")).toBe("http://127.0.0.1:8222/healthz?js-server-only=true");
    // Unknown versions get js-meta-only: an older server ignores it and runs its full, stricter check.
    expect(probe("nats:alpine")).toBe("http://127.0.0.1:8222/healthz?js-meta-only=true");
  });

  it("writes JetStream limits from human sizes", () => {
    const [node] = natsNodes({ maxMemoryStore: "512M", maxFileStore: "20G", memoryLimit: "2G" });
    const config = uploadedFile(node, CONFIG);
    expect(config).toContain(`max_memory_store: ${512 * 1024 ** 2}`);
    expect(config).toContain(`max_file_store: ${20 * 1024 ** 3}`);
    expect(node.memory).toBe(2048);
  });

  it("publishes node1's client port on 127.0.0.1:4222 and no monitoring port by default", () => {
    const nodes = natsNodes();
    expect(nodes[0].ports).toEqual([{ external: 4222, internal: 4222, ip: "127.0.0.1", protocol: "tcp" }]);
    expect(nodes[1].ports).toBeUndefined();
    expect(nodes[2].ports).toBeUndefined();
  });

  it("publishes every node on consecutive ports when asked", () => {
    const nodes = natsNodes({ publishEveryNode: true, clientHostPort: 14222, monitoringHostPort: 18222 });
    expect(nodes.map((n) => n.ports)).toEqual(
      [0, 1, 2].map((i) => [
        { external: 14222 + i, internal: 4222, ip: "127.0.0.1", protocol: "tcp" },
        { external: 18222 + i, internal: 8222, ip: "127.0.0.1", protocol: "tcp" },
      ]),
    );
  });

  it("prefixes container and volume names", () => {
    const { plan } = synthStack({ nats: { namePrefix: "team-a" } });
    expect(container(plan, "team-a-nats-node1")).toBeDefined();
    expect(container(plan, "team-a-nats-box")).toBeDefined();
    expect(Object.values(resourcesOf(plan, "docker_volume")).map((v) => v.name)).toContain("team-a-nats-node1-data");
  });

  it("creates a system user whose password comes from random_password, hashed for the servers", () => {
    const { plan } = synthStack();
    const [password] = Object.values(resourcesOf(plan, "random_password"));
    expect(password).toMatchObject({ length: 32, special: false });
    const node = container(plan, "nats-node1");
    expect(node.env).toEqual([
      expect.stringMatching(new RegExp(`^${SYSTEM_PASSWORD_ENV}=\\$\\{jsonencode\\(random_password\\.\\w+\\.bcrypt_hash\\)\\}$`)),
      // The application user's, the same way (see nats-auth.test.ts); the route password in plain text (see nats-tls-conf.ts).
      expect.stringMatching(/^NATS_APP_PASSWORD_BCRYPT=\$\{jsonencode\(random_password\.Nats_AppPassword_\w+\.bcrypt_hash\)\}$/),
      expect.stringMatching(/^NATS_ROUTE_PASSWORD=\$\{jsonencode\(random_password\.Nats_RoutePassword_\w+\.result\)\}$/),
    ]);
    expect(uploadedFile(node, CONFIG)).toContain(`password: $${SYSTEM_PASSWORD_ENV}`);
    const system = JSON.parse(uploadedFile(container(plan, "nats-box"), "/etc/nats-box/nats/context/system.json"));
    expect(system).toMatchObject({ user: "sys", password: expect.stringMatching(/^\$\{random_password\.\w+\.result\}$/) });
  });

  it("gives nats-box a default context for the cluster and one for the system account", () => {
    const box = container(synthStack().plan, "nats-box");
    expect(box.env).toEqual(["XDG_CONFIG_HOME=/etc/nats-box", "NATS_CONTEXT=cluster"]);
    const cluster = JSON.parse(uploadedFile(box, "/etc/nats-box/nats/context/cluster.json"));
    expect(cluster.url).toBe("nats://nats-node1:4222,nats://nats-node2:4222,nats://nats-node3:4222");
    expect(box.depends_on).toHaveLength(3);
  });

  it("can leave nats-box out", () => {
    expect(containersByName(synthStack({ nats: { natsBox: false } }).plan)["nats-box"]).toBeUndefined();
  });

  it("protects the JetStream volumes from destruction unless told otherwise", () => {
    const protectedVolumes = natsVolumes(synthStack().plan);
    expect(protectedVolumes.every((v) => v.lifecycle?.prevent_destroy === true)).toBe(true);
    const open = natsVolumes(synthStack({ nats: { protectData: false } }).plan);
    expect(open.every((v) => v.lifecycle?.prevent_destroy === false)).toBe(true);
  });

  it("exposes typed facts for the constructs that monitor it", () => {
    const stack = new TerraformStack(Testing.app(), "facts");
    const network = new Network(stack, "net", { name: "mine" });
    const cluster = new NatsCluster(stack, "Nats", { network, nodes: 5, clusterName: "east" });
    expect(cluster.nodeCount).toBe(5);
    expect(cluster.clusterName).toBe("east");
    expect(cluster.nodeNames).toEqual(["nats-node1", "nats-node2", "nats-node3", "nats-node4", "nats-node5"]);
    expect(cluster.clientUrls[4]).toBe("nats://nats-node5:4222");
    expect(cluster.monitoringUrls[0]).toBe("http://nats-node1:8222");
    expect(cluster.hostClientUrl).toBe("nats://127.0.0.1:4222");
    expect(cluster.systemUser).toBe("sys");
    const { plan } = synthesize(stack);
    expect(container(plan, "nats-node1").networks_advanced).toEqual([{ name: "${docker_network.net.name}" }]);
  });
});

describe("NatsCluster validation", () => {
  const build = (props: Partial<NatsClusterProps>) => () => {
    const stack = new TerraformStack(Testing.app(), "bad");
    const network = new Network(stack, "net", { name: "net" });
    new NatsCluster(stack, "Nats", { network, ...props });
  };

  it.each([
    [0, "use 3, the default, or another odd number"],
    [2, "use 1 or 3"],
    [4, "use 3 or 5"],
    [16, "use 15 at most"],
  ])("rejects nodes: %i with the rule and a fix", (nodes, fix) => {
    expect(build({ nodes })).toThrow(
      `NatsCluster "bad/Nats": nodes must be an odd number from 1 to 15 for a JetStream quorum, got ${nodes} (${fix})`,
    );
  });

  it("rejects a name prefix that is not a DNS label", () => {
    expect(build({ namePrefix: "Team_A" })).toThrow(/NatsCluster "bad\/Nats": namePrefix must be a DNS label .* got "Team_A"/);
  });

  it("rejects a placement host name that would not survive as a host tag", () => {
    const stack = new TerraformStack(Testing.app(), "bad");
    const network = new Network(stack, "net", { name: "net" });
    const host = (name: string) => ({ name, network, address: "10.0.0.1" });
    expect(() => new NatsCluster(stack, "Nats", { network, nodes: 1, placement: [host("Nats A")] })).toThrow(
      /NatsCluster "bad\/Nats": placement\[0\]\.name must be a DNS label .* because it becomes the node's host tag \(host:<name>\), got "Nats A"/,
    );
    expect(() => new NatsCluster(stack, "Nats2", { network, nodes: 1, placement: [host("nats-a")] })).not.toThrow();
  });

  it("rejects a malformed size", () => {
    expect(build({ maxFileStore: "10 gigs" })).toThrow(
      /NatsCluster "bad\/Nats": maxFileStore must be a size: .* got "10 gigs" \(write it like "256M" or "10G"\)/,
    );
  });

  it("rejects a memory store that does not fit in the container", () => {
    expect(build({ maxMemoryStore: "2G", memoryLimit: "1G" })).toThrow(/maxMemoryStore must be below the container memory limit/);
  });

  it.each([0, 70000, 4222.5])("rejects host port %s", (clientHostPort) => {
    expect(build({ clientHostPort })).toThrow(
      new RegExp(`NatsCluster "bad/Nats": clientHostPort must be a TCP port, an integer from 1 to 65535, got ${clientHostPort}`),
    );
  });

  it("rejects consecutive host ports that run past 65535", () => {
    // The message names the port the user wrote, not a derived one.
    expect(build({ publishEveryNode: true, clientHostPort: 65534 })).toThrow(
      /clientHostPort must leave room for one host port per node with publishEveryNode: 3 nodes need 65534-65536, beyond 65535, got 65534 \(use 65533 or lower\)/,
    );
  });

  it("rejects two services on one host port", () => {
    expect(build({ clientHostPort: 8222, monitoringHostPort: 8222 })).toThrow(
      /DockerService "bad\/Nats\/node1": host port is already published by nats-node1 \("bad\/Nats\/node1"\), got "127.0.0.1:8222" \(give one of the two services another host port\)/,
    );
  });

  it("rejects a bad bind address and a bad duration", () => {
    expect(build({ bindAddress: "localhost" })).toThrow(/bindAddress must be an IPv4 address/);
    expect(build({ lameDuckDuration: "2 minutes" })).toThrow(/lameDuckDuration must be a positive duration/);
  });
});

describe("NatsCluster in a stack built through index.ts", () => {
  it("builds 5 nodes from { nats: { nodes: 5 } }", () => {
    expect(natsNodes({ nodes: 5 })).toHaveLength(5);
  });

  it("synthesizes the container spec without cdktf metadata differences between sizes", () => {
    const a = withoutMetadata(container(synthStack({ nats: { nodes: 3 } }).plan, "nats-node2"));
    const b = withoutMetadata(container(synthStack({ nats: { nodes: 7 } }).plan, "nats-node2"));
    expect(b).toEqual(a);
  });
});
