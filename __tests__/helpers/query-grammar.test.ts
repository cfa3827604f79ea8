import { describe, expect, it } from "vitest";
import { logqlErrors, promqlErrors, substituteGrafanaVariables } from "./query-grammar.js";

describe("query grammar checks", () => {
  it("accept valid PromQL and LogQL", () => {
    expect(promqlErrors('sum by (server_name) (rate(nats_core_recv_msgs_count{server_cluster="nats"}[5m]))')).toEqual([]);
    expect(logqlErrors('sum(count_over_time({job="nats", log_level="ERROR"} |~ "\\\\[ERR\\\\]" [5m]))')).toEqual([]);
  });

  it("reject broken queries, so the checks can fail", () => {
    expect(promqlErrors("sum(rate(nats_core_recv_msgs_count[5m])")).not.toEqual([]);
    expect(promqlErrors("")).not.toEqual([]);
    expect(logqlErrors('{job="nats"} |~ ')).not.toEqual([]);
    expect(logqlErrors("job=nats")).not.toEqual([]);
  });

  it("substitutes Grafana variables before parsing", () => {
    const query = 'rate(nats_core_recv_msgs_count{server_name=~"$server", server_cluster="${cluster}"}[$__rate_interval])';
    expect(substituteGrafanaVariables(query)).toBe('rate(nats_core_recv_msgs_count{server_name=~"x", server_cluster="x"}[5m])');
    expect(promqlErrors(substituteGrafanaVariables(query))).toEqual([]);
  });
});
