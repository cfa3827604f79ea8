/**
 * Example (b): the whole monitoring stack with a 5-node cluster and every
 * image pulled from a private registry mirror. Credentials stay out of code:
 * the Docker provider reads them from the Docker config that
 * `docker login registry.example.com` writes.
 *
 *   npx cdktf synth --app "npx tsx examples/private-registry.ts"
 */
import { App } from "cdktf";
import { DEFAULT_IMAGES, NatsMonitoringStack } from "nats-jetstream-monitoring";

/** The registry host, and the path of the mirror that holds copies of the public images. */
export const REGISTRY = "registry.example.com";
const MIRROR = `${REGISTRY}/mirror`;

/** `nats:2.14.9-alpine` becomes `registry.example.com/mirror/nats:2.14.9-alpine`. */
export function mirrored(image: string): string {
  return `${MIRROR}/${image}`;
}

/** Builds the stack in `app`. */
export function buildPrivateRegistryStack(app: App): NatsMonitoringStack {
  return new NatsMonitoringStack(app, "nats-monitoring-private", {
    registryAuth: [{ address: REGISTRY, configFile: "~/.docker/config.json" }],
    nats: { nodes: 5, image: mirrored(DEFAULT_IMAGES.nats), natsBoxImage: mirrored(DEFAULT_IMAGES.natsBox) },
    surveyor: { image: mirrored(DEFAULT_IMAGES.surveyor) },
    exporter: { image: mirrored(DEFAULT_IMAGES.natsExporter) },
    prometheus: {
      image: mirrored(DEFAULT_IMAGES.prometheus),
      alertmanager: { image: mirrored(DEFAULT_IMAGES.alertmanager) },
    },
    loki: {
      image: mirrored(DEFAULT_IMAGES.loki),
      collectorImage: mirrored(DEFAULT_IMAGES.alloy),
      socketProxyImage: mirrored(DEFAULT_IMAGES.socketProxy),
    },
    grafana: { image: mirrored(DEFAULT_IMAGES.grafana) },
  });
}

if (process.argv[1]?.endsWith("private-registry.ts")) {
  const app = new App();
  buildPrivateRegistryStack(app);
  app.synth();
}
