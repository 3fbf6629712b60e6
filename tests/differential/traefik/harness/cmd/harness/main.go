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

	"github.com/traefik/traefik/middlewares"
	"github.com/containous/mux"
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

type input struct {
	Rule              string   `json:"rule"`
	Request           *request `json:"request"`
	KeepTrailingSlash bool     `json:"keep_trailing_slash"`
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
	BadRequest       string   `json:"bad_request,omitempty"`
}

func str(s string) *string { return &s }

func run(in input) (out output) {
	out.Priority = len(in.Rule)
	domains, err := (&rules.Rules{}).ParseDomains(in.Rule)
	if err != nil {
		out.DomainsError = err.Error()
	} else {
		out.Domains = domains
	}
	router := mux.NewRouter()
	router.StrictSlash(!in.KeepTrailingSlash)
	router.SkipClean(true)
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
	defer func() {
		if p := recover(); p != nil {
			out.BadRequest = fmt.Sprint(p)
		}
	}()
	// As a server reads it: the request line's target in origin form, the Host header.
	target := in.Request.Path
	if in.Request.Query != "" {
		target += "?" + in.Request.Query
	}
	method := in.Request.Method
	if method == "" {
		method = "GET"
	}
	var raw strings.Builder
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, in.Request.Host)
	for k, v := range in.Request.Headers {
		fmt.Fprintf(&raw, "%s: %s\r\n", k, v)
	}
	raw.WriteString("\r\n")
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
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
		_ = enc.Encode(run(in))
	}
}
