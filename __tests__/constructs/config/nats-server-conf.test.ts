import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderNatsServerConf, SYSTEM_PASSWORD_ENV } from "../../../constructs/config/nats-server-conf.js";
import { EnvReference, formatNatsConf } from "../../../constructs/private/nats-conf-format.js";
import { describeWithPinnedBinary, pinnedVersion } from "../../helpers/pinned-binaries.js";
import { containersByName, labelsOf, synthStack, uploadedFile } from "../../helpers/plan.js";
import { describeWithTool } from "../../helpers/tools.js";

// bcrypt of "test-password", as random_password's bcrypt_hash would give.
const BCRYPT = "$2a$10$YkFiHkxegdAXGN4SVhKTu.oExIzHTqg0cKB8FyWfAyklB.Q1UmVKm";

describe("formatNatsConf", () => {
  it("writes blocks, arrays, quoted strings and environment references", () => {
    const text = formatNatsConf(
      { a: 'x"y', b: 1, c: true, d: { e: ["p", "q"] }, f: [{ user: "u", password: new EnvReference("PW") }], g: undefined },
      ["header"],
    );
    expect(text).toBe(
      [
        "# header",
        'a: "x\\"y"',
        "b: 1",
        "c: true",
        "d {",
        "  e: [",
        '    "p"',
        '    "q"',
        "  ]",
        "}",
        "f: [",
        '  { user: "u", password: $PW }',
        "]",
        "",
      ].join("\n"),
    );
  });

  it("refuses values it cannot write", () => {
    expect(() => formatNatsConf({ a: Number.NaN })).toThrow(/not a finite number/);
    expect(() => new EnvReference("not-a-var")).toThrow(/not an environment variable name/);
  });
});

describe("renderNatsServerConf", () => {
  const input = {
    serverName: "n1",
    maxMemoryStoreBytes: 1024,
    maxFileStoreBytes: 2048,
    systemUser: "sys",
    lameDuckDuration: "30s",
    lameDuckGracePeriod: "10s",
  };

  it("depends only on the seeds, not on the cluster size", () => {
    const seeds = ["nats-node1", "nats-node2", "nats-node3"];
    const text = renderNatsServerConf({ ...input, cluster: { name: "c", seeds } });
    expect(text).toContain('  name: "c"');
    expect(text).toContain('  listen: "0.0.0.0:6222"');
    expect(text).toContain("http_port: 8222");
    expect(text).toContain('system_account: "SYS"');
  });

  it("keeps the password out of the file", () => {
    expect(renderNatsServerConf(input)).toContain(`{ user: "sys", password: $${SYSTEM_PASSWORD_ENV} }`);
  });
});

/** The -t checks, run with one nats-server binary. */
function configChecks(natsServer: string): void {
  const dir = mkdtempSync(join(tmpdir(), "nats-conf-"));

  it.each([1, 3, 5])("with %i nodes", (nodes) => {
    const containers = Object.values(containersByName(synthStack({ nats: { nodes } }).plan)).filter(
      (c) => labelsOf(c)["natsmon.component"] === "nats",
    );
    expect(containers).toHaveLength(nodes);
    for (const node of containers) {
      const file = join(dir, `${node.name}-${nodes}.conf`);
      writeFileSync(file, uploadedFile(node, "/etc/nats/nats-server.conf"));
      const result = spawnSync(natsServer, ["-c", file, "-t"], {
        encoding: "utf8",
        env: { ...process.env, [SYSTEM_PASSWORD_ENV]: `"${BCRYPT}"` },
      });
      expect(result.status, `${node.name}: ${result.stderr}${result.stdout}`).toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(/configuration file .* is valid/);
    }
  });

  it("fails a config whose password variable is missing, so the check can fail", () => {
    const file = join(dir, "missing-env.conf");
    writeFileSync(
      file,
      renderNatsServerConf({
        serverName: "n1",
        maxMemoryStoreBytes: 1024,
        maxFileStoreBytes: 2048,
        systemUser: "sys",
        lameDuckDuration: "30s",
        lameDuckGracePeriod: "10s",
      }),
    );
    const env = { ...process.env };
    delete env[SYSTEM_PASSWORD_ENV];
    const result = spawnSync(natsServer, ["-c", file, "-t"], { encoding: "utf8", env });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(SYSTEM_PASSWORD_ENV);
  });
}

// Debian's 2.9.10 on the PATH, for the older server line.
describeWithTool("nats-server", "every synthesized node config passes nats-server -t (Debian's nats-server on the PATH)", () =>
  configChecks("nats-server"),
);

// The version the stack pins (constructs/images.ts), built by the testbed from its Go module.
describeWithPinnedBinary(
  "nats-server",
  `every synthesized node config passes nats-server -t (pinned ${pinnedVersion("nats-server")})`,
  (path) => {
    it("is the pinned version", () => {
      expect(spawnSync(path, ["--version"], { encoding: "utf8" }).stdout).toContain(`v${pinnedVersion("nats-server")}`);
    });
    configChecks(path);
  },
);
