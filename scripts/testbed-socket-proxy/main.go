// The testbed's stand-in for wollomatic/socket-proxy, whose Go module the
// module proxy does not serve ("not available", 2026-12-01). It takes the
// flags the stack passes (-listenip, -proxyport, -socketpath, -allowfrom,
// -allowGET, -allowHEAD, -allowhealthcheck, -watchdoginterval,
// -stoponwatchdog, -loglevel) and does what they ask: it admits only
// connections from the addresses the -allowfrom host name resolves to,
// forwards only requests whose method has an -allow<METHOD> pattern that the
// whole path matches, answers 403 to everything else, and logs every request
// with its verdict. Run as /healthcheck (its image links it there), it asks
// the proxy's health endpoint, as the real image's healthcheck binary does.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

const healthPort = 55555

func main() {
	if filepath.Base(os.Args[0]) == "healthcheck" {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/health", healthPort))
		if err != nil || resp.StatusCode != http.StatusOK {
			os.Exit(1)
		}
		os.Exit(0)
	}
	listenIP := flag.String("listenip", "127.0.0.1", "address to listen on")
	port := flag.Int("proxyport", 2375, "port to listen on")
	socket := flag.String("socketpath", "/var/run/docker.sock", "the Docker socket")
	allowFrom := flag.String("allowfrom", "127.0.0.1/32", "host name or CIDR allowed to connect")
	allowGet := flag.String("allowGET", "", "regex of GET paths")
	allowHead := flag.String("allowHEAD", "", "regex of HEAD paths")
	healthcheck := flag.Bool("allowhealthcheck", false, "serve /health on 127.0.0.1:55555")
	flag.Int("watchdoginterval", 0, "ignored by the stand-in")
	flag.Bool("stoponwatchdog", false, "ignored by the stand-in")
	flag.String("loglevel", "info", "ignored by the stand-in")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println("natsmon testbed stand-in for wollomatic/socket-proxy")
		return
	}
	allowed := map[string]*regexp.Regexp{}
	for method, pattern := range map[string]string{http.MethodGet: *allowGet, http.MethodHead: *allowHead} {
		if pattern != "" {
			allowed[method] = regexp.MustCompile("^(" + pattern + ")$")
		}
	}
	proxy := &httputil.ReverseProxy{
		Director: func(r *http.Request) { r.URL.Scheme = "http"; r.URL.Host = "docker" },
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", *socket)
		}},
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client, _, _ := net.SplitHostPort(r.RemoteAddr)
		if !admitted(client, *allowFrom) {
			log.Printf("verdict=refused-client client=%s method=%s path=%s", client, r.Method, r.URL.Path)
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		pattern := allowed[r.Method]
		if pattern == nil || !pattern.MatchString(r.URL.Path) {
			log.Printf("verdict=blocked client=%s method=%s path=%s", client, r.Method, r.URL.Path)
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		log.Printf("verdict=allowed client=%s method=%s path=%s", client, r.Method, r.URL.Path)
		proxy.ServeHTTP(w, r)
	})
	if *healthcheck {
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("OK")) })
			log.Fatal(http.ListenAndServe(fmt.Sprintf("127.0.0.1:%d", healthPort), mux))
		}()
	}
	addr := net.JoinHostPort(*listenIP, fmt.Sprint(*port))
	log.Printf("listening on %s, allowing connections from %s", addr, *allowFrom)
	log.Fatal(http.ListenAndServe(addr, handler))
}

// admitted tells whether the client address belongs to allowFrom: a CIDR, or
// a host name resolved now (the container's address can change on restart).
func admitted(client, allowFrom string) bool {
	for _, entry := range strings.Split(allowFrom, ",") {
		if _, network, err := net.ParseCIDR(entry); err == nil {
			if ip := net.ParseIP(client); ip != nil && network.Contains(ip) {
				return true
			}
			continue
		}
		addrs, err := net.LookupHost(entry)
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if a == client {
				return true
			}
		}
	}
	return false
}
