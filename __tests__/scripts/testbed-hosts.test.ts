import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../scripts/testbed-hosts.sh", import.meta.url));

/** Runs the script with arguments that it must refuse or ignore before it touches the machine. */
function run(...args: string[]) {
  return spawnSync("bash", [SCRIPT, ...args], { encoding: "utf8", timeout: 10_000 });
}

describe("scripts/testbed-hosts.sh (npm run testbed's opt-in engines)", () => {
  it("does nothing without a flag, so the single engine stays the default", () => {
    const result = run();
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe("");
  });

  it.each(["1", "6", "three", ""])("refuses --hosts %j before starting anything", (count) => {
    const result = run("--hosts", count);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--hosts takes a number from 2 to 5");
  });

  it.each(["--host-stop", "--host-start"])("%s refuses a host the testbed did not start, before touching an engine", (flag) => {
    for (const name of ["", "x1", "h", "h99"]) {
      const result = run(flag, name);
      expect(result.status, `${flag} ${name}`).toBe(2);
      expect(result.stderr).toContain(`no test host '${name}'`);
    }
  });

  it("refuses an unknown flag", () => {
    const result = run("--host", "3");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown argument '--host'");
  });

  it("is valid bash", () => {
    expect(spawnSync("bash", ["-n", SCRIPT]).status).toBe(0);
  });
});
