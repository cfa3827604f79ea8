import type { Construct } from "constructs";
import type { EmailNotificationProps, NotifiedSeverity, PagerDutyNotificationProps, SlackNotificationProps } from "../alert-receivers.js";
import type { NotificationReceiver } from "../config/alertmanager-receivers.js";
import { sensitiveVariableValue } from "./sensitive-variable.js";
import { propError } from "./validation.js";

const SEVERITIES: readonly NotifiedSeverity[] = ["critical", "warning", "info"];
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

function severities(
  scope: Construct,
  prop: string,
  value: readonly NotifiedSeverity[] | undefined,
  fallback: NotifiedSeverity[],
): string[] {
  const list = value ?? fallback;
  if (list.length === 0 || list.some((s) => !SEVERITIES.includes(s))) {
    throw propError(scope, prop, list, `must list severities among ${SEVERITIES.join(", ")}`, 'write it like ["critical", "warning"]');
  }
  return [...list];
}

/** The receivers of an Alertmanager's props, validated, secrets as sensitive variable references. */
export function resolveReceivers(
  scope: Construct,
  props: {
    readonly email?: EmailNotificationProps;
    readonly slack?: SlackNotificationProps;
    readonly pagerDuty?: PagerDutyNotificationProps;
  },
): NotificationReceiver[] {
  const receivers: NotificationReceiver[] = [];
  const { email, slack, pagerDuty } = props;
  if (pagerDuty) {
    receivers.push({
      kind: "pagerduty",
      routingKey: sensitiveVariableValue(scope, pagerDuty.routingKeyVariable, {
        prop: "pagerDuty.routingKeyVariable",
        id: "PagerDutyRoutingKey",
        description: "The PagerDuty Events API v2 routing key Alertmanager pages with.",
        example: "pagerduty_routing_key",
      }),
      severities: severities(scope, "pagerDuty.severities", pagerDuty.severities, ["critical"]),
    });
  }
  if (slack) {
    if (slack.channel !== undefined && !/^[#@]?[\w.-]+$/.test(slack.channel)) {
      throw propError(scope, "slack.channel", slack.channel, "must be a channel name", 'write it like "#nats-alerts"');
    }
    receivers.push({
      kind: "slack",
      apiUrl: sensitiveVariableValue(scope, slack.apiUrlVariable, {
        prop: "slack.apiUrlVariable",
        id: "SlackApiUrl",
        description: "The Slack-compatible incoming-webhook URL Alertmanager posts to.",
        example: "slack_webhook_url",
      }),
      channel: slack.channel,
      severities: severities(scope, "slack.severities", slack.severities, ["critical", "warning"]),
    });
  }
  if (email) {
    for (const key of ["to", "from"] as const) {
      if (!EMAIL.test(email[key] ?? ""))
        throw propError(scope, `email.${key}`, email[key], "must be an email address", 'write it like "oncall@example.com"');
    }
    if (!HOST_PORT.test(email.smarthost ?? "")) {
      throw propError(
        scope,
        "email.smarthost",
        email.smarthost,
        "must be the SMTP server as host:port",
        'write it like "smtp.example.com:587"',
      );
    }
    if (email.authPasswordVariable !== undefined && email.authUsername === undefined) {
      throw propError(scope, "email.authPasswordVariable", "(sensitive)", "needs email.authUsername", "set the SMTP login name too");
    }
    receivers.push({
      kind: "email",
      to: email.to,
      from: email.from,
      smarthost: email.smarthost,
      authUsername: email.authUsername,
      authPassword:
        email.authPasswordVariable === undefined
          ? undefined
          : sensitiveVariableValue(scope, email.authPasswordVariable, {
              prop: "email.authPasswordVariable",
              id: "SmtpPassword",
              description: "The SMTP password Alertmanager sends mail with.",
              example: "smtp_password",
            }),
      requireTls: email.requireTls ?? true,
      severities: severities(scope, "email.severities", email.severities, ["critical", "warning"]),
    });
  }
  return receivers;
}
