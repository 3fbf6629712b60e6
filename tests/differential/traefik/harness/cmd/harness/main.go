// Differential harness: Traefik v1.7.34's rules/rules.go and the middlewares it wires after a
// match (buildMatcherMiddlewares, taken from server/server_configuration.go by build.sh into
// wiring.go), on containous/mux c33f32e (the version Traefik v1.7.34's go.mod pins), with the
// router options of server.go: StrictSlash unless keepTrailingSlash, SkipClean.
//
// Standard input: JSON lines {"rule", "request"?, "keep_trailing_slash"?}; standard output: a
// JSON line each, with the fields of factory's traefik_v1.jsonl.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/containous/mux"
	"github.com/traefik/traefik/middlewares"
	"github.com/traefik/traefik/rules"
	"github.com/traefik/traefik/types"
)

type request struct {
	Host    string            `json:"host"`
	Path    string            `json:"path"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
	Query   string            `json:"query"`
}

type tableRule struct {
	Rule     string `json:"rule"`
	Priority int    `json:"priority"`
}

type input struct {
	Rules             []tableRule `json:"rules"`
	Rule              string      `json:"rule"`
	Request           *request    `json:"request"`
	KeepTrailingSlash bool        `json:"keep_trailing_slash"`
}

type output struct {
	ParseError       bool     `json:"parse_error"`
	Error            string   `json:"error,omitempty"`
	Domains          []string `json:"domains"`
	DomainsError     string   `json:"domains_error,omitempty"`
	Priority         int      `json:"priority"`
	Match            *bool    `json:"match,omitempty"`
	Redirect         string   `json:"redirect,omitempty"`
	ForwardedPath    *string  `json:"forwarded_path,omitempty"`
	ForwardedRawPath *string  `json:"forwarded_raw_path,omitempty"`
	XForwardedPrefix *string  `json:"x_forwarded_prefix,omitempty"`
	XReplacedPath    *string  `json:"x_replaced_path,omitempty"`
	NotFound         bool     `json:"not_found,omitempty"`
	Route            *int     `json:"route,omitempty"`
	BadRequest       string   `json:"bad_request,omitempty"`
}

func str(s string) *string { return &s }

// A router with the options of server.go: StrictSlash unless keepTrailingSlash, SkipClean.
func newRouter(keepTrailingSlash bool) *mux.Router {
	router := mux.NewRouter()
	router.StrictSlash(!keepTrailingSlash)
	router.SkipClean(true)
	return router
}

// Deferred: a panic while serving (mux slices an empty path in the StrictSlash redirect of
// `//`) is reported as a request the harness cannot answer, which random_rules.py skips.
func recovered(out *output) {
	if p := recover(); p != nil {
		out.BadRequest = fmt.Sprint(p)
	}
}

// As a server reads it: the request line's target in origin form, the Host header.
func readRequest(in *request) (*http.Request, error) {
	target := in.Path
	if in.Query != "" {
		target += "?" + in.Query
	}
	method := in.Method
	if method == "" {
		method = "GET"
	}
	var raw strings.Builder
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, in.Host)
	for k, v := range in.Headers {
		fmt.Fprintf(&raw, "%s: %s\r\n", k, v)
	}
	raw.WriteString("\r\n")
	return http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
}

