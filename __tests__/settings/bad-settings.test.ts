import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { NatsMonitoringStack, type NatsMonitoringStackProps, PropValidationError } from "../../index.js";
import { BAD_SETTINGS, type BadSetting } from "./bad-settings.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const STACK_FRAME = /^\s+at /m;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The checks every message must pass: it names the prop right after the construct, and says what the case wants. */
function expectMessage(message: string, bad: BadSetting): void {
  expect(message).toMatch(new RegExp(`^\\w+ "[^"]*": ${escapeRegExp(bad.prop)} `));
  if (bad.says) expect(message).toMatch(bad.says);
  if (bad.notSays) expect(message).not.toMatch(bad.notSays);
  expect(message).not.toMatch(/TypeError|is not a function|Cannot read properties/);
  expect(message).not.toMatch(STACK_FRAME);
}

interface ContextRun {
  readonly stderr: string;
  readonly exitCode: number;
  readonly escaped?: string;
}

/** Every case through the default app in one child process (helpers/run-context-cases.ts). */
function runContexts(contexts: readonly Record<string, unknown>[]): ContextRun[] {
  const child = spawnSync(TSX, ["__tests__/settings/helpers/run-context-cases.ts"], {
    cwd: ROOT,
    input: JSON.stringify(contexts),
    encoding: "utf8",
    env: { ...process.env, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "" },
    timeout: 60_000,
  });
  if (child.status !== 0) throw new Error(`the context runner failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as ContextRun[];
}

describe(`${BAD_SETTINGS.length} bad settings`, () => {
  it("are at least 40, each with its own case", () => {
    expect(BAD_SETTINGS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(BAD_SETTINGS.map((bad) => bad.name)).size).toBe(BAD_SETTINGS.length);
  });

  describe("through the API (new NatsMonitoringStack)", () => {
    for (const bad of BAD_SETTINGS) {
      it(bad.name, () => {
        let caught: unknown;
        try {
          new NatsMonitoringStack(Testing.app(), "nats-monitoring", bad.context as NatsMonitoringStackProps);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(PropValidationError);
        const error = caught as PropValidationError;
        expect(error.prop).toBe(bad.prop);
        expect(error.message.split("\n")).toHaveLength(1);
        expectMessage(error.message, bad);
      });
    }
  });

  describe("through the cdktf.json context (CDKTF_CONTEXT_JSON, the default app)", () => {
    const runs = runContexts(BAD_SETTINGS.map((bad) => ({ stackName: "nats-monitoring", ...bad.context })));
    for (const [index, bad] of BAD_SETTINGS.entries()) {
      it(bad.name, () => {
        const run = runs[index];
        expect(run.escaped).toBeUndefined();
        expect(run.exitCode).toBe(1);
        const lines = run.stderr.trimEnd().split("\n");
        expect(lines).toHaveLength(1);
        expectMessage(lines[0], bad);
      });
    }
  });
});

describe("main.ts as cdktf runs it (npx tsx main.ts with CDKTF_CONTEXT_JSON)", () => {
  const cases = [BAD_SETTINGS[0], BAD_SETTINGS[4], BAD_SETTINGS.find((bad) => bad.prop === "lameDuckDuration") as BadSetting];
  it("prints each message once, without a stack trace, and exits 1", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "natsmon-settings-main-"));
    const runs = await Promise.all(
      cases.map(
        (bad) =>
          new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
            const child = spawn(TSX, ["main.ts"], {
              cwd: ROOT,
              env: {
                ...process.env,
                CDKTF_CONTEXT_JSON: JSON.stringify({ stackName: "nats-monitoring", ...bad.context }),
                CDKTF_OUTDIR: outdir,
                CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "",
              },
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (chunk) => {
              stdout += chunk;
            });
            child.stderr.on("data", (chunk) => {
              stderr += chunk;
            });
            child.on("close", (code) => done({ code, stdout, stderr }));
          }),
      ),
    );
    rmSync(outdir, { recursive: true, force: true });
    for (const [index, run] of runs.entries()) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expectMessage(lines[0], cases[index]);
    }
  }, 60_000);
});
