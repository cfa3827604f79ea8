import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = "scripts/testbed.sh";

/** Runs the script's debian_mirror function against an apt folder laid out from `files`. */
function debianMirror(files: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const apt = mkdtempSync(join(tmpdir(), "natsmon-apt-"));
  dirs.push(apt);
  mkdirSync(join(apt, "sources.list.d"));
  for (const [path, content] of Object.entries(files)) writeFileSync(join(apt, path), content);
  const run = spawnSync("bash", ["-c", `set -euo pipefail; source <(sed -n '/^debian_mirror()/,/^}/p' ${SCRIPT}); debian_mirror`], {
    env: { ...process.env, TESTBED_APT_DIR: apt },
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("scripts/testbed.sh takes the Debian mirror only from apt's sources", () => {
  it("reads a deb822 .sources file and skips the security archive", () => {
    const sources = [
      "Types: deb",
      "URIs: http://mirror.example.test/debian-security",
      "Suites: bookworm-security",
      "",
      "Types: deb",
      "URIs: http://mirror.example.test/debian",
      "Suites: bookworm bookworm-updates",
    ].join("\n");
    expect(debianMirror({ "sources.list.d/debian.sources": sources })).toMatchObject({
      status: 0,
      stdout: "http://mirror.example.test/debian",
    });
  });

  it("reads a one-line sources.list, options in brackets included", () => {
    const list = "# a comment\ndeb [signed-by=/usr/share/keyrings/k.gpg] http://other.example.test/debian bookworm main\n";
    expect(debianMirror({ "sources.list": list })).toMatchObject({ status: 0, stdout: "http://other.example.test/debian" });
  });

  it("fails with a clear message, and no fallback host, when no mirror is configured", () => {
    const result = debianMirror({ "sources.list": "# deb http://commented.example.test/debian bookworm main\n" });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/no Debian mirror is configured for apt/);
  });

  it("has no hard-coded mirror host left in the script", async () => {
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(SCRIPT, "utf8")).not.toMatch(/deb\.debian\.org|https?:\/\/[a-z0-9.-]+\/debian/);
  });
});
