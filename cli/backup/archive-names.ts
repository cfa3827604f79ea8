/**
 * Archive names, as the guide has them: `prometheus-YYYYMMDD.tar.gz` for the
 * prometheus-data volume, `grafana-YYYYMMDD.tar.gz` for grafana-data (and so
 * `loki-...` for loki-data). A JetStream volume keeps its whole name,
 * `nats-node1-data-YYYYMMDD.tar.gz`: "nats-node1" names a container, not
 * its data. The mapping goes both ways, so `restore` finds the volume from
 * the file name.
 */

/** Volumes of one service each, whose archives drop the "-data" suffix. */
const SERVICE_VOLUME = /^(.*?)(prometheus|grafana|loki|alertmanager)-data$/;
const SERVICE_ARCHIVE = /^(.*?)(prometheus|grafana|loki|alertmanager)$/;
const ARCHIVE = /^(.+)-(\d{8})\.tar\.gz$/;

/** The local date as YYYYMMDD. */
export function dateStamp(date: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}

/** The archive's file name for a volume on a date. */
export function archiveName(volume: string, date: Date = new Date()): string {
  const service = SERVICE_VOLUME.exec(volume);
  const base = service ? `${service[1]}${service[2]}` : volume;
  return `${base}-${dateStamp(date)}.tar.gz`;
}

/** The volume an archive belongs to, from its file name; undefined when the name is not an archive's. */
export function volumeOfArchive(fileName: string): string | undefined {
  const match = ARCHIVE.exec(fileName.split("/").pop() ?? fileName);
  if (!match) return undefined;
  return SERVICE_ARCHIVE.test(match[1]) ? `${match[1]}-data` : match[1];
}
