import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Volume } from "@cdktf/provider-docker/lib/volume/index.js";
import { Password } from "@cdktf/provider-random/lib/password/index.js";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { COMPONENTS, CONTAINER_NAMES, CONTAINER_PORTS, DASHBOARD_FOLDER_UID, DEFAULT_HOST_PORTS, SCRAPE_JOBS } from "../contract/index.js";
import type { DashboardDataSource, DashboardJson } from "../dashboards/common.js";
import { projectDashboards } from "../dashboards/project-dashboards.js";
import {
  type DashboardFolder,
  GRAFANA_PROVISIONING_DIR,
  type ProvisionedDataSource,
  renderGrafanaDashboardProviders,
  renderGrafanaDataSources,
} from "./config/grafana-provisioning.js";
import { type CustomDashboard, CustomDashboardError, readCustomDashboards } from "./custom-dashboards.js";
import type { DataSourceSpec, IDataSource } from "./data-source.js";
import { DockerService, type UploadedFile } from "./docker-service.js";
import { DEFAULT_IMAGES } from "./images.js";
import { dataVolume } from "./private/data-volume.js";
import { hostUrl } from "./private/host-url.js";
import { propError, requireDuration, requirePort } from "./private/validation.js";
import type { IScrapeable, ScrapeTarget } from "./scrape-target.js";
import { resolveServiceBase, type ServiceBaseProps } from "./service-props.js";

/** Grafana's HTTP port inside the container. */
export const GRAFANA_PORT = CONTAINER_PORTS.grafana;
/** Where the dashboard JSON files live in the container, one folder per provider. */
export const GRAFANA_DASHBOARDS_DIR = "/etc/grafana/dashboards";
/** The file Grafana reads the admin password from (GF_SECURITY_ADMIN_PASSWORD__FILE). */
export const GRAFANA_ADMIN_PASSWORD_FILE = "/etc/grafana/secrets/admin-password";
/** The folder users drop dashboard JSON files into, relative to the working directory of `cdktf synth`. */
export const DEFAULT_CUSTOM_DASHBOARDS_DIR = "dashboards/custom";

/** Grafana refuses longer dashboard uids. */
const MAX_UID_LENGTH = 40;
const UID_PATTERN = /^[A-Za-z0-9_-]+$/;
const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Props of {@link Grafana}. */
export interface GrafanaProps extends ServiceBaseProps {
  /** The Prometheus to provision and query (PrometheusStack); its uid is fixed and dashboards default to it. */
  readonly prometheus: IDataSource;
  /** The Loki to provision and query (LokiStack). */
  readonly loki: IDataSource;
  /** More data sources to provision, e.g. an Alertmanager. @default none */
  readonly additionalDataSources?: readonly IDataSource[];
  /**
   * Prometheus's scrape interval. Grafana's `$__rate_interval`, which every
   * rate() of the dashboards uses, is at least four times this.
   * @default "30s"
   */
  readonly prometheusScrapeInterval?: string;
  /** The UI's port on the Docker host. @default 3000 */
  readonly hostPort?: number;
  /** The admin user's login. @default "admin" */
  readonly adminUser?: string;
  /**
   * Where the admin password comes from instead of a generated one: the
   * name of a sensitive Terraform variable that the construct declares
   * (set it with `TF_VAR_<name>`), or a sensitive `TerraformVariable` of
   * your own. Grafana applies it only when it creates its database, on the
   * first start with an empty `grafana-data` volume.
   * @default a `random_password` of 32 letters and digits
   */
  readonly adminPasswordVariable?: string | TerraformVariable;
  /**
   * A folder of dashboard JSON files (for example exported from the UI) to
   * provision into the "Custom" folder. A relative path is resolved against
   * the working directory of `cdktf synth`. A file that is not valid JSON
   * fails synth with its path and the parser's message.
   * @default "dashboards/custom", when that folder exists
   */
  readonly customDashboardsDir?: string;
  /**
   * The stack runs on several Docker hosts, whose agents' scrape targets
   * carry a `host` label: the cluster dashboard gains a host variable and a
   * Hosts row (which host is down). NatsMonitoringStack sets it with `hosts`.
   * @default false
   */
  readonly multiHost?: boolean;
  /** More dashboards as code (foundation SDK `.build()` output), provisioned next to the project's. @default none */
  readonly additionalDashboards?: readonly DashboardJson[];
  /**
   * Refuse to destroy the `grafana-data` volume (Terraform `prevent_destroy`),
   * which holds users, preferences, annotations and dashboards saved in the UI.
   * @default true
   */
  readonly protectData?: boolean;
}

