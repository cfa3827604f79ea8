import { type TerraformVariable, Token } from "cdktf";
import type { Construct } from "constructs";
import { sensitiveVariableValue } from "./sensitive-variable.js";
import { propError } from "./validation.js";

/** A path segment that looks like a token: long, letters and digits mixed (Slack, Discord, Teams webhooks). */
const TOKEN_SEGMENT = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_.@=-]{16,}$/;

/**
 * The webhook URL Alertmanager posts to: a literal without credentials, a
 * Terraform reference, or the value of a sensitive variable named by
 * `variable`. A literal that carries credentials (user:password@, a query
 * string, a token-like path segment) is refused, since cdk.tf.json would
 * hold it.
 */
export function resolveWebhookUrl(
  scope: Construct,
  url: string | undefined,
  variable: string | TerraformVariable | undefined,
): string | undefined {
  if (variable !== undefined) {
    if (url !== undefined) {
      throw propError(scope, "webhookUrl", url, "must not be set together with webhookUrlVariable", "keep one of the two");
    }
    return sensitiveVariableValue(scope, variable, {
      prop: "webhookUrlVariable",
      id: "WebhookUrlVariable",
      description: "The webhook URL Alertmanager sends notifications to.",
      example: "alert_webhook_url",
    });
  }
  if (url === undefined || Token.isUnresolved(url)) return url;
  let parsed: URL | undefined;
  try {
    parsed = /^https?:\/\/\S+$/.test(url) ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed) throw propError(scope, "webhookUrl", url, "must be an http(s) URL", "write it like https://hooks.example.com/alerts");
  const secretSegments = parsed.pathname.split("/").filter((segment) => TOKEN_SEGMENT.test(segment));
  if (parsed.username !== "" || parsed.password !== "" || parsed.search !== "" || secretSegments.length > 0) {
    throw propError(
      scope,
      "webhookUrl",
      redacted(parsed, secretSegments),
      "must not carry credentials (user:password@, a query string or a token in the path) as a literal, which would be written into cdk.tf.json",
      'name a sensitive Terraform variable instead: webhookUrlVariable: "alert_webhook_url", and set TF_VAR_alert_webhook_url',
    );
  }
  return url;
}

/** The URL with its secret parts replaced, for the error message. */
function redacted(url: URL, secretSegments: readonly string[]): string {
  const path = url.pathname
    .split("/")
    .map((segment) => (secretSegments.includes(segment) ? "***" : segment))
    .join("/");
  const credentials = url.username !== "" || url.password !== "" ? "***@" : "";
  return `${url.protocol}//${credentials}${url.host}${path}${url.search !== "" ? "?***" : ""}`;
}
