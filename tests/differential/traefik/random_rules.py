#!/usr/bin/env python3
"""Differential check of factory-route against Traefik v1.7.34 itself.

The Go harness (`harness/`, built by `build.sh` from a Traefik and a containous/mux checkout)
runs Traefik's own `rules/rules.go`, the middlewares `server/server_configuration.go` wires
after a match (strip, add, replace) and the router options of `server.go` (StrictSlash unless
`keepTrailingSlash`, SkipClean) on containous/mux at the commit Traefik v1.7.34 pins. The
request is read by Go's `http.ReadRequest`, as a server reads it. `factory-route`'s
`route_answer` example answers the same JSON lines; every field must agree: parse error and
message, domains or their error, default priority, match, redirect, forwarded path, raw path,
`X-Forwarded-Prefix`, `X-Replaced-Path`, and a strip modifier's 404.

    git clone https://github.com/traefik/traefik /tmp/traefik
    git clone https://github.com/containous/mux /tmp/mux
    tests/differential/traefik/build.sh /tmp/traefik /tmp/mux /tmp/traefik-harness
    HARNESS=/tmp/traefik-harness python3 tests/differential/traefik/random_rules.py -n 20000 --seed 1

The harness is first checked against every line of `shared/cases/traefik_v1.jsonl`. Requests
Go refuses to read (`bad_request`), and rules past factory's regex size budget (Traefik has
none), are skipped.
"""
import argparse
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

HOSTS = ["foo.bar", "Foo.Bar", "example.com", "a.example.com", "*.example.com", "", "foo.bar:8080",
         "localhost", "FOO.bar.", "xn--bcher-kva.example", "b\u00fccher.example", "1.2.3.4", "[::1]"]
HOST_REGEXPS = ["{sub:[a-z]+}.example.com", "example.com", "{host:.*}", "{sub}.foo.bar", "{a:[0-9]+}.b",
                "{x:(foo|bar)}.example.com", "{sub:[a-z]+}.{dom:[a-z]+}.com", "{x:[[:alpha:]]+}.com",
                "{x:\\pL+}.com", "{x:(?i)FOO}.bar", "{x:[a-z]{2,3}}.example.com", "{x:.+}", "{x:[}.com"]
PATHS = ["/", "/foo", "/foo/", "/foo/{id:[0-9]+}", "/foo/{name}", "/api/v1", "/%2F", "foo", "/{p:.*}",
         "/FOO", "/foo/bar", "/a.b", "/{x:[a-z]+}/y", "/api/{v:v[0-9]+}", "/{a}/{b}", "/foo/{x:\\d+}",
         "/{x:(?:a|b)}", "/{x:[}", "/caf\u00e9", "/a+b", "/{id:[0-9]{2}}"]
PREFIXES = ["/", "/foo", "/foo/", "/api", "/api/{v:v[0-9]}", "/stat", "/a/b", "/{x:[a-z]+}", "/FOO",
            "/api/", "/{v:v[0-9]+}/x"]
STRIP_REGEXPS = ["/api/{v:v[0-9]+}", "/{x:[a-z]+}", "/foo", "/{a}/{b}", "/{x:[0-9]+}/"]
METHODS = ["GET", "POST", "get", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "Get"]
HEADER_NAMES = ["X-Foo", "Content-Type", "x-foo", "Accept", "X-Empty"]
HEADER_VALUES = ["bar", "application/json", "", "b", "text/html"]
HEADER_REGEXPS = ["b.*", "application/(text|json)", "^bar$", "[0-9]+", "(?i)BAR", "", "bar|baz", "["]
REPLACES = ["/new", "/", "/p/", "/foo/bar", ""]
REPLACE_REGEXPS = ["^/foo/(.*) /bar/$1", "^/api/(.*) /$1", "bad", "^/(.*)$ /x/$1", "/foo /bar", "(.*) $1/"]
QUERIES = ["foo=bar", "foo=", "foo", "a=b=c", "foo={v:[0-9]+}", "foo=bar,bar=baz", "x=1"]
FUNCTIONS = ["Host", "HostRegexp", "Path", "PathStrip", "PathStripRegex", "PathPrefix", "PathPrefixStrip",
             "PathPrefixStripRegex", "Method", "Headers", "HeadersRegexp", "AddPrefix", "ReplacePath",
             "ReplacePathRegex", "Query"]
