import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    // The Docker-engine tests have their own config: vitest.live.config.ts.
    exclude: ["__tests__/live/**", "node_modules/**"],
    testTimeout: 30_000,
  },
});
