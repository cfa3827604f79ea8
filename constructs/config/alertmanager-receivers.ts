/**
 * Notification receivers beyond the webhook, as alertmanager.yml holds them.
 * Secret values (a Slack URL, a PagerDuty routing key, an SMTP password) are
 * Terraform references here, never literals: the constructs take them from
 * sensitive variables.
 */

/** One receiver and the severities routed to it. */
export type NotificationReceiver =
  | {
      readonly kind: "email";
      readonly to: string;
      readonly from: string;
      /** host:port of the SMTP server. */
      readonly smarthost: string;
      readonly authUsername?: string;
      /** A Terraform reference to the password. */
      readonly authPassword?: string;
      readonly requireTls: boolean;
      readonly severities: readonly string[];
    }
  | {
      readonly kind: "slack";
      /** A Terraform reference to the incoming-webhook URL (Slack or a Slack-compatible service). */
      readonly apiUrl: string;
      readonly channel?: string;
      readonly severities: readonly string[];
    }
  | {
      readonly kind: "pagerduty";
      /** A Terraform reference to the Events API v2 routing key. */
      readonly routingKey: string;
      readonly severities: readonly string[];
    };

/** The receiver's name in alertmanager.yml. */
export function receiverName(receiver: NotificationReceiver): string {
  return receiver.kind;
}

// Notification texts: the summary of each alert and where its runbook is.
const SLACK_TITLE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}';
const SLACK_TEXT =
  "{{ range .Alerts }}{{ .Annotations.summary }}{{ if .Annotations.runbook_url }} ({{ .Annotations.runbook_url }}){{ end }}\n{{ end }}";
const PAGERDUTY_DESCRIPTION = "{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}";

/** The alertmanager.yml `receivers` entry. */
export function receiverConfig(receiver: NotificationReceiver): Record<string, unknown> {
  switch (receiver.kind) {
    case "email":
      return {
        name: receiverName(receiver),
        email_configs: [
          {
            to: receiver.to,
            from: receiver.from,
            smarthost: receiver.smarthost,
            auth_username: receiver.authUsername,
            auth_password: receiver.authPassword,
            require_tls: receiver.requireTls,
            send_resolved: true,
          },
        ],
      };
    case "slack":
      return {
        name: receiverName(receiver),
        slack_configs: [{ api_url: receiver.apiUrl, channel: receiver.channel, title: SLACK_TITLE, text: SLACK_TEXT, send_resolved: true }],
      };
    case "pagerduty":
      return {
        name: receiverName(receiver),
        pagerduty_configs: [{ routing_key: receiver.routingKey, description: PAGERDUTY_DESCRIPTION, send_resolved: true }],
      };
  }
}