ARGS = {
    "Host": HOSTS, "HostRegexp": HOST_REGEXPS, "Path": PATHS, "PathStrip": PATHS,
    "PathStripRegex": STRIP_REGEXPS + PATHS[:6], "PathPrefix": PREFIXES, "PathPrefixStrip": PREFIXES,
    "PathPrefixStripRegex": STRIP_REGEXPS + PREFIXES[:6], "Method": METHODS, "AddPrefix": REPLACES,
    "ReplacePath": REPLACES, "ReplacePathRegex": REPLACE_REGEXPS, "Query": QUERIES,
}

REQ_HOSTS = ["foo.bar", "FOO.BAR", "foo.bar:8080", "example.com", "a.example.com", "abc.example.com",
             "x-ab.com", "ab.com", "AB.example.com", "a.12.example.com", "α.com", "12.com", "ab.example.com:443",
             "123.b", "localhost", "foo.bar.", "test.bar", "x.foo.bar", "1.2.3.4:80", "[::1]:8080", "",
             "b\u00fccher.example"]
REQ_PATHS = ["/", "/foo", "/foo/", "/foo/123", "/foo/abc", "/api/v1", "/api/v1/x", "/stat/a%2Fb", "/a%20b",
             "/api/AB", "/a.b.c", "/x-1", "/%CE%B1", "/ab/x", "/a/", "/api/v2/", "/a%2fb", "/%41", "/A", "/12/x",
             "/aab", "/b", "/y", "/a%2Eb", "/api/Ab/x", "/é",
             "//foo", "/foo/../bar", "/FOO", "/foo/bar", "/api", "/api/", "/a/b/c", "/v1/x", "/stat",
             "/%2F", "/caf%C3%A9", "/a+b", "/foo%2Fbar", "/12", "/a.b", "/foo/bar/", "/x/y"]
REQ_QUERIES = ["", "foo=bar", "foo=baz", "foo=bar&bar=baz", "x=1", "foo=12", "foo", "a=b%3Dc", "foo=bar&foo=baz"]


REGEX_ATOMS = ["[a-z]+", "[0-9]{2,}", "\\d+", "(?i)ab", "[^/]+", ".*", ".+", "\\w+", "[[:digit:]]+", "\\pL+",
               "\\p{Greek}", "(a|b)c", "a?", "x*y", "[a-z]{1,3}", "\\.", "[.]", "(?:v1|v2)", "\\b", "$", "^a",
               "[A-Z]", "\\Qa.b\\E", "\\x41", "(?P<n>a)", "(?s).", "[\\-a]", "a{0}", "\\z", "[[:^alpha:]]",
               "\\S+", "{", "}", "(", "[", "a{2", "\\", "x{1,2}{3}", "(?U)a+"]
VAR_NAMES = ["x", "id", "v", "a_b", "X", "1", "", "a-b", "é"]


def template(rng, prefix):
    """A path or host template with random variables and patterns."""
    parts = [prefix]
    for _ in range(rng.choice([1, 1, 2])):
        name = rng.choice(VAR_NAMES)
        if rng.random() < 0.25:
            parts.append("{" + name + "}")
        else:
            parts.append("{" + name + ":" + "".join(rng.choice(REGEX_ATOMS) for _ in range(rng.choice([1, 1, 2]))) + "}")
        if rng.random() < 0.5:
            parts.append(rng.choice(["/", ".", "/x", "-", ".com", "/api/", ""]))
    return "".join(parts)


RE_LITERALS = ["a", "b", "ab", "A", "0", "9", "-", "_", ".", "\u00e9", "\u03b1", "/", " ", "x"]
RE_CLASSES = ["[a-c]", "[^a]", "[a\\-z]", "[[:alpha:]]", "[[:^digit:]]", "[\\d\\s]", "[^\\w]", "[\\x41-\\x5a]",
              "[\\p{Greek}a]", "[]a]", "[^]a]", "[a-]", "[.]", "[\\]]", "[A-Za-z0-9_]", "[\u00e0-\u00ff]", "[[:word:]]",
              "[[:upper:]b]", "[a&&b]", "[a~~b]", "[a--b]", "[\\[]", "[^\\D]"]
