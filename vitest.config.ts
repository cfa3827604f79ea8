import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // The examples import the package by name, as a user's project would.
    alias: { "nats-jetstream-monitoring": fileURLToPath(new URL("./index.ts", import.meta.url)) },
  },
  test: {
    include: ["__tests__/**/*.test.ts"],
    // The Docker-engine tests have their own config: vitest.live.config.ts.
    exclude: ["__tests__/live/**", "node_modules/**"],
    testTimeout: 30_000,
    // cdktf calls util.isArray, deprecated since Node 22 (DEP0044), as the app command
    // in cdktf.json already says: keep that warning out of every test file's output.
    execArgv: ["--disable-warning=DEP0044"],
  },
});