/**
 * Grafana with its data sources and dashboards provisioned from code:
 * Prometheus and Loki with fixed uids, the project's dashboards ("NATS
 * JetStream Cluster", "NATS Logs") in a "NATS" folder, and the JSON files of
 * a custom folder in a "Custom" folder, all as uploads, so `cdktf deploy`
 * rolls out a dashboard change. Login is `admin` with a generated password;
 * anonymous access and sign-up are off.
 */
export class Grafana extends Construct implements IScrapeable {
  /** The container. */
  readonly service: DockerService;
  /** Container name, also its host name on the network. */
  readonly containerName: string;
  /** The UI on the Docker host, e.g. http://127.0.0.1:3000. */
  readonly hostUrl: string;
  /** The admin login. */
  readonly adminUser: string;
  /** The admin password: a Terraform reference, never a literal. Expose it only as a sensitive output. */
  readonly adminPassword: string;
  /** The data sources Grafana provisions. */
  readonly dataSources: readonly DataSourceSpec[];
  /** uids of every provisioned dashboard: the project's, the additional and the custom ones. */
  readonly dashboardUids: readonly string[];
  /** The volumes that hold Grafana's data (`grafana-data`). */
  readonly dataVolumes: readonly Volume[];
  /** Grafana's own metrics, for PrometheusStack. */
  readonly scrapeTarget: ScrapeTarget;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const base = resolveServiceBase(this, props, { image: DEFAULT_IMAGES.grafana, memoryLimit: "512M" });
    const hostPort = requirePort(this, "hostPort", props.hostPort ?? DEFAULT_HOST_PORTS.grafana, DEFAULT_HOST_PORTS.grafana);
    const scrapeInterval = props.prometheusScrapeInterval ?? "30s";
    requireDuration(this, "prometheusScrapeInterval", scrapeInterval);
    this.adminUser = props.adminUser ?? "admin";
    if (!/^[A-Za-z0-9._@-]+$/.test(this.adminUser)) {
      throw propError(
        this,
        "adminUser",
        this.adminUser,
        "must be a login of letters, digits and . _ @ -",
        'keep "admin" or use something like "ops-admin"',
      );
    }
    this.containerName = base.nameOf(CONTAINER_NAMES.grafana);
    this.hostUrl = hostUrl(base.bindAddress, hostPort);

    const sources = this.resolveDataSources(props, scrapeInterval);
    this.dataSources = sources;
    const dashboards = [
      // Only what the dashboards read (uid and name): the same sources give the same dashboards,
      // which lets the app launcher render the default ones once, when it bundles the app.
      ...projectDashboards({
        prometheus: dashboardSource(props.prometheus.dataSource),
        loki: dashboardSource(props.loki.dataSource),
        // Only when set: the default sources, deep-equal, are what the app bundle prerenders.
        ...(props.multiHost === true && { multiHost: true }),
      }),
      ...(props.additionalDashboards ?? []),
    ];
    const custom = this.readCustomDashboards(props.customDashboardsDir);
    this.dashboardUids = this.checkDashboardUids(dashboards, custom);
    this.adminPassword = this.resolveAdminPassword(props.adminPasswordVariable);