RE_ESCAPES = ["\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\b", "\\B", "\\A", "\\z", "\\x41", "\\x{3b1}",
              "\\101", "\\pL", "\\p{Greek}", "\\PL", "\\p{^Latin}", "\\.", "\\-", "\\Qa.b\\E", "\\t", "\\_"]
RE_REPEATS = ["*", "+", "?", "{2}", "{1,}", "{0,2}", "*?", "+?", "??", "{1,3}?", "{,2}", "{2,1}", "{1001}"]
RE_FLAGS = ["(?i)", "(?s)", "(?m)", "(?U)", "(?i:", "(?-i)"]


def regex(rng, depth=0):
    parts = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.3:
            atom = rng.choice(RE_LITERALS)
        elif r < 0.5:
            atom = rng.choice(RE_CLASSES)
        elif r < 0.7:
            atom = rng.choice(RE_ESCAPES)
        elif r < 0.78:
            atom = rng.choice([".", "^", "$"])
        elif r < 0.9 and depth < 2:
            inner = regex(rng, depth + 1)
            if rng.random() < 0.3:
                inner += "|" + regex(rng, depth + 1)
            atom = rng.choice(["(", "(?:", "(?P<g>", "(?i:"]) + inner + ")"
        else:
            atom = rng.choice(RE_FLAGS)
            if atom.endswith(":"):
                atom += regex(rng, depth + 1) + ")"
        if rng.random() < 0.3:
            atom += rng.choice(RE_REPEATS)
        parts.append(atom)
    text = "".join(parts)
    if rng.random() < 0.1:
        text = "^" + text
    if rng.random() < 0.1:
        text = text + "$"
    return text


def regex_line(rng):
    """A HeadersRegexp rule (no `,`, `;` or `::`: rules.go splits there) and a header value."""
    text = regex(rng).replace(",", "").replace(";", "")
    while "::" in text:
        text = text.replace("::", ":")
    alphabet = "aabbAB09-_./ x\u00e9\u03b1\u00c9\u0391Zz"
    value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
    if rng.random() < 0.5 and text.count("{") == text.count("}"):
        # The same expression as a path variable, on a path with any character (a decoded
        # `%0A` is a line break in Go's `URL.Path`).
        path = "/" + "".join(rng.choice(["%0A", "%2F", "%20", "a", "b", "/", "%C3%A9", "A", "9", "."])
                             for _ in range(rng.randint(0, 5)))
        kind = rng.choice(["Path:/{x:", "PathPrefix:/{x:", "Path:/a/{x:", "HostRegexp:{x:"])
        req = {"host": "a.com", "path": path, "method": "GET", "headers": {}}
        if kind.startswith("Host"):
            req["host"] = value.replace(" ", "").replace("/", "") or "a"
        return {"rule": kind + text.strip() + "}", "request": req}
    return {"rule": "HeadersRegexp:X-A," + text.strip(),
            "request": {"host": "a.com", "path": "/", "method": "GET", "headers": {"X-A": value.strip()}}}


def pick_args(rng, fn):
    if fn in ("HostRegexp",) and rng.random() < 0.4:
        return [template(rng, rng.choice(["", "a.", "x-"])) + rng.choice([".example.com", ".com", ""])]
    if fn in ("Path", "PathStrip", "PathPrefix", "PathPrefixStrip", "PathStripRegex", "PathPrefixStripRegex") \
            and rng.random() < 0.3:
        return [template(rng, rng.choice(["/", "/api/", "/a", ""]))]
    if fn == "HeadersRegexp" and rng.random() < 0.3:
        return [rng.choice(HEADER_NAMES), "".join(rng.choice(REGEX_ATOMS) for _ in range(rng.choice([1, 2, 3])))]
    if fn == "Query" and rng.random() < 0.3:
        return ["foo=" + template(rng, "")]
    if fn in ("Headers", "HeadersRegexp"):
        values = HEADER_VALUES if fn == "Headers" else HEADER_REGEXPS
        n = rng.choice([2, 2, 2, 4, 1, 3])
        return [rng.choice(HEADER_NAMES) if i % 2 == 0 else rng.choice(values) for i in range(n)]
    pool = ARGS[fn]
    return [rng.choice(pool) for _ in range(rng.choice([1, 1, 1, 2, 3]))]


