/**
 * The programs the testbed builds from their Go modules, at the versions the
 * stack pins: one source of truth, constructs/images.ts, for both the
 * testbed script (which runs this file to print the table) and the live
 * tests (which import it to map production images onto the local ones).
 *
 * Run it to print one line per build, fields separated by spaces:
 * `name module package version image stub binary...` (package `.` for the
 * module's root, stub `-` for none), e.g.
 * `nats github.com/nats-io/nats-server/v2 . v2.14.9 natsmon-testbed/nats:2.14.9 - nats-server`.
 */
import { DEFAULT_IMAGES } from "../constructs/images.js";

/** One program the testbed builds from its Go module, and the image it lays out. */
export interface GoBuild {
  /** Short name; also the image's repository under natsmon-testbed/. */
  readonly name: string;
  /** The Go module. */
  readonly module: string;
  /** The command's folder inside the module, `.` for its root. */
  readonly goPackage: string;
  /** The module version, with its leading v. */
  readonly version: string;
  /** The local image the testbed imports. */
  readonly image: string;
  /**
   * The production image references the plan replayer maps onto `image`: an
   * exact reference where the build is that image's version, a repository
   * (any tag) where the image's tag is not the program's version.
   */
  readonly replaces: string;
  /**
   * A folder that the module embeds (`//go:embed`) but does not ship, since
   * upstream generates it outside Go (a web UI built with npm). The testbed
   * then builds from a copy of the module with that folder holding a
   * placeholder page; `go install` cannot build such a module.
   */
  readonly embedStub?: string;
  /**
   * A folder of this repository with a main package that the testbed builds
   * against `module@version`, where the proxy does not serve the program's
   * own command: its own go.mod is made at build time (`go mod init`,
   * `go get module@version`, `go mod tidy`).
   */
  readonly source?: string;
  /** The binaries the build leaves. */
  readonly binaries: readonly string[];
}

/**
 * natscli has no pin of its own in the stack: nats-box's tag is nats-box's
 * release, not the CLI's. v0.5.0 is the newest natscli that builds with the
 * machines' Go (v0.5.1 does not; see shared facts).
 */
export const NATSCLI_VERSION = "v0.5.0";

/**
 * The cAdvisor library the testbed's cAdvisor command is built on. The proxy
 * serves github.com/google/cadvisor but not the command's module
 * (github.com/google/cadvisor/cmd: 404 for its version list and every
 * version, 2026-12-01), and from v0.60 the library no longer ships the
 * manager and the Prometheus collector (they moved into that module), so
 * v0.57.0 is the newest version whose collector the testbed can run. The
 * stack pins the image of v0.60.6 (constructs/images.ts); the metric names
 * and labels the project uses are the same in both (checked in v0.57.0's
 * metrics/prometheus.go; v0.60's is not readable from here).
 */
export const CADVISOR_LIBRARY_VERSION = "v0.57.0";

/** The version in an image reference's tag: `nats:2.14.9-alpine` -> `v2.14.9`, `prom/alertmanager:v0.35.0` -> `v0.35.0`. */
export function tagVersion(reference: string): string {
  const match = /:v?(\d+\.\d+\.\d+)(?:-[\w.]+)?$/.exec(reference);
  if (!match) throw new Error(`image ${reference} has no x.y.z version in its tag: the testbed cannot tell which version to build`);
  return `v${match[1]}`;
}

/** The repository of an image reference, without tag or digest: `natsio/nats-box:0.19.7` -> `natsio/nats-box`. */
export function repositoryOf(reference: string): string {
  return reference.replace(/@.*$/, "").replace(/:[^/:]+$/, "");
}

/**
 * What the testbed builds. Not built, so proven only statically:
 * - NATS Surveyor (github.com/nats-io/nats-surveyor) and
 *   prometheus-nats-exporter (github.com/nats-io/prometheus-nats-exporter):
 *   the Go module proxy refuses both modules here (403 "not available" for
 *   the pinned versions and for the module's version list, 2026-11-30).
 * - Grafana and Loki: AGPL, never taken in.
 * - Alloy and Promtail: large; the log pipeline stays static.
 * - Prometheus: Debian's 2.42 image (scripts/testbed.sh) serves.
 * - node_exporter: Debian's package (scripts/testbed.sh) serves.
 * Built from this repository's stand-ins on an upstream library:
 * - cAdvisor: its command module is not served (see CADVISOR_LIBRARY_VERSION);
 *   scripts/testbed-cadvisor wires the library's manager, Docker driver and
 *   Prometheus collector as the command does, with its flags.
 * - the Docker socket proxy (github.com/wollomatic/socket-proxy, "not
 *   available" on the proxy): scripts/testbed-socket-proxy takes its flags
 *   and enforces them (client, method and path allow lists, 403 otherwise),
 *   logging each request with its verdict.
 */
export const GO_BUILDS: readonly GoBuild[] = [
  {
    name: "nats",
    module: "github.com/nats-io/nats-server/v2",
    goPackage: ".",
    version: tagVersion(DEFAULT_IMAGES.nats),
    image: `natsmon-testbed/nats:${tagVersion(DEFAULT_IMAGES.nats).slice(1)}`,
    replaces: DEFAULT_IMAGES.nats,
    binaries: ["nats-server"],
  },
  {
    name: "nats-box",
    module: "github.com/nats-io/natscli",
    goPackage: "nats",
    version: NATSCLI_VERSION,
    image: `natsmon-testbed/nats-box:natscli-${NATSCLI_VERSION.slice(1)}`,
    // nats-box's tag is its own release; the `nats` CLI inside is what the stack uses.
    replaces: repositoryOf(DEFAULT_IMAGES.natsBox),
    binaries: ["nats"],
  },
  {
    name: "alertmanager",
    module: "github.com/prometheus/alertmanager",
    goPackage: "cmd/alertmanager",
    version: tagVersion(DEFAULT_IMAGES.alertmanager),
    image: `natsmon-testbed/alertmanager:${tagVersion(DEFAULT_IMAGES.alertmanager).slice(1)}`,
    replaces: DEFAULT_IMAGES.alertmanager,
    // The web UI, built with npm upstream; the API and /-/ready need none of it.
    embedStub: "ui/app/dist",
    binaries: ["alertmanager"],
  },
  {
    name: "cadvisor",
    module: "github.com/google/cadvisor",
    goPackage: ".",
    version: CADVISOR_LIBRARY_VERSION,
    image: `natsmon-testbed/cadvisor:${CADVISOR_LIBRARY_VERSION.slice(1)}`,
    // Any tag: the library version differs from the pinned image's.
    replaces: repositoryOf(DEFAULT_IMAGES.cadvisor),
    source: "scripts/testbed-cadvisor",
    binaries: ["cadvisor"],
  },
  {
    name: "socket-proxy",
    module: "std",
    goPackage: ".",
    version: tagVersion(DEFAULT_IMAGES.socketProxy),
    image: `natsmon-testbed/socket-proxy:${tagVersion(DEFAULT_IMAGES.socketProxy).slice(1)}-standin`,
    replaces: repositoryOf(DEFAULT_IMAGES.socketProxy),
    source: "scripts/testbed-socket-proxy",
    binaries: ["socket-proxy"],
  },
];

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  for (const b of GO_BUILDS) {
    const stub = b.source ? `local:${b.source}` : (b.embedStub ?? "-");
    console.log([b.name, b.module, b.goPackage, b.version, b.image, stub, ...b.binaries].join(" "));
  }
}