    const folders: DashboardFolder[] = [
      { name: "nats-jetstream-monitoring", folder: "NATS", folderUid: DASHBOARD_FOLDER_UID, path: `${GRAFANA_DASHBOARDS_DIR}/nats` },
    ];
    if (custom.length > 0) {
      folders.push({ name: "custom", folder: "Custom", folderUid: "custom", path: `${GRAFANA_DASHBOARDS_DIR}/custom` });
    }
    const files: UploadedFile[] = [
      { path: `${GRAFANA_PROVISIONING_DIR}/datasources/nats-monitoring.yaml`, content: renderGrafanaDataSources(sources) },
      { path: `${GRAFANA_PROVISIONING_DIR}/dashboards/nats-monitoring.yaml`, content: renderGrafanaDashboardProviders(folders) },
      ...dashboards.map((dashboard) => ({
        path: `${GRAFANA_DASHBOARDS_DIR}/nats/${dashboard.uid}.json`,
        content: `${JSON.stringify(dashboard, null, 2)}\n`,
      })),
      ...custom.map((dashboard) => ({ path: `${GRAFANA_DASHBOARDS_DIR}/custom/${dashboard.fileName}`, content: dashboard.text })),
      // A file, not GF_SECURITY_ADMIN_PASSWORD: `docker inspect` shows the
      // environment, and the file's content stays out of it.
      { path: GRAFANA_ADMIN_PASSWORD_FILE, content: this.adminPassword },
    ];

    const volume = dataVolume(this, "data", base.nameOf("grafana-data"), props.protectData ?? true, base.network);
    this.dataVolumes = [volume];