def spaced(rng, s):
    if rng.random() < 0.15:
        s = rng.choice([" ", "  "]) + s
    if rng.random() < 0.15:
        s = s + " "
    return s


def segment(rng):
    fn = rng.choice(FUNCTIONS)
    r = rng.random()
    if r < 0.03:
        fn = rng.choice([fn.lower(), fn + "s", "Hostregexp", ""])
    args = [spaced(rng, a) for a in pick_args(rng, fn if fn in FUNCTIONS else "Host")]
    sep = ":" if rng.random() < 0.95 else rng.choice(["", "::", ": "])
    return spaced(rng, fn) + sep + ",".join(args)


def rule(rng):
    segs = [segment(rng) for _ in range(rng.choice([1, 1, 2, 2, 3]))]
    text = ";".join(segs)
    if rng.random() < 0.03:
        text = rng.choice([";", "", " "]) + text + rng.choice([";", "", ";;"])
    return text


def request(rng):
    headers = {}
    for _ in range(rng.choice([0, 0, 1, 2])):
        headers[rng.choice(["X-Foo", "Content-Type", "Accept"])] = rng.choice(
            ["bar", "application/json", "application/text", "baz", "BAR", "12", ""])
    return {"host": rng.choice(REQ_HOSTS), "path": rng.choice(REQ_PATHS), "method": rng.choice(METHODS[:6]),
            "headers": headers, "query": rng.choice(REQ_QUERIES)}


def normal(answer):
    """Without the absent values (`null`, `false`) but `match`, which both sides print alike."""
    return {k: v for k, v in answer.items() if k == "match" or v not in (None, False)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=15)
    ap.add_argument("--regexes", type=float, default=0.1,
                    help="share of lines that match one random Go regular expression (HeadersRegexp)")
    ap.add_argument("--tables", type=float, default=0.2,
                    help="share of lines that are route tables (several rules, one request)")
    ap.add_argument("--write", metavar="FILE", help="also write a sample of the lines with Traefik's answers "
                    "(in the format of traefik_v1.jsonl) when none differ")
    args = ap.parse_args()
    harness = os.environ.get("HARNESS")
    if not harness or not os.access(harness, os.X_OK):
        sys.exit("set HARNESS to the Go harness built by tests/differential/traefik/build.sh")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "factory-route", "--example", "route_answer"],
                   cwd=ROOT, check=True)
    factory = os.path.join(ROOT, "target", "release", "examples", "route_answer")
    check_harness(harness)
    rng = random.Random(args.seed)
    inputs = []
    for _ in range(args.n):
        if rng.random() < args.regexes:
            inputs.append(regex_line(rng))
            continue
        if rng.random() < args.tables:
            # A table of at most 12 routes: Go's sort.Sort is an insertion sort up to 12, so
            # routes of equal priority keep their order in every Go version.
            rules = [{"rule": rule(rng), "priority": rng.choice([0, 0, 0, 0, 1, 5, 20, 100])}
                     for _ in range(rng.randint(2, 12))]
            line = {"rules": rules, "request": request(rng)}
            if rng.random() < 0.1:
                line["keep_trailing_slash"] = True
            inputs.append(line)
            continue
        line = {"rule": rule(rng)}
        if rng.random() < 0.9:
            line["request"] = request(rng)
        if rng.random() < 0.1:
            line["keep_trailing_slash"] = True
        inputs.append(line)
    text = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in inputs)
    ours = subprocess.run([factory], input=text, capture_output=True, text=True, check=True).stdout.splitlines()
    theirs = subprocess.run([harness], input=text, capture_output=True, text=True, check=True).stdout.splitlines()
    differ = skipped = matched = 0
    kinds = {}
    agreed = []
    for i, a, b in zip(inputs, ours, theirs):
        a, b = json.loads(a), json.loads(b)
        raw = b
        if "bad_request" in b or a.get("budget"):
            # Go refuses to read the request, or the rule is past factory's regex budget.
            skipped += 1
            continue
        if b.get("match"):
            matched += 1
        a, b = normal(a), normal(b)
        if a != b:
            kind = ("message" if a.get("parse_error") and b.get("parse_error")
                    else "refusal" if a.get("parse_error") or b.get("parse_error") else "answer")
            kinds[kind] = kinds.get(kind, 0) + 1
            differ += 1
            if differ <= args.show:
                print(json.dumps(i, ensure_ascii=False))
                for k in sorted(set(a) | set(b)):
                    if a.get(k) != b.get(k):
                        print(f"  {k}: factory {a.get(k)!r}, traefik {b.get(k)!r}")
        else:
            agreed.append((i, raw))
    print(f"{len(inputs) - skipped} lines ({matched} matched by traefik, {skipped} skipped: requests Go refuses, regexes past the budget), "
          f"{differ} differ" + (f" ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))})" if kinds else ""))
    if args.write and not differ:
        write_cases(args.write, agreed, rng)
    sys.exit(1 if differ else 0)