func run(in input) (out output) {
	out.Priority = len(in.Rule)
	domains, err := (&rules.Rules{}).ParseDomains(in.Rule)
	if err != nil {
		out.DomainsError = err.Error()
	} else {
		out.Domains = domains
	}
	router := newRouter(in.KeepTrailingSlash)
	route := router.NewRoute()
	serverRoute := &types.ServerRoute{Route: route}
	var forwarded *http.Request
	sink := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { forwarded = r })
	if _, err := (&rules.Rules{Route: serverRoute}).Parse(in.Rule); err != nil {
		out.ParseError = true
		out.Error = err.Error()
		return out
	}
	route.Handler(buildMatcherMiddlewares(serverRoute, sink))
	if in.Request == nil {
		return out
	}
	defer recovered(&out)
	req, err := readRequest(in.Request)
	if err != nil {
		out.BadRequest = err.Error()
		return out
	}
	rw := httptest.NewRecorder()
	routeMatched := false
	(&middlewares.RequestHost{}).ServeHTTP(rw, req, func(w http.ResponseWriter, r *http.Request) {
		var rm mux.RouteMatch
		routeMatched = router.Match(r, &rm)
		router.ServeHTTP(w, r)
	})
	matched := forwarded != nil || routeMatched
	if rw.Code == http.StatusMovedPermanently {
		matched = true
		out.Redirect = fmt.Sprintf("%d %s", rw.Code, rw.Header().Get("Location"))
	} else if routeMatched && forwarded == nil {
		out.NotFound = true
	}
	out.Match = &matched
	if forwarded != nil {
		// The forwarded request's URL fields, as Traefik's own tests read them
		// (stripPrefix_test.go: r.URL.Path and r.URL.RawPath).
		out.ForwardedPath = str(forwarded.URL.Path)
		if forwarded.URL.RawPath != "" {
			out.ForwardedRawPath = str(forwarded.URL.RawPath)
		}
		if v, ok := forwarded.Header["X-Forwarded-Prefix"]; ok {
			out.XForwardedPrefix = str(v[0]) // Header.Get: the first value
		}
		if v, ok := forwarded.Header["X-Replaced-Path"]; ok {
			out.XReplacedPath = str(v[0]) // Header.Get: the first value
		}
	}
	return out
}

// A table of frontends on one entry point, as server_configuration.go builds it: each rule on
// its own route (a rule Traefik refuses leaves its frontend out), the priority of the label
// when positive, else the rule's length; then SortRoutes. Which route's handler ran, and the
// answer. A redirect is answered by mux, not by a route, so it names none.
func runTable(in input) (out output) {
	router := newRouter(in.KeepTrailingSlash)
	var forwarded *http.Request
	entered := -1
	for i, tr := range in.Rules {
		i := i
		route := router.NewRoute()
		serverRoute := &types.ServerRoute{Route: route}
		if _, err := (&rules.Rules{Route: serverRoute}).Parse(tr.Rule); err != nil {
			// Traefik drops the frontend; its route stays in mux with no matcher error, so
			// give it one that never matches.
			route.MatcherFunc(func(*http.Request, *mux.RouteMatch) bool { return false })
			continue
		}
		priority := len(tr.Rule)
		if tr.Priority > 0 {
			priority = tr.Priority
		}
		route.Priority(priority)
		sink := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { forwarded = r })
		chain := buildMatcherMiddlewares(serverRoute, sink)
		route.Handler(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			entered = i
			chain.ServeHTTP(rw, r)
		}))
	}
	router.SortRoutes()
	defer recovered(&out)
	req, err := readRequest(in.Request)
	if err != nil {
		out.BadRequest = err.Error()
		return out
	}
	rw := httptest.NewRecorder()
	(&middlewares.RequestHost{}).ServeHTTP(rw, req, router.ServeHTTP)
	matched := entered >= 0 || rw.Code == http.StatusMovedPermanently
	out.Match = &matched
	if rw.Code == http.StatusMovedPermanently {
		out.Redirect = fmt.Sprintf("%d %s", rw.Code, rw.Header().Get("Location"))
		return out
	}
	if entered >= 0 {
		out.Route = &entered
		if forwarded == nil {
			out.NotFound = true
		} else {
			out.ForwardedPath = str(forwarded.URL.Path)
		}
	}
	return out
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	enc := json.NewEncoder(os.Stdout)
	for sc.Scan() {
		var in input
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			fmt.Println(`{"bad_input":true}`)
			continue
		}
		if in.Rules != nil {
			_ = enc.Encode(runTable(in))
		} else {
			_ = enc.Encode(run(in))
		}
	}
}
