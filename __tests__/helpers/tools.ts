import { spawnSync } from "node:child_process";
import { describe, it } from "vitest";

/** True when `command` is on the PATH. */
export function hasTool(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/**
 * A describe block that needs a real tool. Without the tool it is a visible
 * skip on a laptop, and a failing test when CI=true: CI must never pass
 * because a check silently did not run.
 */
export function describeWithTool(command: string, name: string, body: () => void): void {
  if (hasTool(command)) {
    describe(name, body);
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it(`needs ${command}`, () => {
        throw new Error(`${command} is not installed; .ci/run installs it (CI=true makes this a failure, not a skip)`);
      });
    });
  } else {
    console.warn(`SKIPPED "${name}": ${command} is not installed (run .ci/run, or install it, to run these checks)`);
    describe.skip(`${name} (skipped: ${command} not installed)`, body);
  }
}
