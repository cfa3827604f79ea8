import { defineConfig } from "vitest/config";

/**
 * The live tests (npm run test:live): the synthesized plan replayed on a
 * real Docker engine prepared by `npm run testbed`. Kept out of the default
 * config because they need that engine and take minutes.
 */
export default defineConfig({
  test: {
    include: ["__tests__/live/**/*.live.test.ts"],
    globalSetup: ["__tests__/live/global-setup.ts"],
    // One engine and fixed host ports (4222-4226, 8222-8226, 9090): the
    // files must run one after another.
    fileParallelism: false,
    // cdktf calls util.isArray, deprecated since Node 22 (DEP0044), as the app command
    // in cdktf.json already says: keep that warning out of every test file's output.
    execArgv: ["--disable-warning=DEP0044"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
