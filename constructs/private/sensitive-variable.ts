import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { propError } from "./validation.js";

const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** How a secret setting names its sensitive Terraform variable. */
export interface SensitiveVariableSpec {
  /** The prop that names it, e.g. "webhookUrlVariable". */
  readonly prop: string;
  /** Construct id of the variable the construct declares for a name. */
  readonly id: string;
  /** The variable's description in the plan. */
  readonly description: string;
  /** A name to suggest in the fix, e.g. "alert_webhook_url". */
  readonly example: string;
}

/**
 * The value of a secret that must not be a literal in cdk.tf.json: `variable`
 * is either the name of a Terraform variable, which this declares as
 * sensitive (its value comes from `TF_VAR_<name>` or `-var`), or a
 * `TerraformVariable` of the caller's, which must be sensitive. Returns the
 * variable's reference (`${var.<name>}` once synthesized).
 */
export function sensitiveVariableValue(scope: Construct, variable: string | TerraformVariable, spec: SensitiveVariableSpec): string {
  if (variable instanceof TerraformVariable) {
    if (variable.sensitive !== true) {
      throw propError(scope, spec.prop, variable.node.path, "must be a sensitive variable", "declare it with sensitive: true");
    }
    return variable.stringValue;
  }
  if (!TERRAFORM_NAME.test(variable)) {
    throw propError(scope, spec.prop, variable, "must be a Terraform variable name", `use something like "${spec.example}"`);
  }
  const declared = new TerraformVariable(scope, spec.id, {
    type: "string",
    sensitive: true,
    nullable: false,
    description: spec.description,
  });
  // TF_VAR_<name> and -var <name>=... address the variable by this name.
  declared.overrideLogicalId(variable);
  return declared.stringValue;
}
