import type { TerraformVariable } from "cdktf";

/** Severities an alert receiver can be sent. */
export type NotifiedSeverity = "critical" | "warning" | "info";

/** Email notifications through an SMTP server. */
export interface EmailNotificationProps {
  /** Where the mails go, e.g. "oncall@example.com". */
  readonly to: string;
  /** The sender, e.g. "alertmanager@example.com". */
  readonly from: string;
  /** The SMTP server as host:port, e.g. "smtp.example.com:587". */
  readonly smarthost: string;
  /** The SMTP login. @default none: no authentication */
  readonly authUsername?: string;
  /**
   * The SMTP password from a sensitive Terraform variable: its name, which the
   * construct declares (set it with `TF_VAR_<name>`), or a sensitive
   * `TerraformVariable`. Never a literal: it would be written into cdk.tf.json.
   * @default none
   */
  readonly authPasswordVariable?: string | TerraformVariable;
  /** Require STARTTLS. @default true */
  readonly requireTls?: boolean;
  /** Severities sent by mail. @default ["critical", "warning"] */
  readonly severities?: readonly NotifiedSeverity[];
}

/** Slack (or a Slack-compatible service: Mattermost, Rocket.Chat) incoming-webhook notifications. */
export interface SlackNotificationProps {
  /**
   * The incoming-webhook URL, which is a secret, from a sensitive Terraform
   * variable: its name (set it with `TF_VAR_<name>`) or a sensitive `TerraformVariable`.
   */
  readonly apiUrlVariable: string | TerraformVariable;
  /** The channel, e.g. "#nats-alerts". @default the webhook's own channel */
  readonly channel?: string;
  /** Severities sent to the channel. @default ["critical", "warning"] */
  readonly severities?: readonly NotifiedSeverity[];
}

/** PagerDuty (Events API v2) paging. */
export interface PagerDutyNotificationProps {
  /** The integration's routing key, a secret, from a sensitive Terraform variable: its name or a sensitive `TerraformVariable`. */
  readonly routingKeyVariable: string | TerraformVariable;
  /** Severities that page. @default ["critical"] */
  readonly severities?: readonly NotifiedSeverity[];
}
