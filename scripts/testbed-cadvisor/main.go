// The testbed's stand-in for cAdvisor's command. The Go module proxy serves
// github.com/google/cadvisor but not its separate command module
// (github.com/google/cadvisor/cmd: 404 for every version), so the testbed
// cannot `go install` the real binary. This program wires cAdvisor's own
// library (manager, Docker driver, Prometheus collector) the way the
// upstream command does for its /metrics and /healthz, and takes the same
// flags the Cadvisor construct passes: --port, --docker, --docker_only,
// --disable_root_cgroup_stats, --enable_metrics, --store_container_labels,
// --whitelisted_container_labels and --housekeeping_interval (the library
// defines --docker, --docker_only, --disable_root_cgroup_stats and
// --housekeeping_interval itself). No web UI and no REST API.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/google/cadvisor/cache/memory"
	"github.com/google/cadvisor/container"
	_ "github.com/google/cadvisor/container/docker/install"
	_ "github.com/google/cadvisor/container/raw"
	v2 "github.com/google/cadvisor/info/v2"
	"github.com/google/cadvisor/manager"
	"github.com/google/cadvisor/metrics"
	"github.com/google/cadvisor/utils/sysfs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"
)

var (
	port                 = flag.Int("port", 8080, "port to listen on")
	storeContainerLabels = flag.Bool("store_container_labels", true, "turn every container label into a metric label")
	whitelistedLabels    = flag.String("whitelisted_container_labels", "", "container labels kept when store_container_labels is false")
	versionFlag          = flag.Bool("version", false, "print the version and exit")
	// As upstream: split on commas, so an empty flag is one empty prefix, which
	// the raw driver expects (it indexes the list's first entry).
	rawCgroupPrefixes = flag.String("raw_cgroup_prefix_whitelist", "", "cgroup path prefixes collected even with --docker_only")
	envWhitelist      = flag.String("env_metadata_whitelist", "", "environment variables kept as metadata")
	enableMetrics     = container.MetricSet{}
	// The upstream command's default set of disabled kinds.
	disableMetrics = container.MetricSet{
		container.MemoryNumaMetrics: struct{}{}, container.NetworkTcpUsageMetrics: struct{}{},
		container.NetworkUdpUsageMetrics: struct{}{}, container.NetworkAdvancedTcpUsageMetrics: struct{}{},
		container.ProcessSchedulerMetrics: struct{}{}, container.ProcessMetrics: struct{}{},
		container.HugetlbUsageMetrics: struct{}{}, container.ReferencedMemoryMetrics: struct{}{},
		container.CPUTopologyMetrics: struct{}{}, container.ResctrlMetrics: struct{}{}, container.CPUSetMetrics: struct{}{},
	}
)

// Version is set at build time (-X main.Version=...).
var Version = "unknown"

func main() {
	flag.Var(&enableMetrics, "enable_metrics", "metric kinds to collect; overrides disable_metrics")
	flag.Var(&disableMetrics, "disable_metrics", "metric kinds not to collect")
	klog.InitFlags(nil)
	flag.Parse()
	if *versionFlag {
		fmt.Printf("cAdvisor library %s (natsmon testbed command)\n", Version)
		os.Exit(0)
	}
	included := container.AllMetrics.Difference(disableMetrics)
	if len(enableMetrics) > 0 {
		included = enableMetrics
	}
	m, err := manager.New(memory.New(2*time.Minute, nil), sysfs.NewRealSysFs(), manager.HousekeepingConfigFlags, included,
		http.DefaultClient, strings.Split(*rawCgroupPrefixes, ","), strings.Split(*envWhitelist, ","), "", 0)
	if err != nil {
		klog.Fatalf("creating the manager: %v", err)
	}
	labels := metrics.DefaultContainerLabels
	if !*storeContainerLabels {
		labels = metrics.BaseContainerLabels(strings.Split(*whitelistedLabels, ","))
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(
		metrics.NewPrometheusCollector(m, labels, included, clock.RealClock{}, v2.RequestOptions{IdType: v2.TypeName, Count: 1, Recursive: true}),
		metrics.NewPrometheusMachineCollector(m, included),
		collectors.NewGoCollector(),
	)
	if err := m.Start(); err != nil {
		klog.Fatalf("starting the manager: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	klog.Infof("listening on :%d, metric kinds %s", *port, included.String())
	klog.Fatal(http.ListenAndServe(fmt.Sprintf(":%d", *port), mux))
}
