import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  CDKTF_SCHEMA_PATH,
  cdktfJsonSchema,
  generateSettingsSchema,
  generateValidatorCode,
  SETTINGS_SCHEMA_PATH,
  schemaText,
  VALIDATOR_PATH,
} from "../../scripts/settings-schema.js";

describe("the committed settings schema", () => {
  it("is what the props types generate (run `npm run schema` after changing a prop)", () => {
    const schema = generateSettingsSchema();
    expect(readFileSync(SETTINGS_SCHEMA_PATH, "utf8")).toBe(schemaText(schema));
    expect(readFileSync(CDKTF_SCHEMA_PATH, "utf8")).toBe(schemaText(cdktfJsonSchema()));
    expect(readFileSync(VALIDATOR_PATH, "utf8")).toBe(generateValidatorCode(schema));
  }, 120_000);

  it("describes the props with their JSDoc and keeps only JSON defaults", () => {
    const schema = JSON.parse(readFileSync(SETTINGS_SCHEMA_PATH, "utf8"));
    const nats = schema.definitions.NatsMonitoringContext.properties.nats.properties;
    expect(nats.nodes).toMatchObject({ type: "number", default: 3 });
    expect(nats.nodes.description).toMatch(/^Number of JetStream servers/);
    // Prose defaults move into the description instead of becoming values.
    expect(nats.monitoringHostPort.default).toBeUndefined();
    expect(nats.monitoringHostPort.description).toMatch(/Default: not published\.$/);
    expect(schema.definitions.NatsMonitoringContext.properties.stackName).toMatchObject({ type: "string", default: "nats-monitoring" });
    expect(schema.definitions.NatsMonitoringStackProps.properties.stackName).toBeUndefined();
  });
});

describe("the generated validator", () => {
  it("accepts empty settings, which validateStackSettings therefore does not run it on", async () => {
    const { validateStackProps } = await import("../../constructs/private/settings-validator.generated.js");
    expect(validateStackProps({})).toBe(true);
  });
});
