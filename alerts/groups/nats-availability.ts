import { CONTAINER_PORTS, LOG_LABELS } from "../../contract/index.js";
import type { AlertRule, AlertRuleGroup } from "../rule-types.js";
import type { RuleContext } from "./context.js";

/** The target label that names a target's Docker host in a stack over several hosts. */
const HOST = LOG_LABELS.host;

/** Server-level availability: is every server there, surveyed, routed, healthy and on one version. */
export function availabilityGroup(c: RuleContext): AlertRuleGroup {
  const { surveyor: s, exporter: e, t } = c;
  return {
    name: "nats-availability",
    rules: [
      {
        alert: "NatsServerDown",
        // A server that Surveyor saw in the last hour and no longer sees. server_id
        // is left out on purpose: nats-server draws a new one at every start.
        expr: `(
  group by (server_cluster, server_name) (max_over_time(${s("nats_core_info")}[1h]))
  unless on (server_cluster, server_name)
  group by (server_cluster, server_name) (${s("nats_core_info")})
)
and on () (max(${s("nats_up")}) == 1)`,
        for: "2m",
        severity: "critical",
        summary: "NATS server {{ $labels.server_name }} is missing from the survey",
        description:
          "Surveyor saw {{ $labels.server_name }} of cluster {{ $labels.server_cluster }} in the last hour but the server no longer answers its survey: it is down, unreachable over the routes, or its system account connection is gone. JetStream assets with a replica on it run with one replica less.",
        action:
          "docker ps -a and docker logs for the server's container; nats --context system server list from nats-box to see which servers answer. Restart the container if it exited. After scaling in on purpose, the alert clears within an hour.",
      },
      ...(c.config.expectHosts ? [hostUnreachable()] : []),
      {
        alert: "NatsSurveyIncomplete",
        expr: `${s("nats_survey_surveyed_count")} < ${s("nats_survey_expected_count")}`,
        for: "5m",
        severity: "warning",
        summary: "Only {{ $value }} NATS servers answered Surveyor's survey",
        description:
          "Surveyor expects more servers than answered its last surveys. Unlike NatsServerDown this also catches a server that never came up, but it cannot name it.",
        action:
          "Compare nats --context system server list with the expected node count (Surveyor's --count follows the cluster's node count). Start the missing server, or check its routes.",
      },
      {
        alert: "NatsSurveyorDisconnected",
        expr: `${s("nats_up")} == 0`,
        for: "2m",
        severity: "critical",
        summary: "Surveyor cannot reach the NATS cluster",
        description:
          "Surveyor is running but not connected to any NATS server, so it serves no NATS metrics and every other NATS alert is blind. Either the whole cluster is down or Surveyor's system-account login is refused.",
        action:
          "docker logs nats-surveyor for authorization or connection errors; check that the NATS containers run. A changed system password needs Surveyor to be redeployed with it.",
      },
      {
        alert: "NatsSurveyorNotScraped",
        expr: `${s("up")} == 0`,
        for: "5m",
        severity: "critical",
        summary: "Prometheus cannot scrape Surveyor at {{ $labels.instance }}",
        description:
          "Prometheus's scrapes of Surveyor fail. Surveyor is the source of every NATS server and JetStream metric, so the cluster is unobserved until this is fixed. (up tells whether Surveyor is scraped, not whether a NATS server is up.)",
        action:
          "docker ps -a and docker logs nats-surveyor; restart the container. Check the Prometheus targets page (Status > Targets) for the error.",
      },
      {
        alert: "NatsExporterNotScraped",
        expr: `${e("up")} == 0`,
        for: "5m",
        severity: "warning",
        summary: "Prometheus cannot scrape prometheus-nats-exporter at {{ $labels.instance }}",
        description:
          "Prometheus's scrapes of prometheus-nats-exporter fail: the per-server varz, connz, routez, subz, healthz and jsz series stop, and NatsServerUnhealthy cannot fire.",
        action: "docker ps -a and docker logs nats-exporter; restart the container. Check the Prometheus targets page for the error.",
      },
      {
        alert: "NatsServerUnhealthy",
        expr: `${e("gnatsd_healthz_status")} == 1`,
        for: "5m",
        severity: "warning",
        summary: "NATS server {{ $labels.server_id }} reports itself unhealthy",
        description:
          "The server's /healthz endpoint answers with an error (the exporter's server_id label is the server name). With JetStream this usually means the server cannot reach the meta leader or its streams and consumers are not current.",
        action:
          "curl the server's monitoring port /healthz from a container on the network (or docker exec) to read the error; check its logs for [ERR] and [WRN] lines about JetStream or routes.",
      },
      {
        alert: "NatsRouteMissing",
        // Counts distinct peers per server, not route connections: nats-server
        // 2.10+ pools several routes per peer (a 3-node cluster shows 8), so
        // nats_core_route_count stays above N-1 even with a peer missing.
        expr: `(
  count by (server_cluster, server_name) (
    group by (server_cluster, server_name, server_route_name) (${s("nats_core_route_pending_bytes")})
  )
  or on (server_cluster, server_name)
  0 * group by (server_cluster, server_name) (${s("nats_core_info")})
)
< scalar(max(${s("nats_survey_expected_count")})) - 1`,
        for: "5m",
        severity: "warning",
        summary: "NATS server {{ $labels.server_name }} reaches only {{ $value }} peer(s) over routes",
        description:
          "In a full mesh every server has routes to the N-1 others; {{ $labels.server_name }} has fewer. Messages published on it do not reach subscribers on the missing peers, and JetStream replication to them stops.",
        action: `nats --context system server request routes (from nats-box) lists each server's routes, and the server's logs ([ERR] lines about routes) say why one failed; check the cluster port ${CONTAINER_PORTS.natsCluster} between the containers and the route URLs in nats-server.conf.`,
      },
      {
        alert: "NatsRoutePendingBytesHigh",
        // Several pooled connections per peer: the largest backlog speaks for the peer.
        expr: `max by (server_cluster, server_name, server_route_name) (${s("nats_core_route_pending_bytes")}) > ${t.routePendingBytes}`,
        for: "5m",
        severity: "warning",
        summary: "Bytes pile up on the route from {{ $labels.server_name }} to {{ $labels.server_route_name }}",
        description: `More than ${t.routePendingBytes} bytes have waited to be sent from {{ $labels.server_name }} to its peer {{ $labels.server_route_name }} for minutes: the peer or the network between them cannot keep up. nats-server closes a route whose backlog exceeds its write deadline, and replication to the peer falls behind.`,
        action:
          "Check the peer's CPU and memory (docker stats) and its logs for slow-consumer warnings on routes; check the network between the hosts. Large messages or a fan-out burst can cause short spikes; a lasting backlog needs a faster peer or less traffic.",
      },
      {
        alert: "NatsClusterVersionMismatch",
        expr: `count by (server_cluster) (count by (server_cluster, server_version) (${s("nats_core_info")})) > 1`,
        for: "1h",
        severity: "info",
        summary: "NATS cluster {{ $labels.server_cluster }} runs {{ $value }} different server versions",
        description:
          "The servers of {{ $labels.server_cluster }} have run different nats-server versions for an hour. That is normal during a rolling upgrade, not as a lasting state: JetStream features and Raft behaviour differ between versions.",
        action:
          "nats --context system server list shows each server's version; finish the rollout (natsmon rollout) or roll back the servers that were upgraded by mistake.",
      },
    ],
  };
}