    this.service = new DockerService(this, "Service", {
      network: base.network,
      name: this.containerName,
      component: COMPONENTS.grafana,
      image: base.image,
      env: {
        GF_SECURITY_ADMIN_USER: this.adminUser,
        GF_SECURITY_ADMIN_PASSWORD__FILE: GRAFANA_ADMIN_PASSWORD_FILE,
        GF_AUTH_ANONYMOUS_ENABLED: "false",
        GF_USERS_ALLOW_SIGN_UP: "false",
        // No usage statistics sent to grafana.com from a monitoring stack.
        GF_ANALYTICS_REPORTING_ENABLED: "false",
      },
      files,
      volumes: [{ volume, containerPath: "/var/lib/grafana" }],
      ports: [{ internal: GRAFANA_PORT, external: hostPort, ip: base.bindAddress }],
      healthcheck: {
        // busybox wget of the Alpine image; /api/health needs no login and
        // fails while the database is unavailable.
        test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${GRAFANA_PORT}/api/health`],
        // The first start creates and migrates the database.
        startPeriod: "60s",
      },
      memoryLimitBytes: base.memoryLimitBytes,
    });

    this.scrapeTarget = { jobName: SCRAPE_JOBS.grafana, targets: [`${this.containerName}:${GRAFANA_PORT}`], metricsPath: "/metrics" };
  }

  private resolveDataSources(props: GrafanaProps, scrapeInterval: string): ProvisionedDataSource[] {
    const expect = (prop: string, source: IDataSource, type: DataSourceSpec["type"]) => {
      if (source.dataSource.type !== type) {
        throw propError(
          this,
          prop,
          source.dataSource.type,
          `must be a ${type} data source`,
          `pass a construct whose dataSource.type is "${type}"`,
        );
      }
    };
    expect("prometheus", props.prometheus, "prometheus");
    expect("loki", props.loki, "loki");
    const sources: ProvisionedDataSource[] = [
      { ...props.prometheus.dataSource, isDefault: true, scrapeInterval },
      props.loki.dataSource,
      ...(props.additionalDataSources ?? []).map((s) => s.dataSource),
    ];
    const seen = new Set<string>();
    for (const source of sources) {
      if (source.uid.length > MAX_UID_LENGTH || !UID_PATTERN.test(source.uid)) {
        throw propError(
          this,
          "data source uid",
          source.uid,
          `must be at most ${MAX_UID_LENGTH} letters, digits, - or _`,
          "give the data source a shorter uid",
        );
      }
      if (seen.has(source.uid)) {
        throw propError(
          this,
          "data source uid",
          source.uid,
          "must be unique: two data sources share it",
          "give each data source its own uid",
        );
      }
      seen.add(source.uid);
    }
    return sources;
  }

  private readCustomDashboards(dir: string | undefined): CustomDashboard[] {
    const path = resolve(dir ?? DEFAULT_CUSTOM_DASHBOARDS_DIR);
    if (!existsSync(path)) {
      if (dir === undefined) return [];
      throw propError(
        this,
        "customDashboardsDir",
        dir,
        `must be an existing folder (resolved to ${path})`,
        "create it or correct the path",
      );
    }
    if (!statSync(path).isDirectory()) {
      throw propError(
        this,
        "customDashboardsDir",
        dir ?? DEFAULT_CUSTOM_DASHBOARDS_DIR,
        "must be a folder, not a file",
        "point it at the folder that holds the JSON files",
      );
    }
    try {
      return readCustomDashboards(path);
    } catch (error) {
      if (!(error instanceof CustomDashboardError)) throw error;
      throw propError(
        this,
        "customDashboardsDir",
        dir ?? DEFAULT_CUSTOM_DASHBOARDS_DIR,
        `holds a file Grafana cannot provision: ${error.path} ${error.problem}`,
        "fix the file, or move it out of the folder",
      );
    }
  }

  private checkDashboardUids(dashboards: readonly DashboardJson[], custom: readonly CustomDashboard[]): string[] {
    const owners = new Map<string, string>();
    const check = (uid: string | undefined, owner: string, uidRequired: boolean) => {
      if (uid === undefined || uid === "") {
        // Grafana derives a uid for a provisioned file without one.
        if (!uidRequired) return;
        throw propError(this, "additionalDashboards", owner, "must each set a uid", "call .uid(...) on the DashboardBuilder");
      }
      if (uid.length > MAX_UID_LENGTH) {
        throw propError(this, "dashboard uid", uid, `must be at most ${MAX_UID_LENGTH} characters (${owner})`, "shorten the uid");
      }
      const other = owners.get(uid);
      if (other !== undefined) {
        throw propError(this, "dashboard uid", uid, `must be unique, but ${owner} and ${other} share it`, "give one of them another uid");
      }
      owners.set(uid, owner);
    };
    for (const dashboard of dashboards) check(dashboard.uid, `dashboard "${dashboard.title}"`, true);
    for (const dashboard of custom) check(dashboard.uid, dashboard.path, false);
    return [...owners.keys()];
  }

  private resolveAdminPassword(variable: string | TerraformVariable | undefined): string {
    if (variable === undefined) {
      return new Password(this, "AdminPassword", { length: 32, special: false }).result;
    }
    if (typeof variable !== "string") {
      if (variable.sensitive !== true) {
        throw propError(
          this,
          "adminPasswordVariable",
          variable.node.path,
          "must be a sensitive variable",
          "declare it with sensitive: true",
        );
      }
      return variable.stringValue;
    }
    if (!TERRAFORM_NAME.test(variable)) {
      throw propError(
        this,
        "adminPasswordVariable",
        variable,
        "must be a Terraform variable name",
        'use something like "grafana_admin_password"',
      );
    }
    const declared = new TerraformVariable(this, "AdminPasswordVariable", {
      type: "string",
      sensitive: true,
      nullable: false,
      description: "Grafana's admin password; applied when Grafana creates its database (an empty grafana-data volume).",
      validation: [
        { condition: `\${length(var.${variable}) >= 12}`, errorMessage: "The Grafana admin password must have at least 12 characters." },
      ],
    });
    // TF_VAR_<name> and -var <name>=... address the variable by this name.
    declared.overrideLogicalId(variable);
    return declared.stringValue;
  }
}

/** A provisioned data source as a dashboard refers to it. */
function dashboardSource(source: DataSourceSpec): DashboardDataSource {
  return { uid: source.uid, name: source.name };
}
