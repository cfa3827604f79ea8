import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { GO_BUILDS } from "../../scripts/testbed-pins.js";

/** Where scripts/testbed-go.sh keeps its builds (TESTBED_CACHE_DIR as in the script). */
const GO_DIR = join(process.env.TESTBED_CACHE_DIR ?? "/var/cache/natsmon-testbed", "go");

/**
 * The path of a binary the testbed built at the stack's pinned version
 * (e.g. nats-server 2.14.9), or undefined before `npm run testbed` has run.
 */
export function pinnedBinary(binary: string): string | undefined {
  const build = GO_BUILDS.find((b) => b.binaries.includes(binary));
  if (!build) throw new Error(`the testbed builds no ${binary}; scripts/testbed-pins.ts lists what it builds`);
  const folder = build.goPackage === "." ? `${build.module}@${build.version}` : `${build.module}/${build.goPackage}@${build.version}`;
  const path = join(GO_DIR, folder, "bin", binary);
  return existsSync(path) ? path : undefined;
}

/** The pinned version of the program that builds `binary`, e.g. "2.14.9". */
export function pinnedVersion(binary: string): string {
  const build = GO_BUILDS.find((b) => b.binaries.includes(binary));
  if (!build) throw new Error(`the testbed builds no ${binary}`);
  return build.version.slice(1);
}

/**
 * A describe block that needs a binary of the pinned version. Without it
 * (the testbed has not run) it is a visible skip on a laptop and a failing
 * test when CI=true, as describeWithTool does for tools on the PATH.
 */
export function describeWithPinnedBinary(binary: string, name: string, body: (path: string) => void): void {
  const path = pinnedBinary(binary);
  if (path) {
    describe(name, () => body(path));
  } else if (process.env.CI === "true") {
    describe(name, () => {
      it(`needs the pinned ${binary}`, () => {
        throw new Error(`${binary} ${pinnedVersion(binary)} is not built; \`npm run testbed\` builds it (CI=true makes this a failure)`);
      });
    });
  } else {
    console.warn(`SKIPPED "${name}": the pinned ${binary} is not built (run \`npm run testbed\`)`);
    describe.skip(`${name} (skipped: pinned ${binary} not built)`, () => body(""));
  }
}
