import { describe, expect, it } from "vitest";
import { useTempDirs } from "../helpers/temp-dirs.js";
import { runNatsmon as natsmon } from "./helpers/run-natsmon.js";

const folderWith = useTempDirs();

/** A `terraform output -json` file of a 3-node stack with the prefix "prod-". */
function outputsFile(dataVolumes?: string[]): string {
  const outputs: Record<string, unknown> = {
    nats_servers: { value: ["prod-nats-node1", "prod-nats-node2", "prod-nats-node3"], type: ["list", "string"], sensitive: false },
  };
  if (dataVolumes) outputs.data_volumes = { value: dataVolumes, type: ["list", "string"], sensitive: false };
  return `${folderWith({ "outputs.json": JSON.stringify(outputs) })}/outputs.json`;
}

// Every refusal here comes before natsmon talks to Docker: nothing is removed.
describe("natsmon volumes rm (the real CLI, as a subprocess)", () => {
  it("is listed in --help", async () => {
    const { code, stdout } = await natsmon(["volumes", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}rm \[options\] <name>/m);
  });

  it("refuses a name that is not one of the stack's volumes", async () => {
    const { code, stderr } = await natsmon(["volumes", "rm", "nats-node4-data", "--outputs", outputsFile(["prod-nats-node1-data"])]);
    expect(code).toBe(2);
    expect(stderr).toContain('nats-node4-data is not a data volume of the stack (prefix "prod-")');
  });

  it("refuses a volume the deployed configuration still declares", async () => {
    const { code, stderr } = await natsmon(["volumes", "rm", "prod-nats-node1-data", "--outputs", outputsFile(["prod-nats-node1-data"])]);
    expect(code).toBe(2);
    expect(stderr).toContain("prod-nats-node1-data is in the deployed configuration (data_volumes)");
    expect(stderr).toContain("fix: turn the part off (or scale the cluster in) and deploy first");
  });

  it("refuses when it cannot read which volumes the configuration declares", async () => {
    const { code, stderr } = await natsmon(["volumes", "rm", "prod-nats-node5-data", "--outputs", outputsFile()]);
    expect(code).toBe(2);
    expect(stderr).toContain("cannot tell whether the deployed configuration still declares prod-nats-node5-data");
  });
});
