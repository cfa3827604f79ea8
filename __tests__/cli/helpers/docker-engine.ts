import { spawnSync } from "node:child_process";
import { describe, it } from "vitest";

/** True when a Docker engine answers the docker CLI. */
export function dockerEngineAnswers(): boolean {
  return spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], { stdio: "ignore", timeout: 10_000 }).status === 0;
}

/**
 * A describe block that needs a running Docker engine: a visible skip on a
 * laptop without one, a failure when CI=true (CI starts dockerd).
 */
export function describeWithDockerEngine(name: string, body: () => void): void {
  if (dockerEngineAnswers()) {
    describe(name, body);
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it("needs a Docker engine", () => {
        throw new Error("no Docker engine answers (docker version failed); CI must start dockerd before the tests");
      });
    });
  } else {
    console.warn(`SKIPPED "${name}": no Docker engine answers (start dockerd to run these tests)`);
    describe.skip(`${name} (skipped: no Docker engine)`, body);
  }
}
