import { describe, expect, it } from "vitest";
import { emulatedAddress, emulatePlan, originalAddress } from "../../scripts/terraform-emulation/emulate-plan.js";

const SYNTHESIZED = {
  "//": { metadata: {} },
  terraform: { required_providers: { docker: { source: "kreuzwerker/docker" } } },
  provider: { docker: [{}] },
  resource: {
    docker_volume: { data: { name: "nats-node1-data", lifecycle: { prevent_destroy: true } } },
    docker_image: { img: { name: "nats:2.14.5-alpine", keep_locally: true } },
    random_password: { pw: { length: 32, special: false } },
    docker_container: {
      node: {
        "//": { metadata: { path: "x" } },
        name: "nats-node1",
        image: "${docker_image.img.image_id}",
        env: ["P=${jsonencode(random_password.pw.bcrypt_hash)}"],
        memory: 1024,
        restart: "unless-stopped",
        healthcheck: { test: ["CMD", "true"] },
        upload: [{ file: "/etc/x.conf", content: "discovery.docker_sd.x uses docker_volume.data.name literally" }],
        volumes: [{ volume_name: "${docker_volume.data.name}", container_path: "/data" }],
        depends_on: ["docker_volume.data"],
      },
    },
  },
  output: { volumes: { value: ["${docker_volume.data.name}"] }, password: { value: "${random_password.pw.result}", sensitive: true } },
  removed: [{ from: "docker_volume.gone", lifecycle: { destroy: false } }],
};

describe("emulatePlan", () => {
  const emulated = emulatePlan(SYNTHESIZED) as Record<string, any>;
  const node = emulated.resource.terraform_data.docker_container__node;

  it("drops providers, the terraform block and cdktf metadata, and keeps only terraform_data", () => {
    expect(Object.keys(emulated).sort()).toEqual(["output", "removed", "resource"]);
    expect(Object.keys(emulated.resource)).toEqual(["terraform_data"]);
    expect(Object.keys(emulated.resource.terraform_data).sort()).toEqual([
      "docker_container__node",
      "docker_image__img",
      "docker_volume__data",
      "random_password__pw",
    ]);
  });

  it("puts replace-forcing attributes in triggers_replace and in-place ones in input", () => {
    expect(Object.keys(node.triggers_replace).sort()).toEqual(["env", "image", "name", "upload", "volumes"]);
    expect(Object.keys(node.input).sort()).toEqual(["healthcheck", "memory", "restart"]);
    expect(emulated.resource.terraform_data.docker_image__img).toEqual({
      triggers_replace: { name: "nats:2.14.5-alpine" },
      input: { keep_locally: true },
    });
  });

  it("rewrites references: configured attributes to where they went, computed ones to the emulated id", () => {
    expect(node.triggers_replace.image).toBe("${terraform_data.docker_image__img.id}");
    expect(node.triggers_replace.env).toEqual(["P=${jsonencode(terraform_data.random_password__pw.id)}"]);
    expect(node.triggers_replace.volumes[0].volume_name).toBe("${terraform_data.docker_volume__data.triggers_replace.name}");
    expect(node.depends_on).toEqual(["terraform_data.docker_volume__data"]);
    expect(emulated.output.volumes.value).toEqual(["${terraform_data.docker_volume__data.triggers_replace.name}"]);
    expect(emulated.output.password).toEqual({ value: "${terraform_data.random_password__pw.id}", sensitive: true });
  });

  it("leaves text outside ${...} alone (uploaded files may mention docker_ words)", () => {
    expect(node.triggers_replace.upload[0].content).toBe("discovery.docker_sd.x uses docker_volume.data.name literally");
  });

  it("keeps lifecycle and removed blocks, with addresses rewritten", () => {
    expect(emulated.resource.terraform_data.docker_volume__data.lifecycle).toEqual({ prevent_destroy: true });
    expect(emulated.removed).toEqual([{ from: "terraform_data.docker_volume__gone", lifecycle: { destroy: false } }]);
  });

  it("maps addresses both ways", () => {
    expect(emulatedAddress("docker_volume.Nats_node1-data_5315B1E6")).toBe("terraform_data.docker_volume__Nats_node1-data_5315B1E6");
    expect(originalAddress("terraform_data.docker_volume__Nats_node1-data_5315B1E6")).toBe("docker_volume.Nats_node1-data_5315B1E6");
    expect(originalAddress("terraform_data.mine")).toBe("terraform_data.mine");
  });

  it("refuses what it cannot emulate faithfully", () => {
    expect(() => emulatePlan({ resource: { docker_service: { s: { name: "x" } } } })).toThrow(
      /no replace-forcing attribute list for docker_service/,
    );
    expect(() => emulatePlan({ resource: { docker_volume: { v: { name: "x", lifecycle: { ignore_changes: ["name"] } } } } })).toThrow(
      /lifecycle.ignore_changes/,
    );
    expect(() => emulatePlan({ resource: { docker_volume: { v: { name: "${docker_network.missing.name}" } } } })).toThrow(
      /docker_network.missing, which the configuration does not declare/,
    );
  });
});
