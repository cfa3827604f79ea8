import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bashHttpProbe } from "../../constructs/log-collector.js";
import { describeWithTool } from "../helpers/tools.js";

/**
 * Runs the probe's command as Docker would (CMD form: no shell around it),
 * asynchronously, so that the server in this process can answer it.
 */
function probe(port: number, path: string): Promise<number | null> {
  const [, command, ...args] = bashHttpProbe(port, path);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "ignore", timeout: 5_000 });
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

describeWithTool("bash", "the collectors' bash healthcheck, against a real HTTP server", () => {
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === "/-/ready" ? 200 : 503;
      response.end(request.url === "/-/ready" ? "Alloy is ready." : "not ready");
    });
    port = await listen(server);
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("is healthy on a 200", async () => {
    expect(bashHttpProbe(port, "/-/ready").slice(0, 3)).toEqual(["CMD", "bash", "-c"]);
    expect(await probe(port, "/-/ready")).toBe(0);
  });

  it("is unhealthy on another status or when nothing listens", async () => {
    expect(await probe(port, "/ready")).toBe(1);
    const closed = createServer();
    const closedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    expect(await probe(closedPort, "/-/ready")).toBe(1);
  });
});
