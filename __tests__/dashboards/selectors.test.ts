import { describe, expect, it } from "vitest";
import { logStreamSelector, metricSelector } from "../../dashboards/selectors.js";

describe("metricSelector", () => {
  it("filters core metrics on server_cluster and JetStream metrics on cluster_name, as Surveyor labels them", () => {
    expect(metricSelector("nats_core_connection_count")).toBe(
      'nats_core_connection_count{server_cluster=~"$cluster", server_name=~"$server"}',
    );
    expect(metricSelector("nats_core_jetstream_enabled")).toBe(
      'nats_core_jetstream_enabled{cluster_name=~"$cluster", server_name=~"$server"}',
    );
  });

  it("leaves out filters a metric has no label for, and those the query opts out of", () => {
    expect(metricSelector("nats_survey_surveyed_count")).toBe("nats_survey_surveyed_count");
    expect(metricSelector("nats_core_info", { filters: ["cluster"] })).toBe('nats_core_info{server_cluster=~"$cluster"}');
    expect(metricSelector("nats_core_info", { filters: [], extra: 'server_version!=""' })).toBe('nats_core_info{server_version!=""}');
  });

  it("refuses a metric that is not in the catalog", () => {
    expect(() => metricSelector("nats_jetstream_memory")).toThrow(/nats_jetstream_memory is not in the metric catalog/);
  });
});

describe("logStreamSelector", () => {
  it("filters on job, container and level by default", () => {
    expect(logStreamSelector()).toBe('{job="$job", container_name=~"$container", log_level=~"$level"}');
  });

  it("drops the level filter or pins levels on request", () => {
    expect(logStreamSelector({ level: false })).toBe('{job="$job", container_name=~"$container"}');
    expect(logStreamSelector({ level: ["ERROR", "FATAL"] })).toBe('{job="$job", container_name=~"$container", log_level=~"ERROR|FATAL"}');
  });
});
