import { describe, expect, it } from "vitest";
import { archiveName, dateStamp, volumeOfArchive } from "../../../cli/backup/archive-names.js";
import { tsdbPathInVolume } from "../../../cli/backup/prometheus-snapshot.js";

const DAY = new Date(2026, 0, 31, 23, 59); // local time, as the archive names use

describe("archive names", () => {
  it("are the guide's for the services' volumes, and the volume's own for JetStream's", () => {
    expect(dateStamp(DAY)).toBe("20260131");
    expect(archiveName("prometheus-data", DAY)).toBe("prometheus-20260131.tar.gz");
    expect(archiveName("grafana-data", DAY)).toBe("grafana-20260131.tar.gz");
    expect(archiveName("loki-data", DAY)).toBe("loki-20260131.tar.gz");
    expect(archiveName("nats-node1-data", DAY)).toBe("nats-node1-data-20260131.tar.gz");
    expect(archiveName("team-a-prometheus-data", DAY)).toBe("team-a-prometheus-20260131.tar.gz");
    expect(archiveName("alloy-data", DAY)).toBe("alloy-data-20260131.tar.gz");
  });

  it("lead back to their volume", () => {
    for (const volume of [
      "prometheus-data",
      "grafana-data",
      "loki-data",
      "alertmanager-data",
      "nats-node1-data",
      "nats-node15-data",
      "team-a-grafana-data",
      "alloy-data",
      "my-volume",
    ]) {
      expect(volumeOfArchive(`/backups/${archiveName(volume, DAY)}`)).toBe(volume);
    }
    expect(volumeOfArchive("prometheus.tar.gz")).toBeUndefined();
    expect(volumeOfArchive("notes-20260131.txt")).toBeUndefined();
  });
});

describe("tsdbPathInVolume", () => {
  it("finds Prometheus's TSDB folder inside the volume from its command line", () => {
    expect(
      tsdbPathInVolume(["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"], "/prometheus", "/prometheus"),
    ).toBe("");
    expect(tsdbPathInVolume(["--storage.tsdb.path", "/prometheus/data"], "/", "/prometheus")).toBe("data");
    // Prometheus's default, data/ under the working directory.
    expect(tsdbPathInVolume([], "/prometheus", "/prometheus")).toBe("data");
  });

  it("says so when the TSDB is not in the volume", () => {
    expect(tsdbPathInVolume(["--storage.tsdb.path=/var/lib/prometheus"], "/", "/prometheus")).toBeUndefined();
  });
});