/**
 * A whole host lost, in a stack over several hosts (`expectHosts`): which
 * host, where the per-target alerts only say which agent.
 */
function hostUnreachable(): AlertRule {
  return {
    alert: "NatsHostUnreachable",
    // Only a stack over several hosts labels targets with their host (the
    // exporter and node-exporter of each host): without such labels this
    // selects nothing and stays silent. Two targets at least, so that one
    // crashed exporter (NatsExporterNotScraped) is not taken for a lost host.
    expr: `(
  count by (${HOST}) (up{${HOST}!=""} == 0)
  == on (${HOST})
  count by (${HOST}) (up{${HOST}!=""})
)
> 1`,
    for: "2m",
    severity: "critical",
    summary: "Docker host {{ $labels.host }} is unreachable: none of its {{ $value }} scrape targets answers",
    description:
      "Prometheus cannot scrape any of the agents on host {{ $labels.host }} (its NATS exporter and node-exporter), while it still scrapes the other hosts': the host is down, or cut off from the monitoring host. Its NATS nodes are lost to the cluster too, unless only the path to the monitoring host broke; JetStream assets with a replica there run with one replica less.",
    action:
      "Check that the host is up and reachable from the monitoring host (ping its address, ssh to it, docker -H for its engine); then docker ps -a there. nats --context system server list from nats-box tells whether its NATS nodes still answer the cluster. Once the host is back, its nodes catch up on their own.",
  };
}