ORACLE_FIELDS = ["parse_error", "error", "domains", "domains_error", "priority", "match", "redirect",
                 "forwarded_path", "forwarded_raw_path", "x_forwarded_prefix", "x_replaced_path"]


def check_harness(harness):
    """The harness must give every fact of the shared oracle cases."""
    path = os.path.join(ROOT, "..", "shared", "cases", "traefik_v1.jsonl")
    cases = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    text = "".join(json.dumps({"rule": c["rule"], "request": c.get("request")}) + "\n" for c in cases)
    out = subprocess.run([harness], input=text, capture_output=True, text=True, check=True).stdout.splitlines()
    wrong = []
    for case, line in zip(cases, out):
        got = json.loads(line)
        for key in ORACLE_FIELDS:
            if key in case and not (key == "parse_error" and not case[key] and not got.get(key)):
                if case[key] != got.get(key):
                    wrong.append(f"{case['rule']!r}: {key} {case[key]!r}, harness {got.get(key)!r}")
    if wrong or len(out) != len(cases):
        sys.exit("the harness disagrees with traefik_v1.jsonl:\n" + "\n".join(wrong))
    print(f"harness checked on the {len(cases)} lines of traefik_v1.jsonl")


def write_cases(path, agreed, rng):
    """A sample: about 120 matches, 60 non-matches, 40 parse errors and 40 route tables."""
    kinds = {"match": [], "nomatch": [], "error": [], "table": []}
    for i, b in agreed:
        if "rules" in i:
            kinds["table"].append((i, b))
        elif b.get("parse_error"):
            kinds["error"].append((i, b))
        elif b.get("match"):
            kinds["match"].append((i, b))
        elif "match" in b:
            kinds["nomatch"].append((i, b))
    picked = []
    for kind, count in (("match", 120), ("nomatch", 60), ("error", 40), ("table", 40)):
        picked += rng.sample(kinds[kind], min(count, len(kinds[kind])))
    with open(path, "w") as f:
        for i, b in picked:
            if "rules" in i:
                case = dict(i)
                case.update({k: v for k, v in b.items() if v is not None})
                case["source"] = "traefik v1.7.34 server/server_configuration.go route table (random_rules.py harness)"
                f.write(json.dumps(case, ensure_ascii=False) + "\n")
                continue
            case = {"rule": i["rule"]}
            if "request" in i and not b.get("parse_error"):
                case["request"] = i["request"]
            if i.get("keep_trailing_slash"):
                case["keep_trailing_slash"] = True
            # `domains: null` is a fact (no Host matcher) unless the domains are an error.
            case.update({k: v for k, v in b.items()
                         if v is not None or (k == "domains" and "domains_error" not in b)})
            case["source"] = "traefik v1.7.34 rules/rules.go (random_rules.py harness)"
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"wrote {len(picked)} cases to {path}")


if __name__ == "__main__":
    main()
