/**
 * Wrong settings a user can write in cdktf.json's context (and pass to
 * NatsMonitoringStack), each with the prop the message must name: a path
 * like `prometheus.retention` for the settings schema, the construct's own
 * prop (`lameDuckDuration`) for a construct's check.
 */
export interface BadSetting {
  /** What is wrong, for the test's name. */
  readonly name: string;
  /** The cdktf.json context (stackName aside). */
  readonly context: Record<string, unknown>;
  /** The prop the message names. */
  readonly prop: string;
  /** More the message must say. */
  readonly says?: RegExp;
  /** What the message must not say (a misleading reason it used to give). */
  readonly notSays?: RegExp;
}

const LONG_PREFIX = "a".repeat(50);

const TWO_HOSTS = {
  "nats-a": { dockerHost: "ssh://deploy@nats-a", address: "10.0.0.11" },
  "nats-b": { dockerHost: "ssh://deploy@nats-b", address: "10.0.0.12" },
};

export const BAD_SETTINGS: readonly BadSetting[] = [
  { name: "a typo of nodes", context: { nats: { node: 5 } }, prop: "nats.node", says: /is not a setting.*did you mean nats\.nodes\?/ },
  {
    name: "retention instead of retentionTime",
    context: { prometheus: { retention: "7d" } },
    prop: "prometheus.retention",
    says: /did you mean prometheus\.retentionTime or prometheus\.retentionSize\?/,
  },
  { name: "a typo at the top", context: { grafanna: false }, prop: "grafanna", says: /did you mean grafana\?/ },
  {
    name: "a typo of hostPort",
    context: { exporter: { hostPrt: 7779 } },
    prop: "exporter.hostPrt",
    says: /did you mean exporter\.hostPort\?/,
  },
  {
    name: 'adminApi "false"',
    context: { prometheus: { adminApi: "false" } },
    prop: "prometheus.adminApi",
    says: /write false without quotes/,
  },
  { name: 'natsBox "false"', context: { nats: { natsBox: "false" } }, prop: "nats.natsBox", says: /must be true or false, got "false"/ },
  {
    name: 'alertmanager "true"',
    context: { prometheus: { alertmanager: "true" } },
    prop: "prometheus.alertmanager",
    says: /write true without quotes/,
  },
  { name: 'prometheus "off"', context: { prometheus: "off" }, prop: "prometheus", says: /must be an object or false, got "off"/ },
  { name: 'grafana "yes"', context: { grafana: "yes" }, prop: "grafana", says: /must be an object or false/ },
  { name: 'protectData "no"', context: { protectData: "no" }, prop: "protectData", says: /must be true or false, got "no"/ },
  { name: "a number for image", context: { nats: { image: 5 } }, prop: "nats.image", says: /must be a string, got 5/ },
  {
    name: "a number for memoryLimit",
    context: { grafana: { memoryLimit: 512 } },
    prop: "grafana.memoryLimit",
    says: /must be a string, got 512/,
  },
  { name: 'alertRules "none"', context: { prometheus: { alertRules: "none" } }, prop: "prometheus.alertRules", says: /must be a list/ },
  { name: 'additionalDataSources "x"', context: { grafana: { additionalDataSources: "x" } }, prop: "grafana.additionalDataSources" },
  { name: "a number for customDashboardsDir", context: { grafana: { customDashboardsDir: 5 } }, prop: "grafana.customDashboardsDir" },
  { name: 'nodes "3"', context: { nats: { nodes: "3" } }, prop: "nats.nodes", says: /write 3 without quotes/ },
  { name: 'nats "five"', context: { nats: "five" }, prop: "nats", says: /must be an object/ },
  {
    name: "a number for scrapeInterval",
    context: { prometheus: { scrapeInterval: 15 } },
    prop: "prometheus.scrapeInterval",
    says: /e\.g\. "15"/,
  },
  { name: 'errorRatioThreshold "1%"', context: { loki: { errorRatioThreshold: "1%" } }, prop: "loki.errorRatioThreshold" },
  {
    name: "registryAuth as an object",
    context: { registryAuth: { address: "r.example.com" } },
    prop: "registryAuth",
    says: /must be a list/,
  },
  {
    name: "registryAuth without an address",
    context: { registryAuth: [{ configFile: "x.json" }] },
    prop: "registryAuth[0].address",
    says: /is required/,
  },
  {
    name: "an object for adminPasswordVariable",
    context: { grafana: { adminPasswordVariable: {} } },
    prop: "grafana.adminPasswordVariable",
    says: /must be a string or a TerraformVariable/,
  },
  {
    name: "an unknown Surveyor jsz",
    context: { surveyor: { jsz: "everything" } },
    prop: "surveyor.jsz",
    says: /did you mean|one of "all"/,
  },
  {
    name: "a Surveyor jszFilter name with the nats_ prefix",
    context: { surveyor: { jszFilter: ["nats_consumer_num_pending"] } },
    prop: "surveyor.jszFilter[0]",
    says: /consumer_num_pending/,
  },
  {
    name: "a Surveyor jszFilter without the metrics the alerts read",
    context: { surveyor: { jszFilter: ["stream_total_messages", "stream_total_bytes", "consumer_num_pending"] } },
    prop: "jszFilter",
    says: /must keep consumer_delivered_stream_seq, .*add /,
  },
  {
    name: "a Surveyor jszFilter with jsz off",
    context: { surveyor: { jsz: "off", jszFilter: ["consumer_num_pending"] } },
    prop: "jszFilter",
    says: /jsz "off" does not collect/,
  },
  {
    name: "an unknown collector",
    context: { loki: { collector: "fluentd" } },
    prop: "loki.collector",
    says: /one of "alloy" or "promtail"/,
  },
  { name: "an even node count", context: { nats: { nodes: 4 } }, prop: "nodes", says: /use 3 or 5/ },
  { name: "a lame duck under 30s", context: { nats: { lameDuckDuration: "10s" } }, prop: "lameDuckDuration", says: /at least 30s/ },
  {
    name: "a grace period not below the duration",
    context: { nats: { lameDuckDuration: "30s", lameDuckGracePeriod: "30s" } },
    prop: "lameDuckGracePeriod",
    says: /shorter than lameDuckDuration/,
  },
  { name: "an upper-case image", context: { nats: { image: "NATS:2.14.5-alpine" } }, prop: "image", says: /write "nats:2\.14\.5-alpine"/ },
  { name: "an image with a space", context: { surveyor: { image: "natsio/nats-surveyor 0.9.10" } }, prop: "image" },
  { name: "an upper-case nats-box image", context: { nats: { natsBoxImage: "NatsIO/nats-box" } }, prop: "natsBoxImage" },
  { name: "a bad collector image", context: { loki: { collectorImage: "grafana/alloy:" } }, prop: "collectorImage" },
  { name: "a memory limit under 6M", context: { surveyor: { memoryLimit: "1K" } }, prop: "memoryLimit", says: /at least 6M/ },
  { name: "a collector memory limit under 6M", context: { loki: { collectorMemoryLimit: "1M" } }, prop: "collectorMemoryLimit" },
  { name: "a dockerHost that is no URL", context: { dockerHost: "not a host" }, prop: "dockerHost", says: /unix:\/\/PATH/ },
  { name: "an http dockerHost", context: { dockerHost: "http://docker:2375" }, prop: "dockerHost" },
  { name: "a system user with a space", context: { nats: { systemUser: "Sys User" } }, prop: "systemUser", notSays: /host name/ },
  {
    name: "a cluster name with an underscore",
    context: { nats: { clusterName: "my_cluster" } },
    prop: "clusterName",
    notSays: /host name/,
  },
  {
    name: "a long namePrefix",
    context: { namePrefix: LONG_PREFIX },
    prop: "namePrefix",
    says: /at most 44 characters/,
    notSays: /networkName/,
  },
  { name: "Grafana hostPort 0", context: { grafana: { hostPort: 0 } }, prop: "hostPort", says: /use 3000, the default/, notSays: /4222/ },
  {
    name: "a Loki retention under 24h",
    context: { loki: { retentionPeriod: "12h" } },
    prop: "retentionPeriod",
    says: /e\.g\. "7d" or "168h"/,
  },
  {
    name: "a client port range past 65535",
    context: { nats: { publishEveryNode: true, clientHostPort: 65534 } },
    prop: "clientHostPort",
    says: /got 65534 \(use 65533 or lower\)/,
  },
  {
    name: "a webhook URL with a token",
    context: { prometheus: { alertmanager: { webhookUrl: "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX1234" } } },
    prop: "webhookUrl",
    says: /webhookUrlVariable/,
    notSays: /XXXXXXXXXXXXXXXXXXXX1234/,
  },
  {
    name: "a webhook URL with a password",
    context: { prometheus: { alertmanager: { webhookUrl: "https://bot:s3cret@hooks.example.com/alerts" } } },
    prop: "webhookUrl",
    notSays: /s3cret/,
  },
  {
    name: "a literal registry password",
    context: { registryAuth: [{ address: "registry.example.com", username: "ci", password: "hunter2-literal" }] },
    prop: "registryAuth[0].password",
    says: /passwordVariable/,
    notSays: /hunter2-literal/,
  },
  {
    name: "0.0.0.0 without the acknowledgement",
    context: { bindAddress: "0.0.0.0" },
    prop: "bindAddress",
    says: /exposeToAllNetworks: true/,
  },
  {
    name: "a bad Grafana password variable name",
    context: { grafana: { adminPasswordVariable: "bad name!" } },
    prop: "adminPasswordVariable",
  },
  {
    name: "a bad webhook variable name",
    context: { prometheus: { alertmanager: { webhookUrlVariable: "alert url" } } },
    prop: "webhookUrlVariable",
  },
  { name: "a memory store above the memory limit", context: { nats: { maxMemoryStore: "2G" } }, prop: "maxMemoryStore" },
  { name: "Loki off while Grafana is on", context: { loki: false }, prop: "loki", says: /set grafana: false too/ },
  // Several Docker hosts (issue 16).
  {
    name: "a monitoring host that is not among the hosts",
    context: { hosts: TWO_HOSTS, monitoringHost: "nats-x" },
    prop: "monitoringHost",
    says: /got "nats-x" \(did you mean "nats-a" or "nats-b"\?\)/,
  },
  {
    name: "a node placed on an unknown host",
    context: { hosts: TWO_HOSTS, natsPlacement: ["nats-a", "nats-b", "nats-q"] },
    prop: "natsPlacement[2]",
    says: /must be one of the hosts \(nats-a, nats-b\)/,
  },
  {
    name: "a placement with fewer hosts than nodes",
    context: { hosts: TWO_HOSTS, natsPlacement: ["nats-a", "nats-b"] },
    prop: "natsPlacement",
    says: /one host per NATS node, 3 in all/,
  },
  {
    name: "two hosts with one address",
    context: { hosts: { ...TWO_HOSTS, "nats-c": { dockerHost: "ssh://deploy@nats-c", address: "10.0.0.11" } } },
    prop: "hosts.nats-c.address",
    says: /already the address of host nats-a/,
  },
  {
    name: "two hosts with one engine",
    context: { hosts: { ...TWO_HOSTS, "nats-c": { dockerHost: "ssh://deploy@nats-a", address: "10.0.0.13" } } },
    prop: "hosts.nats-c.dockerHost",
    says: /already the engine of host nats-a/,
  },
  {
    name: "a host address on loopback",
    context: { hosts: { "nats-a": { dockerHost: "ssh://deploy@nats-a", address: "127.0.0.1" } } },
    prop: "hosts.nats-a.address",
    says: /not a wildcard or loopback address/,
  },
  {
    name: "a tcp:// engine without TLS",
    context: { hosts: { "nats-a": { dockerHost: "tcp://10.0.0.11:2375", address: "10.0.0.11" } } },
    prop: "hosts.nats-a.dockerHost",
    says: /needs TLS for tcp:\/\/.*missing caMaterialVariable, certMaterialVariable, keyMaterialVariable/,
  },
  {
    name: "a host name that is not an alias",
    context: { hosts: { "1st": { dockerHost: "ssh://deploy@nats-a", address: "10.0.0.11" } } },
    prop: "hosts",
    says: /starting with a letter/,
  },
  {
    name: "one node-exporter address for every host",
    context: { hosts: TWO_HOSTS, nodeExporter: { bindAddress: "10.0.0.11" } },
    prop: "nodeExporter.bindAddress",
    says: /each host's node-exporter is published on that host's address/,
  },
  {
    name: "cAdvisor on a stack over several hosts",
    context: { hosts: TWO_HOSTS, cadvisor: true },
    prop: "cadvisor",
    says: /not supported together with hosts: it would watch the containers of one engine only/,
  },
  {
    name: "dockerHost next to hosts",
    context: { hosts: TWO_HOSTS, dockerHost: "ssh://deploy@elsewhere" },
    prop: "dockerHost",
    says: /cannot be set together with hosts/,
  },
  {
    name: "a host that runs nothing",
    context: {
      hosts: { ...TWO_HOSTS, "nats-c": { dockerHost: "ssh://deploy@nats-c", address: "10.0.0.13" } },
      natsPlacement: ["nats-a", "nats-a", "nats-b"],
    },
    prop: "hosts.nats-c",
    says: /runs nothing/,
  },
  {
    name: "natsPlacement without hosts",
    context: { natsPlacement: ["nats-a", "nats-b", "nats-c"] },
    prop: "natsPlacement",
    says: /needs hosts/,
  },
  {
    name: "plain routes between hosts",
    context: { hosts: TWO_HOSTS, nats: { routeTls: false } },
    prop: "routeTls",
    says: /must stay on for a cluster over several hosts/,
  },
  {
    name: "a host with an unknown key",
    context: { hosts: { "nats-a": { dockerHost: "ssh://deploy@nats-a", address: "10.0.0.11", adress: "10.0.0.11" } } },
    prop: "hosts.nats-a.adress",
    says: /did you mean hosts\.nats-a\.address\?/,
  },
];
