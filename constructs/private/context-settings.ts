import { Annotations, App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { NatsMonitoringStackProps } from "../nats-monitoring-stack.js";
import { PropValidationError } from "./validation.js";

/**
 * The `context` of cdktf.json for the default app (main.ts): the stack's
 * name and every NatsMonitoringStackProps member. schema/settings.schema.json
 * is generated from this type.
 */
export interface NatsMonitoringContext extends NatsMonitoringStackProps {
  /**
   * The stack's name: its folder under cdktf.out/stacks and the name
   * `cdktf deploy <stack>` takes. Letters, digits, - and _.
   * @default "nats-monitoring"
   */
  readonly stackName?: string;
}

/** Context keys that cdktf itself sets or reads; they are not settings. */
export function isCdktfContextKey(key: string): boolean {
  return key.startsWith("cdktf") || key.startsWith("@cdktf/") || key === "$schema";
}

const STACK_NAME = /^[A-Za-z0-9_-]+$/;

/** The stack's name and settings from an app's context (cdktf.json `context`, passed in CDKTF_CONTEXT_JSON). */
export function contextSettings(app: Construct): { stackName: string; settings: NatsMonitoringStackProps } {
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(app.node.getAllContext())) {
    if (!isCdktfContextKey(key)) settings[key] = value;
  }
  const { stackName = "nats-monitoring", ...props } = settings;
  if (typeof stackName !== "string" || !STACK_NAME.test(stackName)) {
    throw new PropValidationError(
      "",
      "stackName",
      stackName,
      `cdktf.json context: stackName must be a name of letters, digits, - and _ (the stack's folder under cdktf.out/stacks), got ${JSON.stringify(stackName)} (use something like "nats-monitoring")`,
    );
  }
  return { stackName, settings: props as NatsMonitoringStackProps };
}

/**
 * Runs the app; a wrong setting ends it with its message printed once,
 * without a stack trace, and a non-zero exit status. Any other error is a
 * bug and keeps its stack trace.
 *
 * Under the cdktf CLI (which sets CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS),
 * the message becomes an error annotation of an empty stack: the CLI prints
 * annotations once (`ERROR [stack]: ...`) and fails the synth, whereas the
 * app's own stderr would be printed twice, live and again in its summary.
 * Run directly (`tsx main.ts`), the message goes to stderr and the exit
 * status is 1.
 */
export function exitOnSettingsError(run: () => void, stackName: () => string = () => "nats-monitoring"): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof PropValidationError)) throw error;
    if (process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS) {
      const app = new App({ stackTraces: false });
      const stack = new TerraformStack(app, stackName());
      Annotations.of(stack).addError(error.message);
      // The CLI fails on the annotation, but this empty stack replaces the
      // stack's cdk.tf.json: a `terraform apply` run by hand in its folder
      // would plan to destroy everything. No Terraform version satisfies this.
      stack.addOverride("terraform.required_version", "0.0.0-settings-error");
      app.synth();
      return;
    }
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
