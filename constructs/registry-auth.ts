import type { DockerProviderRegistryAuth } from "@cdktf/provider-docker/lib/provider/index.js";
import { type IResolvable, type TerraformVariable, Token } from "cdktf";
import type { Construct } from "constructs";
import { sensitiveVariableValue } from "./private/sensitive-variable.js";
import { propError } from "./private/validation.js";

/**
 * Credentials for one private registry, as the Docker provider takes them,
 * with the secret parts kept out of cdk.tf.json: a literal `password` or
 * `configFileContent` is refused; name a sensitive Terraform variable in
 * `passwordVariable`, pass a sensitive `TerraformVariable`'s value, or use
 * `configFile` (what `docker login` writes).
 */
export interface RegistryAuth {
  /** The registry's address, e.g. "registry.example.com". */
  readonly address: string;
  /** A Docker config file with the login, e.g. "~/.docker/config.json". @default the provider's: ~/.docker/config.json */
  readonly configFile?: string;
  /** The content of a Docker config file: a Terraform reference only, since it holds the login. @default none */
  readonly configFileContent?: string;
  /** The user name. @default none */
  readonly username?: string;
  /** The password: a Terraform reference only (a sensitive `TerraformVariable`'s value). @default none */
  readonly password?: string;
  /**
   * The password from a sensitive Terraform variable: its name, which the
   * stack declares (set it with `TF_VAR_<name>`), or a `TerraformVariable`.
   * @default none
   */
  readonly passwordVariable?: string | TerraformVariable;
  /** The registry needs no login. @default false */
  readonly authDisabled?: boolean | IResolvable;
}

/** The provider's registry_auth blocks; refuses literal secrets. */
export function resolveRegistryAuth(
  scope: Construct,
  auths: readonly RegistryAuth[] | undefined,
): DockerProviderRegistryAuth[] | undefined {
  return auths?.map((auth, index) => {
    const { passwordVariable, ...rest } = auth;
    for (const secret of ["password", "configFileContent"] as const) {
      const value = auth[secret];
      if (value !== undefined && !Token.isUnresolved(value)) {
        throw propError(
          scope,
          `registryAuth[${index}].${secret}`,
          "(a literal, not shown)",
          "must not be a literal, which would be written into cdk.tf.json",
          secret === "password"
            ? 'name a sensitive Terraform variable instead, e.g. passwordVariable: "registry_password" (set TF_VAR_registry_password), or use configFile'
            : "use configFile, the Docker config that `docker login` writes",
        );
      }
    }
    if (passwordVariable === undefined) return rest;
    if (auth.password !== undefined) {
      throw propError(
        scope,
        `registryAuth[${index}].passwordVariable`,
        passwordVariable,
        "must not be set together with password",
        "keep one of the two",
      );
    }
    const password = sensitiveVariableValue(scope, passwordVariable, {
      prop: `registryAuth[${index}].passwordVariable`,
      id: `RegistryPassword${index}`,
      description: `Password for the registry ${auth.address}.`,
      example: "registry_password",
    });
    return { ...rest, password };
  });
}
