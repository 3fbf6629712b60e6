#!/usr/bin/env python3
"""Random differential testing: `factory config` against `docker compose config` (v2.40.3).

Generates N seeded, reproducible compose projects -- single files and base+override sets of 2
or 3 files -- from a grammar of realistic service keys in their written forms (short/long
syntax, list/map forms, strings vs numbers vs booleans, quoted/unquoted scalars, flow and block
collections, anchors and `<<` merge keys, `!reset`/`!override` tags, `extends` within a file,
profiles, variables with defaults from a generated `.env`, top-level networks/volumes/secrets/
configs used or not). Each project is written to a temp dir; both tools run there with an
empty environment:

    env -i PATH=... COMPOSE -p t -f a.yml [-f b.yml ...] config --format json
    env -i PATH=... FACTORY config -p t -f a.yml [-f b.yml ...] --format json

and the whole JSON documents are compared (after replacing the temp dir by `<DIR>`), plus the
exit codes: when Compose refuses a project factory must exit non-zero, and when Compose accepts
it factory must print the same document, in JSON and, byte for byte, in YAML. With `--lint`,
when Compose refuses a project `factory lint` must find an error in it too (the platform may
forbid the key involved instead: any error counts).

Grammar: ~90 service keys (image/build in short and long form, command/entrypoint as string,
list or empty, environment/labels/annotations/sysctls/build.args as list or map with bare
names, numbers, booleans, null and `${VAR…}` values, ports short/long/ranges/IPv6, expose,
volumes short/long bind/volume/tmpfs, depends_on list/map, networks list/map with aliases,
healthcheck, logging, deploy, ulimits, secrets/configs short/long, extra_hosts list/map, dns,
devices, profiles, extends, hooks, develop, gpus, the resource and namespace keys …), `x-`
anchors merged with `<<`, `version`, `name`, top-level networks/volumes/secrets/configs used
or unused; overrides mostly re-declare keys an earlier file set, in another form, sometimes
tagged `!reset` / `!override`; a `.env` with some of the variables; `env_file` and
`label_file` files; now and then a `lib/common.yml` the first file loads through `include` (short
or long form, with `project_directory` / `env_file`) or a service's `extends.file`, itself
sometimes including a `lib/deep/more.yml`.

Every difference is printed with its seed and the differing JSON paths. With `--shrink`, each
differing project is reduced greedily (drop files, services, keys, list items; keep the same
kind of difference) and the minimal files are printed.

    usage: tests/differential/random_config.py [-n N] [--seed S] [--shrink] [--show SEED]
                                               [--keep DIR] [-j JOBS] [-q]
    environment:
      COMPOSE   docker-compose binary (default: installed by ../shared/tools/install-compose.sh)
      FACTORY   factory binary (default: $CARGO_TARGET_DIR or ./target, release build)

Exit status: 0 when no difference was found, 1 otherwise.
"""

import argparse
import concurrent.futures
import copy
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

from oracle import compose_binary

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


# ---------------------------------------------------------------------------------------------
# A tiny YAML model so the generator controls the written form of every node.


class S:
    """A scalar written exactly as `text` (already quoted if it should be)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return f"S({self.text!r})"


class M:
    """A mapping: list of (key, value) pairs; `flow` writes it `{a: 1}`; `anchor` / `merge`."""

    def __init__(self, items, flow=False, anchor=None, tag=None):
        self.items = list(items)
        self.flow = flow
        self.anchor = anchor
        self.tag = tag


class L:
    """A sequence; `flow` writes it `[a, b]`."""

    def __init__(self, items, flow=False, anchor=None, tag=None):
        self.items = list(items)
        self.flow = flow
        self.anchor = anchor
        self.tag = tag


class Alias:
    def __init__(self, name):
        self.name = name


class Tagged:
    """A scalar/collection with a tag (`!reset`, `!override`)."""

    def __init__(self, tag, value):
        self.tag = tag
        self.value = value


def is_coll(v):
    return isinstance(v, (M, L))


def flow_text(v):
    if isinstance(v, S):
        return v.text
    if isinstance(v, Alias):
        return "*" + v.name
    if isinstance(v, Tagged):
        inner = flow_text(v.value) if v.value is not None else ""
        return (v.tag + " " + inner).rstrip()
    pre = ""
    if v.anchor:
        pre += "&" + v.anchor + " "
    if v.tag:
        pre += v.tag + " "
    if isinstance(v, M):
        return pre + "{" + ", ".join(f"{k}: {flow_text(x)}" for k, x in v.items) + "}"
    return pre + "[" + ", ".join(flow_text(x) for x in v.items) + "]"


def emit(v, indent, out):
    """Append the block lines of collection v at `indent` to out."""
    pad = " " * indent
    if isinstance(v, M):
        for k, x in v.items:
            head = f"{pad}{k}:"
            emit_value(head, x, indent, out)
    else:
        for x in v.items:
            head = f"{pad}-"
            if isinstance(x, M) and not x.flow and not x.anchor and not x.tag and x.items:
                # "- key: v" compact form
                sub = []
                emit(x, indent + 2, sub)
                sub[0] = head + " " + sub[0][indent + 2:]
                out.extend(sub)
            else:
                emit_value(head, x, indent, out)


def emit_value(head, x, indent, out):
    if isinstance(x, Tagged):
        if x.value is None:
            out.append(head + " " + x.tag)
            return
        if is_coll(x.value) and not x.value.flow and x.value.items:
            out.append(head + " " + x.tag)
            emit(x.value, indent + 2, out)
            return
        out.append(head + " " + x.tag + " " + flow_text(x.value))
        return
    if is_coll(x) and not x.flow and x.items:
        pre = ""
        if x.anchor:
            pre += " &" + x.anchor
        if x.tag:
            pre += " " + x.tag
        out.append(head + pre)
        emit(x, indent + 2, out)
        return
    if isinstance(x, S) and x.text == "":
        out.append(head)
        return
    out.append(head + " " + flow_text(x))


def to_yaml(doc):
    out = []
    emit(doc, 0, out)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# The grammar.

SERVICE_NAMES = ["web", "db", "worker", "cache", "app"]
NET_NAMES = ["front", "back", "default"]
VOL_NAMES = ["data", "logs", "cache"]
SECRET_NAMES = ["token", "dbpass"]
CONFIG_NAMES = ["conf", "nginx_conf"]
ENV_KEYS = ["A", "B", "DEBUG", "PORT", "NODE_ENV", "EMPTY", "X_Y"]
LABEL_KEYS = ["traefik.enable", "traefik.port", "com.example.team", "traefik.frontend.rule",
              "sh.factory.cronjob.schedule", "a"]
DOTENV_VARS = {"TAG": "1.25", "PORT": "8080", "NAME": "hello world", "EMPTYV": "", "NUM": "3",
               "FLAG": "true"}


class G:
    def __init__(self, rnd):
        self.r = rnd
        self.used_anchor = 0
        # how many keys a service gets: small projects shrink well, big ones cover more
        self.density = rnd.choice([0.3, 0.6, 1.0, 1.5])
        # keys each service got in earlier files: overrides mostly re-declare those (merges)
        self.seen_keys = {}

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def some(self, seq, lo=1, hi=3):
        k = self.r.randint(lo, min(hi, len(seq)))
        return self.r.sample(list(seq), k)

    # scalars ---------------------------------------------------------------------------------
    def q(self, text):
        """text written plain, single- or double-quoted (when plain is safe-ish)."""
        c = self.r.random()
        if c < 0.3:
            return S("'" + text.replace("'", "''") + "'")
        if c < 0.6:
            return S(json.dumps(text))
        if re.fullmatch(r"[A-Za-z0-9_./:@=+-][A-Za-z0-9_./:@=+ $-]*", text) and not text.endswith(":") \
                and ": " not in text and " #" not in text:
            return S(text)
        return S(json.dumps(text))

    def var(self, default):
        name = self.pick(["TAG", "PORT", "NAME", "EMPTYV", "UNSET", "NUM", "FLAG"])
        op = self.pick([":-", "-", "", ":+", "+", ":-", "-", "", ":+", "+", ":?", "?"])
        if op == "":
            return self.pick(["${" + name + "}", "$" + name]) if name != "UNSET" else "${UNSET:-x}"
        return "${" + name + op + default + "}"

    def envval(self):
        c = self.r.random()
        if c < 0.15:
            return S(self.pick(["1", "0", "42", "3.5", "0x1F", "010", "1e3"]))
        if c < 0.25:
            return S(self.pick(["true", "false", "yes", "no", "on", "off", "True", "NO"]))
        if c < 0.3:
            return S(self.pick(["", "null", "~"]))
        if c < 0.45:
            return self.q(self.var("d"))
        if c < 0.5:
            return self.q("a$$b")
        return self.q(self.pick(["base", "over", "hello world", "x=y", "a:b", "http://h/p?q=1", " sp "]))

    def duration(self):
        return self.q(self.pick(["10s", "1m30s", "5s", "1h", "500ms", "2m", "0s", "1m0s"]))

    # service keys ----------------------------------------------------------------------------
    def command(self):
        c = self.r.random()
        if c < 0.35:
            return self.q(self.pick(["echo hi", "sh -c 'echo a b'", "npm start", 'echo "x y" z',
                                     "run --flag=$$HOME", "a\\ b c"]))
        if c < 0.45:
            return S(self.pick(["[]", "''", "null"]))
        return L([self.q(x) for x in self.some(["sh", "-c", "echo hi", "--port=80", "1" if self.chance(0.1) else "x"], 1, 4)],
                 flow=self.chance(0.5))

    def kv_section(self, keys, value_fn, allow_bare=True):
        ks = self.some(keys, 1, 4)
        if self.chance(0.5):
            return M([(self.q(k).text if self.chance(0.2) else k, value_fn()) for k in ks], flow=self.chance(0.2))
        items = []
        for k in ks:
            if allow_bare and self.chance(0.15):
                items.append(self.q(k))
            else:
                v = value_fn()
                t = v.text
                if t.startswith(("'", '"')):
                    t = json.loads(t) if t.startswith('"') else t[1:-1].replace("''", "'")
                items.append(self.q(f"{k}={t}"))
        return L(items, flow=self.chance(0.2))

    def port(self):
        c = self.r.random()
        if c < 0.55:
            t = self.pick(["80", "8080:80", "127.0.0.1:8080:80", "443:443/tcp", "53:53/udp", "3000-3001:3000-3001",
                           "9000", "${PORT:-8080}:80", "127.0.0.1::80", "80:80", "[::1]:80:80", "8000-8002"])
            if t.isdigit() and self.chance(0.5):
                return S(t)
            return self.q(t) if ":" not in t or self.chance(0.5) else S(json.dumps(t))
        if c < 0.65:
            return S(self.pick(["80", "8080", "443"]))
        items = [("target", S(self.pick(["80", "443", "8080"])))]
        if self.chance(0.7):
            items.append(("published", self.pick([S("8080"), S('"8081"'), S('"9000-9001"'), S("80"), S('"8080"')])))
        if self.chance(0.4):
            items.append(("protocol", S(self.pick(["tcp", "udp"]))))
        if self.chance(0.4):
            items.append(("mode", S(self.pick(["host", "ingress"]))))
        if self.chance(0.2):
            items.append(("host_ip", S(self.pick(["127.0.0.1", "0.0.0.0"]))))
        if self.chance(0.15):
            items.append(("name", S("http")))
        if self.chance(0.1):
            items.append(("app_protocol", S("http")))
        self.r.shuffle(items)
        return M(items, flow=self.chance(0.3))

    def volume(self, top):
        c = self.r.random()
        vol = self.pick(VOL_NAMES)
        if c < 0.5:
            t = self.pick([f"./data:/data", f"{vol}:/var/lib/{vol}", "/abs/path:/x:ro", "/tmp", ".:/app",
                           f"{vol}:/v:rw", "../up:/up", "./c:/c:z", f"{vol}:/n:nocopy", "~/h:/h",
                           "./data:/data/", "/srv:/srv:ro,z", "data:/data"])
            if not t.startswith(("/", ".", "~")):
                top["volumes"].add(t.split(":")[0])
            return self.q(t)
        typ = self.pick(["bind", "volume", "tmpfs", "volume"])
        items = [("type", S(typ))]
        if typ == "bind":
            items.append(("source", self.q(self.pick(["./src", ".", "/abs", "./x/../y"]))))
        elif typ == "volume":
            if self.chance(0.85):
                items.append(("source", S(vol)))
                top["volumes"].add(vol)
        items.append(("target", self.q(self.pick(["/app", "/data", "/var/x", "/data/"]))))
        if self.chance(0.3):
            items.append(("read_only", S(self.pick(["true", "false"]))))
        if typ == "bind" and self.chance(0.3):
            items.append(("bind", M([("create_host_path", S(self.pick(["true", "false"])))]
                                    + ([("propagation", S("rprivate"))] if self.chance(0.3) else []))))
        if typ == "volume" and self.chance(0.3):
            items.append(("volume", M([("nocopy", S(self.pick(["true", "false"])))])))
        if typ == "tmpfs" and self.chance(0.5):
            items.append(("tmpfs", M([("size", S(self.pick(["1000", "'64m'", "65536"])))])))
        if self.chance(0.1):
            items.append(("consistency", S("cached")))
        return M(items)

    def healthcheck(self):
        items = []
        if self.chance(0.8):
            c = self.r.random()
            if c < 0.4:
                t = L([self.q(x) for x in self.pick([["CMD", "curl", "-f", "http://localhost"],
                                                    ["CMD-SHELL", "pg_isready -U x"], ["NONE"]])],
                      flow=self.chance(0.5))
            else:
                t = self.q(self.pick(["curl -f http://localhost || exit 1", "true", "pg_isready"]))
            items.append(("test", t))
        for k in ["interval", "timeout", "start_period", "start_interval"]:
            if self.chance(0.35):
                items.append((k, self.duration()))
        if self.chance(0.4):
            items.append(("retries", S(self.pick(["3", "5", "0"]))))
        if self.chance(0.08):
            items.append(("disable", S(self.pick(["true", "false"]))))
        if not items:
            items.append(("retries", S("3")))
        return M(items)

    def logging(self):
        items = []
        if self.chance(0.7):
            items.append(("driver", self.q(self.pick(["json-file", "syslog", "none", "local"]))))
        if self.chance(0.7):
            items.append(("options", M([(k, self.q(v) if self.chance(0.7) else S(v2)) for k, v, v2 in
                                        self.some([("max-size", "10m", "10"), ("max-file", "3", "3"),
                                                   ("tag", "web", "true"), ("mode", "non-blocking", "1")], 1, 3)])))
        if not items:
            items.append(("driver", S("json-file")))
        return M(items)

    def depends_on(self, others):
        if not others:
            return None
        ds = self.some(others, 1, 2)
        if self.chance(0.5):
            return L([S(d) for d in ds], flow=self.chance(0.3))
        items = []
        for d in ds:
            sub = []
            if self.chance(0.8):
                sub.append(("condition", S(self.pick(["service_started", "service_healthy",
                                                       "service_completed_successfully"]))))
            if self.chance(0.3):
                sub.append(("restart", S(self.pick(["true", "false"]))))
            if self.chance(0.3):
                sub.append(("required", S(self.pick(["true", "false"]))))
            items.append((d, M(sub) if sub else S("{}")))
        return M(items)

    def networks(self, top):
        ns = self.some(NET_NAMES, 1, 2)
        for n in ns:
            if n != "default":
                top["networks"].add(n)
        if self.chance(0.5):
            return L([S(n) for n in ns], flow=self.chance(0.3))
        items = []
        for n in ns:
            c = self.r.random()
            if c < 0.3:
                items.append((n, S("")))
            elif c < 0.4:
                items.append((n, S("{}")))
            else:
                sub = []
                if self.chance(0.6):
                    sub.append(("aliases", L([S(a) for a in self.some(["alias1", "alias2", "x"], 1, 2)],
                                             flow=self.chance(0.5))))
                if self.chance(0.2):
                    sub.append(("ipv4_address", S("172.16.0.10")))
                if self.chance(0.2):
                    sub.append(("priority", S(self.pick(["100", "0"]))))
                if self.chance(0.1):
                    sub.append(("gw_priority", S("1")))
                if not sub:
                    sub.append(("aliases", L([S("z")])))
                items.append((n, M(sub)))
        return M(items)

    def build(self):
        c = self.r.random()
        if c < 0.3:
            return self.q(self.pick([".", "./app", "sub/dir"]))
        items = []
        if self.chance(0.8):
            items.append(("context", self.q(self.pick([".", "./app", "..", "https://github.com/x/y.git"]))))
        if self.chance(0.4):
            items.append(("dockerfile", self.q(self.pick(["Dockerfile.dev", "docker/Dockerfile"]))))
        if self.chance(0.4):
            items.append(("args", self.kv_section(["VERSION", "NODE_ENV", "X"], self.envval)))
        if self.chance(0.2):
            items.append(("target", S("prod")))
        if self.chance(0.15):
            items.append(("labels", self.kv_section(["a.b", "c"], self.envval, allow_bare=False)))
        if self.chance(0.1):
            items.append(("cache_from", L([S("img:cache")])))
        if self.chance(0.1):
            items.append(("network", S("host")))
        if self.chance(0.08):
            items.append(("ssh", self.pick([L([S("default")]), M([("default", S("/k"))])])))
        if self.chance(0.08):
            items.append(("secrets", L([S("token")])))
        if self.chance(0.08):
            items.append(("additional_contexts", self.kv_section(["a", "b"], lambda: S("./ctx"), allow_bare=False)))
        if self.chance(0.05):
            items.append(("platforms", L([S("linux/amd64"), S("linux/arm64")])))
        if self.chance(0.05):
            items.append(("tags", L([S("img:1"), S("img:1")])))
        if self.chance(0.05):
            items.append(("no_cache", S("true")))
        if self.chance(0.05):
            items.append(("pull", S("true")))
        if self.chance(0.1):
            items.append(("shm_size", S(self.pick(["'2gb'", "1000000"]))))
        if self.chance(0.1):
            items.append(("extra_hosts", L([S('"h:1.2.3.4"')])))
        if not items:
            items.append(("context", S(".")))
        return M(items)

    def deploy(self):
        items = []
        if self.chance(0.4):
            items.append(("replicas", S(self.pick(["1", "2", "0"]))))
        if self.chance(0.2):
            items.append(("mode", S(self.pick(["replicated", "global"]))))
        if self.chance(0.5):
            res = []
            for lk in self.some(["limits", "reservations"], 1, 2):
                sub = []
                if self.chance(0.7):
                    sub.append(("memory", self.q(self.pick(["512M", "1G", "100m", "1gb", "1024k", "2048" if self.chance(0.2) else "'2048'"]))))
                if self.chance(0.6):
                    sub.append(("cpus", self.pick([S("'0.5'"), S("0.5"), S("2"), S("'1'"), S("0.25")])))
                if lk == "limits" and self.chance(0.15):
                    sub.append(("pids", S("100")))
                if not sub:
                    sub.append(("cpus", S("1")))
                res.append((lk, M(sub)))
            items.append(("resources", M(res)))
        if self.chance(0.3):
            sub = [("condition", S(self.pick(["on-failure", "any", "none"])))]
            if self.chance(0.5):
                sub.append(("delay", self.duration()))
            if self.chance(0.5):
                sub.append(("max_attempts", S("3")))
            if self.chance(0.3):
                sub.append(("window", self.duration()))
            items.append(("restart_policy", M(sub)))
        if self.chance(0.2):
            items.append(("labels", self.kv_section(["x", "y.z"], self.envval, allow_bare=False)))
        if self.chance(0.15):
            items.append(("update_config", M([("parallelism", S("2")), ("delay", self.duration())])))
        if self.chance(0.1):
            items.append(("placement", M([("constraints", L([S('"node.role == manager"')]))])))
        if self.chance(0.1):
            items.append(("endpoint_mode", S("vip")))
        if not items:
            items.append(("replicas", S("1")))
        return M(items)

    def file_refs(self, names, target_prefix, top_key, top):
        ns = self.some(names, 1, 2)
        for n in ns:
            top[top_key].add(n)
        items = []
        for n in ns:
            if self.chance(0.6):
                items.append(S(n))
            else:
                sub = [("source", S(n))]
                if self.chance(0.6):
                    sub.append(("target", self.q(self.pick([f"{target_prefix}x", "custom", "/etc/x.conf"]))))
                if self.chance(0.3):
                    sub.append(("mode", S(self.pick(["0440", "288", "0o440"]))))
                if self.chance(0.2):
                    sub.append(("uid", S('"1000"')))
                items.append(M(sub))
        return L(items)

    def service(self, name, others, top, sv_names_all, allow_extends):
        items = []
        if self.chance(0.85):
            img = self.pick(["nginx:1.25", "redis", "postgres:16-alpine", "registry.example.com/a/b:2",
                             "${IMG:-alpine}", "alpine:${TAG}", "busybox@sha256:" + "a" * 64])
            items.append(("image", self.q(img)))
        if self.chance(0.2):
            items.append(("build", self.build()))
        if not items:
            items.append(("image", S("alpine")))
        gens = [
            (0.3, "command", self.command),
            (0.15, "entrypoint", self.command),
            (0.45, "environment", lambda: self.kv_section(ENV_KEYS, self.envval)),
            (0.35, "labels", lambda: self.kv_section(LABEL_KEYS, self.envval, allow_bare=False)),
            (0.35, "ports", lambda: L([self.port() for _ in range(self.r.randint(1, 3))], flow=False)),
            (0.2, "expose", lambda: L([self.pick([S("80"), S('"3000"'), S("'8000-8001'"), S("9000/udp"), S("443"),
                                                  S('"80"'), S('"1e2"'), S("100")])
                                       for _ in range(self.r.randint(1, 3))], flow=self.chance(0.5))),
            (0.35, "volumes", lambda: L([self.volume(top) for _ in range(self.r.randint(1, 3))])),
            (0.25, "depends_on", lambda: self.depends_on(others)),
            (0.25, "networks", lambda: self.networks(top)),
            (0.2, "healthcheck", self.healthcheck),
            (0.15, "logging", self.logging),
            (0.3, "restart", lambda: self.pick([S("always"), S('"no"'), S("no"), S("unless-stopped"),
                                                S("on-failure"), S("'on-failure:3'")])),
            (0.1, "dns", lambda: self.pick([S("8.8.8.8"), L([S("8.8.8.8"), S("1.1.1.1")])])),
            (0.1, "dns_search", lambda: self.pick([S("example.com"), L([S("a.com")])])),
            (0.12, "extra_hosts", lambda: self.pick([
                L([self.q(self.pick(["a.local:10.0.0.1", "b.local=10.0.0.2", "host.docker.internal:host-gateway",
                                     "v6:::1", "c:[::1]"])) for _ in range(self.r.randint(1, 2))]),
                M([("a.local", S("10.0.0.1")), ("m", L([S("1.1.1.1"), S("2.2.2.2")]))])])),
            (0.1, "cap_add", lambda: L([S(x) for x in self.some(["NET_ADMIN", "SYS_PTRACE", "ALL"], 1, 2)])),
            (0.08, "cap_drop", lambda: L([S("ALL")])),
            (0.1, "ulimits", lambda: M([(k, self.pick([S("65535"), M([("soft", S("1024")), ("hard", S("2048"))])]))
                                        for k in self.some(["nofile", "nproc", "core"], 1, 2)])),
            (0.12, "deploy", self.deploy),
            (0.1, "secrets", lambda: self.file_refs(SECRET_NAMES, "/run/secrets/", "secrets", top)),
            (0.08, "configs", lambda: self.file_refs(CONFIG_NAMES, "/", "configs", top)),
            (0.12, "profiles", lambda: L([S(p) for p in self.some(["debug", "prod"], 1, 2)], flow=self.chance(0.5))),
            (0.1, "working_dir", lambda: self.q(self.pick(["/app", "/srv/x/"]))),
            (0.1, "user", lambda: self.pick([S("node"), S('"1000:1000"'), S("1000" if self.chance(0.2) else "'1000'")])),
            (0.06, "hostname", lambda: S("myhost")),
            (0.05, "domainname", lambda: S("example.com")),
            (0.08, "container_name", lambda: S(f"c_{name}")),
            (0.06, "stop_signal", lambda: S("SIGINT")),
            (0.08, "stop_grace_period", self.duration),
            (0.1, "tty", lambda: self.pick([S("true"), S("false"), S('"true"')])),
            (0.08, "stdin_open", lambda: S(self.pick(["true", "false"]))),
            (0.06, "privileged", lambda: S(self.pick(["true", "false"]))),
            (0.1, "read_only", lambda: S(self.pick(["true", "false"]))),
            (0.06, "init", lambda: S(self.pick(["true", "false"]))),
            (0.06, "shm_size", lambda: self.pick([S("64m"), S("'1gb'"), S("1000000")])),
            (0.06, "mem_limit", lambda: self.pick([S("512m"), S("1g"), S("1073741824")])),
            (0.05, "memswap_limit", lambda: self.pick([S("1g"), S("-1")])),
            (0.05, "cpus", lambda: self.pick([S("0.5"), S("'1.5'"), S("2")])),
            (0.04, "cpu_shares", lambda: S("512")),
            (0.04, "mem_reservation", lambda: S("256m")),
            (0.05, "oom_score_adj", lambda: S("-500")),
            (0.05, "pids_limit", lambda: S("100")),
            (0.05, "sysctls", lambda: self.kv_section(["net.core.somaxconn", "net.ipv4.tcp_syncookies"],
                                                      lambda: S(self.pick(["1024", "0", "'1'"])), allow_bare=False)),
            (0.05, "tmpfs", lambda: self.pick([S("/run"), L([S("/run"), S("/tmp:size=64m")])])),
            (0.05, "security_opt", lambda: L([S("no-new-privileges:true")])),
            (0.05, "pull_policy", lambda: S(self.pick(["always", "never", "missing", "build", "if_not_present"]))),
            (0.04, "platform", lambda: S("linux/amd64")),
            (0.04, "network_mode", lambda: self.pick([S("host"), S("none"), S('"service:db"')])),
            (0.05, "links", lambda: L([S(o) if self.chance(0.5) else S(f"{o}:alias") for o in self.some(others, 1, 1)])
             if others else None),
            (0.03, "external_links", lambda: L([S("redis_1:redis")])),
            (0.04, "devices", lambda: L([self.pick([S("/dev/ttyUSB0:/dev/ttyUSB0"), S("/dev/sda:/dev/xvda:rwm")])])),
            (0.03, "group_add", lambda: L([self.pick([S("mail"), S("1000"), S('"1000"'), S('"1e3"'), S("1000.0")])
                                           for _ in range(self.r.randint(1, 2))])),
            (0.04, "ipc", lambda: S(self.pick(["host", "shareable"]))),
            (0.03, "pid", lambda: S("host")),
            (0.03, "userns_mode", lambda: S("host")),
            (0.04, "volumes_from", lambda: L([S(o) for o in self.some(others, 1, 1)]) if others else None),
            (0.03, "mac_address", lambda: S("02:42:ac:11:00:02")),
            (0.08, "env_file", lambda: self.pick([S(".env.web"), L([S(".env.web")]),
                                                  L([M([("path", S(".env.opt")), ("required", S("false"))])])])),
            (0.03, "stop_signal", lambda: S("SIGTERM")),
            (0.03, "annotations", lambda: self.kv_section(["com.x", "y"], self.envval, allow_bare=False)),
            (0.03, "storage_opt", lambda: M([("size", S("20G"))])),
            (0.03, "blkio_config", lambda: M([("weight", S("300"))]
                                             + ([("weight_device", L([M([("path", S("/dev/sda")),
                                                                          ("weight", S("400"))])]))]
                                                if self.chance(0.5) else [])
                                             + [(k, L([M([("path", S("/dev/sdb")),
                                                          ("rate", S(self.pick(["1024", "'12mb'", "1g",
                                                                                '"30"'])))])]))
                                                for k in self.some(["device_read_bps", "device_read_iops",
                                                                    "device_write_bps", "device_write_iops"],
                                                                   0, 2)])),
            (0.02, "pull_refresh_after", lambda: S("1h")),
            (0.03, "provider", lambda: M([("type", S("awesomecloud"))]
                                         + ([("options", M([("type", S("mysql")),
                                                            ("foo", L([S("bar"), S("1")], flow=True)),
                                                            ("size", S(self.pick(["1", "1.5", "true", '"x"'])))]))]
                                            if self.chance(0.7) else []))),
            (0.02, "cpu_count", lambda: S(self.pick(["2", '"2"']))),
            (0.02, "cpu_rt_runtime", lambda: S("400")),
            (0.02, "mem_swappiness", lambda: S("60")),
            (0.03, "cgroup", lambda: S("host")),
            (0.03, "runtime", lambda: S("runc")),
            (0.02, "scale", lambda: S("2")),
            (0.04, "post_start", lambda: L([M([("command", self.command())]
                                               + ([("user", S("root"))] if self.chance(0.3) else [])
                                               + ([("environment", self.kv_section(ENV_KEYS, self.envval))]
                                                  if self.chance(0.3) else []))])),
            (0.03, "pre_stop", lambda: L([M([("command", self.command())])])),
            (0.04, "develop", lambda: M([("watch", L([M([("path", self.q(self.pick(["./src", "src", "/abs"]))),
                                                           ("action", S(self.pick(["sync", "rebuild", "restart"])))]
                                                          + ([("target", S("/app"))] if self.chance(0.6) else [])
                                                          + ([("ignore", L([S("node_modules/")]))]
                                                             if self.chance(0.3) else []))]))])),
            (0.03, "gpus", lambda: self.pick([S("all"), L([M([("driver", S("nvidia")), ("count", S("1")),
                                                               ("capabilities", L([S("gpu")]))])])])),
            (0.03, "stop_signal", lambda: S("SIGQUIT")),
            (0.04, "label_file", lambda: self.pick([S("web.labels"), L([S("web.labels"), S("./more.labels")])])),
            (0.03, "dns_opt", lambda: L([S("use-vc"), S("ndots:2")])),
            (0.03, "device_cgroup_rules", lambda: L([S("'c 1:3 mr'")])),
            (0.03, "use_api_socket", lambda: S("true")),
            (0.03, "attach", lambda: S("false")),
            (0.03, "oom_kill_disable", lambda: S("true")),
            (0.03, "cpuset", lambda: S('"0-1"')),
            (0.03, "cpu_period", lambda: S("100000")),
            (0.03, "uts", lambda: S("host")),
            (0.03, "isolation", lambda: S("default")),
            (0.03, "credential_spec", lambda: M([("config", S("x"))])),
            (0.03, "x-custom", lambda: S("1")),
        ]
        for p, key, fn in gens:
            if key in dict(items):
                continue
            if self.chance(p * self.density):
                v = fn()
                if v is not None:
                    items.append((key, v))
        if allow_extends and others and self.chance(0.25):
            items.append(("extends", self.pick([S(self.pick(others)), M([("service", S(self.pick(others)))])])))
        self.r.shuffle(items)
        return items

    def top_section(self, kind, used):
        names = {"networks": NET_NAMES[:2] + ["unused_net"], "volumes": VOL_NAMES + ["unused_vol"],
                 "secrets": SECRET_NAMES + ["unused_secret"], "configs": CONFIG_NAMES + ["unused_conf"]}[kind]
        want = sorted(set(used) | set(n for n in names if self.chance(0.15)))
        items = []
        for n in want:
            if n == "default":
                continue
            c = self.r.random()
            if kind in ("networks", "volumes"):
                if c < 0.35:
                    items.append((n, S("")))
                elif c < 0.45:
                    items.append((n, S("{}")))
                else:
                    sub = []
                    if self.chance(0.4):
                        sub.append(("driver", S("local" if kind == "volumes" else self.pick(["bridge", "overlay"]))))
                    if self.chance(0.2):
                        sub.append(("external", S("true")))
                    if self.chance(0.25):
                        sub.append(("name", self.q(self.pick([f"my_{n}", "${NAME:-x}_net"]))))
                    if self.chance(0.2):
                        sub.append(("labels", self.kv_section(["a", "b.c"], self.envval, allow_bare=False)))
                    if kind == "networks" and self.chance(0.15):
                        sub.append(("internal", S("true")))
                    if kind == "networks" and self.chance(0.1):
                        sub.append(("ipam", M([("config", L([M([("subnet", S("172.16.0.0/24"))])]))])))
                    if kind == "volumes" and self.chance(0.15):
                        sub.append(("driver_opts", M([("type", S("none")), ("o", S("bind")),
                                                      ("device", S("/srv/x"))])))
                    if not sub:
                        sub.append(("driver", S("local" if kind == "volumes" else "bridge")))
                    items.append((n, M(sub)))
            else:
                if c < 0.5:
                    items.append((n, M([("file", self.q(self.pick(["./secret.txt", "secret.txt", "/abs/s"])))])))
                elif c < 0.7:
                    items.append((n, M([("environment", S("TAG"))])))
                elif c < 0.85:
                    items.append((n, M([("external", S("true"))])))
                elif kind == "configs":
                    items.append((n, M([("content", self.q("hello $$x"))])))
                else:
                    items.append((n, M([("file", S("./secret.txt")), ("name", S("named_secret"))])))
        return items

    def file(self, names, is_override, allow_extends=True):
        top = {"networks": set(), "volumes": set(), "secrets": set(), "configs": set()}
        services = []
        anchor_items = None
        for i, name in enumerate(names):
            others = [o for o in names[:i]] if not is_override else [o for o in names if o != name]
            items = self.service(name, others, top, names, allow_extends and not is_override)
            if is_override:
                # overrides: fewer keys, mostly ones an earlier file set (so they merge), in
                # another written form; sometimes tagged
                seen = self.seen_keys.get(name, set())
                if seen and self.chance(0.8):
                    extra = self.service(name, others, top, names, False)
                    items = items + [kv for kv in extra if kv[0] in seen and kv[0] not in dict(items)]
                    items.sort(key=lambda kv: (kv[0] not in seen, self.r.random()))
                items = items[: self.r.randint(0, max(1, len(items) // 2))]
                items = [(k, v) for k, v in items if k != "extends"]
                new = []
                for k, v in items:
                    if (k in ("environment", "labels", "sysctls", "annotations") and isinstance(v, M)
                            and v.items and self.chance(0.3)):
                        # a list or mapping value: compose-go prints it `%v` when the key merges
                        # onto an earlier file's (mergeToSequence), refuses it otherwise
                        j = self.r.randrange(len(v.items))
                        value = self.pick([
                            L([self.envval() for _ in range(self.r.randint(0, 3))], flow=True),
                            M([("b", self.envval()), ("a", L([S("1"), S("x")], flow=True))], flow=True),
                        ])
                        v = M(v.items[:j] + [(v.items[j][0], value)] + v.items[j + 1:], flow=v.flow)
                    c = self.r.random()
                    if c < 0.1:
                        new.append((k, Tagged("!reset", self.pick([None, S("[]"), S("{}"), S("null")]))))
                    elif c < 0.2 and is_coll(v):
                        new.append((k, Tagged("!override", v)))
                    else:
                        new.append((k, v))
                items = new
                if self.chance(0.1) and not items:
                    items = [("image", Tagged("!reset", None))]
            services.append((name, items))
            self.seen_keys.setdefault(name, set()).update(k for k, _ in items)
        doc = []
        if self.chance(0.15) and services and services[0][1]:
            # an x- anchor merged into services
            common = [(k, v) for k, v in services[0][1] if k in ("environment", "labels", "logging", "restart",
                                                                 "healthcheck", "networks", "image")]
            if common:
                doc.append(("x-common", M(common, anchor="common")))
                for j, (name, items) in enumerate(services):
                    if j == 0 or self.chance(0.5):
                        keep = [(k, v) for k, v in items if j != 0 or k not in dict(common)]
                        services[j] = (name, [("<<", Alias("common"))] + keep)
        if self.chance(0.1):
            doc.append(("version", S(self.pick(['"3.8"', "'2'", "'3'"]))))
        svc_m = M([(n, M(items) if items else S("{}")) for n, items in services])
        doc.append(("services", svc_m))
        for kind in ["networks", "volumes", "secrets", "configs"]:
            used = top[kind]
            if used or self.chance(0.1):
                sec = self.top_section(kind, used)
                if sec:
                    doc.append((kind, M(sec)))
        if self.chance(0.05):
            doc.append(("name", S(self.pick(["myproj", "${NAME:-p}"]))))
        return M(doc)


def generate(seed):
    """Return ({filename: text}, [compose files in -f order])."""
    r = random.Random(seed)
    g = G(r)
    nfiles = r.choice([1, 1, 2, 2, 3])
    all_names = r.sample(SERVICE_NAMES, r.randint(1, 3))
    files = {}
    order = []
    for i in range(nfiles):
        if i == 0:
            names = all_names
        else:
            names = [n for n in all_names if r.random() < 0.7] or all_names[:1]
            if r.random() < 0.2:
                names = names + [n for n in SERVICE_NAMES if n not in all_names][:1]
        doc = g.file(names, is_override=i > 0)
        if i > 0:
            # a service new in an override needs an image
            svcs = dict(doc.items)["services"]
            for j, (name, svc) in enumerate(svcs.items):
                if name not in all_names and r.random() < 0.9:
                    items = svc.items if isinstance(svc, M) else []
                    svcs.items[j] = (name, M([("image", S("alpine"))] + [(k, v) for k, v in items if k != "image"]))
        fname = ["compose.yml", "override.yml", "third.yml"][i]
        files[fname] = doc
        order.append(fname)
    extra = {}
    if r.random() < 0.25:
        # A file the project loads itself: through `include` (its services are not the
        # project's, but sometimes one is: a conflict) or `extends.file`.
        lib_names = [n for n in SERVICE_NAMES if n not in all_names][: r.randint(1, 2)]
        if r.random() < 0.15 or not lib_names:
            lib_names = lib_names + [all_names[0]]
        files["lib/common.yml"] = g.file(lib_names, is_override=False)
        for name in ("secret.txt", ".env.web", "web.labels", "more.labels"):
            extra["lib/" + name] = "x=1\n"
        deep_names = [n for n in SERVICE_NAMES if n not in all_names and n not in lib_names][:1]
        if deep_names and r.random() < 0.3:
            # The loaded file includes one of its own (a path relative to its folder).
            files["lib/deep/more.yml"] = g.file(deep_names, is_override=False)
            for name in ("secret.txt", ".env.web", "web.labels", "more.labels"):
                extra["lib/deep/" + name] = "y=2\n"
            item = S("deep/more.yml") if r.random() < 0.5 else M([("path", S("deep/more.yml"))])
            files["lib/common.yml"].items.insert(0, ("include", L([item])))
        main = files["compose.yml"]
        if r.random() < 0.5:
            c = r.random()
            if c < 0.4:
                item = S("lib/common.yml")
            else:
                fields = [("path", S("lib/common.yml"))]
                if c < 0.7:
                    fields.append(("project_directory", S(r.choice(["lib", "."]))))
                if r.random() < 0.3:
                    fields.append(("env_file", S(r.choice(["lib/.env.web", ".env.web"]))))
                item = M(fields)
            main.items.insert(0, ("include", L([item])))
        else:
            svcs = dict(main.items)["services"]
            j = r.randrange(len(svcs.items))
            name, svc = svcs.items[j]
            items = [(k, v) for k, v in (svc.items if isinstance(svc, M) else []) if k != "extends"]
            ext = M([("file", S("lib/common.yml")), ("service", S(r.choice(lib_names)))])
            svcs.items[j] = (name, M(items + [("extends", ext)]))
    if r.random() < 0.4:
        keys = r.sample(sorted(DOTENV_VARS), r.randint(1, len(DOTENV_VARS)))
        extra[".env"] = "".join(f"{k}={DOTENV_VARS[k]}\n" for k in keys)
    extra[".env.web"] = "WEB_A=1\nWEB_B=two words\n"
    extra["secret.txt"] = "s3cret\n"
    extra["web.labels"] = "com.example.a=1\ncom.example.b=${NAME:-d}\nBARE\n"
    extra["more.labels"] = "com.example.a=2\nc=${com.example.b}x\n"
    return files, order, extra


# ---------------------------------------------------------------------------------------------
# Running and comparing.


# Set by --lint (see `run_both`).
LINT = False


def run_both(files, order, extra, compose, factory, keep=None):
    d = keep or tempfile.mkdtemp(prefix="rcfg")
    os.makedirs(d, exist_ok=True)
    try:
        for name, doc in files.items():
            os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(to_yaml(doc) if not isinstance(doc, str) else doc)
        for name, text in extra.items():
            os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text)
        args = []
        for f in order:
            args += ["-f", f]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        res = []
        # JSON first; then, when both accept the project, the YAML output (the default format).
        for cmd in ([compose, "-p", "t"] + args + ["config", "--format", "json"],
                    [factory, "config", "-p", "t"] + args + ["--format", "json"],
                    [compose, "-p", "t"] + args + ["config"],
                    [factory, "config", "-p", "t"] + args):
            if len(res) == 2 and (res[0][0] != 0 or res[1][0] != 0) and not ssh_json_bug(res[0]):
                break
            try:
                p = subprocess.run(cmd, cwd=d, env=env, capture_output=True, text=True, timeout=30,
                                   stdin=subprocess.DEVNULL)
                res.append((p.returncode, p.stdout.replace(d, "<DIR>"), p.stderr.replace(d, "<DIR>")))
            except subprocess.TimeoutExpired:
                res.append((-999, "", "timeout"))
        # With --lint: what Compose refuses, `factory lint` must find an error in.
        if LINT and res[0][0] != 0 and not ssh_json_bug(res[0]):
            cmd = [factory, "lint", "-p", "t", "--format", "json"] + args
            try:
                p = subprocess.run(cmd, cwd=d, env=env, capture_output=True, text=True, timeout=30,
                                   stdin=subprocess.DEVNULL)
                res.append(("lint", p.returncode, p.stdout, p.stderr.replace(d, "<DIR>")))
            except subprocess.TimeoutExpired:
                res.append(("lint", -999, "", "timeout"))
            texts = {}
            for root, _, names in os.walk(d):
                for n in names:
                    path = os.path.join(root, n)
                    with open(path, encoding="utf-8", errors="replace") as f:
                        texts[os.path.relpath(path, d)] = f.read()
            res.append(("texts", texts))
        return res
    finally:
        if not keep:
            shutil.rmtree(d, ignore_errors=True)


def json_diff(a, b, path="", out=None):
    if out is None:
        out = []
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b) and set(a) == set(b):
            out.append((path + " (key order)", list(a), list(b)))
        for k in list(a) + [k for k in b if k not in a]:
            p = f"{path}.{k}" if path else k
            if k not in a:
                out.append((p, "<missing>", b[k]))
            elif k not in b:
                out.append((p, a[k], "<missing>"))
            else:
                json_diff(a[k], b[k], p, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            json_diff(x, y, f"{path}[{i}]", out)
    elif a != b or type(a) is not type(b):
        out.append((path, a, b))
    return out


def ssh_json_bug(result):
    """Whether Compose failed to print JSON only because of a `build.ssh` key with a path
    (v2.40.3's `SSHKey.MarshalJSON` writes `"ID": PATH`, no JSON value): its YAML is compared."""
    rc, _, err = result
    return rc != 0 and "MarshalJSON for type types.SSHKey" in err


def ssh_sorted(text):
    """`text` with the items of each `ssh:` list sorted: Compose prints them in a Go map's
    order, which changes from run to run."""
    out, block = [], []
    for line in text.splitlines():
        if block and line.startswith(block[0]) and line.lstrip().startswith("- "):
            block.append(line)
            continue
        out.extend(sorted(block[1:]))
        block = []
        out.append(line)
        if line.strip() == "ssh:":
            block = [" " * (len(line) - len(line.lstrip()))]
    out.extend(sorted(block[1:]))
    return "\n".join(out)


def enclosing_lines(text, line):
    """The 1-based numbers of `line` and of the lines of the keys that enclose it (each less
    indented than the one below it), read off the text's indentation; and the top-level key."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return {line}, []
    out = {line}
    key = lambda t: t.strip(" -").split(":")[0].strip().strip("'\"")
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" -"))
    keys = [key(lines[line - 1])]
    for k in range(line - 1, 0, -1):
        t = lines[k - 1]
        if not t.strip() or t.lstrip().startswith("#"):
            continue
        i = len(t) - len(t.lstrip(" -"))
        if i < indent:
            out.add(k)
            keys.append(key(t))
            indent = i
    return out, keys[::-1]


def lint_misses(res, lint, texts):
    """With --lint: a difference when `factory config` refused the project at a place where
    `factory lint` found no error, neither there nor on a key that encloses it (the platform
    forbids keys Compose checks the values of: FC012 on `networks` covers its values)."""
    _, rc, out, err = lint
    if rc == 2:
        return [("<lint>", f"compose refused: {res[0][2].strip()[:200]}", f"factory lint exit 2: {err.strip()[:200]}")]
    try:
        found = json.loads(out)["diagnostics"]
    except (ValueError, KeyError):
        return [("<lint>", "compose refused", "factory lint printed no JSON report: " + out[:200])]
    errors = [d for d in found if d["severity"] == "error"]
    if not errors:
        return [("<lint>", f"compose refused: {res[0][2].strip()[:200]}", "factory lint: no error")]
    for m in re.finditer(r"error\[(\w+)\]: ([^\n]*)\n\s*--> (\S+):(\d+):(\d+)", res[1][2]):
        code, message, name, line, col = m.group(1), m.group(2), m.group(3), int(m.group(4)), int(m.group(5))
        name = name.replace("<DIR>/", "")
        text = texts.get(name, "")
        around, keys = enclosing_lines(text, line)
        lines = text.splitlines()
        # At a `<<` line (a value the service inherits): the last key the refusal names.
        at_merge_key = 1 <= line <= len(lines) and lines[line - 1].strip().startswith("<<")
        named = re.findall(r"`[^`]*?([\w.-]+)`", message) if at_merge_key else []
        merged_path = named[0] if named else None
        def covers(d):
            # A top-level section or a service key the platform does not deploy (FC010, FC012,
            # reported once for the merged project, where a file sets it), and services a
            # profile leaves out (profiles: FC012).
            if d["code"] == "FC010" and keys and f"`{keys[0]}`" in d["message"]:
                return True
            if (d["code"] == "FC012" and keys[:1] == ["services"]
                    and any(f"`{k}`" in d["message"] for k in keys[2:3])):
                return True
            if d["code"] == "FC012" and "profile" in message and "`profiles`" in d["message"]:
                return True
            # A refusal inside an `x-` anchor (`x-common: &common` / `networks: [back]`) that a
            # service merges with `<<`, its own file's or another's through `extends`: the service
            # key it sits under is FC012's, reported once where the merged service has it (its
            # own key, or its `<<` line with the anchor's key as a second place).
            if (d["code"] == "FC012" and keys[:1] and keys[0].startswith("x-")
                    and any(f"`{k}`" in d["message"] for k in keys[1:2])):
                return True
            # A cycle through `network_mode: service:…` or `volumes_from`, keys the platform
            # forbids.
            if (d["code"] == "FC012" and code == "FC030"
                    and ("`network_mode`" in d["message"] or "`volumes_from`" in d["message"])):
                return True
            # A refusal at a `<<` line (a value the service inherits) that lint reports once,
            # at the anchor's value, naming the same key (FC021 on `PORT` for
            # `services.app.environment.PORT`, on `com.example.team` for
            # `services.db.labels.com.example.team`).
            # The key may hold dots (`com.example.team`): the path ends with the name lint gives.
            if merged_path and any(merged_path == w or merged_path.endswith("." + w)
                                   for w in re.findall(r"`([^`]+)`", d["message"])):
                return True
            if d["file"] != name or d["line"] is None:
                return False
            if d["line"] in around:
                return True
            # An error inside the refused key's block (no image: FC033 on an empty `image`).
            if line in enclosing_lines(text, d["line"])[0]:
                return True
            start, end = (d["line"], d["column"]), (d["end_line"], d["end_column"])
            return start <= (line, col) <= end
        if not any(covers(d) for d in errors):
            return [("<lint>", f"factory config refused at {name}:{line}:{col}: {code} {message[:150]}",
                     "factory lint: no error there nor on an enclosing key")]
    return []


def compare(res):
    """Return a list of (path, compose, factory) differences; [] when equal."""
    lint = [r for r in res if r[0] == "lint"]
    texts = next((r[1] for r in res if r[0] == "texts"), {})
    res = [r for r in res if r[0] not in ("lint", "texts")]
    if lint and res[1][0] != 0:
        missed = lint_misses(res, lint[0], texts)
        if missed:
            return missed
    (crc, cout, cerr), (frc, fout, ferr) = res[:2]
    if ssh_json_bug(res[0]) and frc == 0 and len(res) == 4:
        (cyrc, cy, cyerr), (fyrc, fy, _) = res[2:]
        if cyrc != 0 or fyrc != 0:
            return [("<exit>", f"compose YAML ({cyrc}): {cyerr.strip()[:300]}", f"factory YAML exit {fyrc}")]
        if ssh_sorted(cy) != ssh_sorted(fy):
            cy, fy = ssh_sorted(cy).splitlines(), ssh_sorted(fy).splitlines()
            at = next((i for i, (x, y) in enumerate(zip(cy, fy)) if x != y), min(len(cy), len(fy)))
            line = lambda lines: lines[at] if at < len(lines) else "(end)"
            return [("<yaml>", f"line {at + 1}: {line(cy)}", line(fy))]
        return []
    if crc != 0 or frc != 0:
        if crc != 0 and frc != 0:
            return []
        if crc != 0:
            return [("<exit>", f"compose refused ({crc}): {cerr.strip()[:300]}", f"factory exit {frc}")]
        return [("<exit>", "compose accepted", f"factory refused ({frc}): {ferr.strip()[:300]}")]
    try:
        a = json.loads(cout)
    except ValueError:
        return [("<json>", "compose printed invalid JSON", cout[:200])]
    try:
        b = json.loads(fout)
    except ValueError:
        return [("<json>", "ok", "factory printed invalid JSON: " + fout[:200])]
    d = json_diff(a, b)
    if not d and cout.strip() != fout.strip():
        d = [("<text>", "compose text differs from factory text (same JSON)", "")]
    if not d and len(res) == 4 and res[2][1] != res[3][1]:
        cy, fy = res[2][1].splitlines(), res[3][1].splitlines()
        at = next((i for i, (x, y) in enumerate(zip(cy, fy)) if x != y), min(len(cy), len(fy)))
        line = lambda lines: lines[at] if at < len(lines) else "(end)"
        d = [("<yaml>", f"line {at + 1}: {line(cy)}", line(fy))]
    return d


def signature(diffs):
    """What must stay the same while shrinking: the first differing path with indices removed."""
    if not diffs:
        return None
    p = diffs[0][0]
    p = re.sub(r"\[\d+\]", "[]", p)
    p = re.sub(r"^services\.[^.]+", "services.*", p)
    p = re.sub(r"^(networks|volumes|secrets|configs)\.[^.]+", r"\1.*", p)
    if p == "<exit>":
        p += ":" + ("compose-refused" if diffs[0][1].startswith("compose refused") else "factory-refused")
    return p


def candidates(files, order):
    """Smaller variants of a project (one removal each)."""
    if len(order) > 1:
        for i in range(len(order)):
            o = order[:i] + order[i + 1:]
            yield {k: v for k, v in files.items() if k in o or k not in order}, o

    def walk(node, trail):
        # yield (container, index) for every removable item, deepest last
        if isinstance(node, Tagged):
            if node.value is not None:
                yield from walk(node.value, trail + [node])
            return
        if isinstance(node, (M, L)):
            for i in range(len(node.items)):
                yield node, i
            for i, it in enumerate(node.items):
                child = it[1] if isinstance(node, M) else it
                yield from walk(child, trail + [node])

    for fname in files:
        n = sum(1 for _ in walk(files[fname], []))
        for idx in range(n):
            new = copy.deepcopy(files)
            for j, (cont, i) in enumerate(walk(new[fname], [])):
                if j == idx:
                    del cont.items[i]
                    break
            yield new, order
    # simplify: flow -> block, tags removed
    for fname in order:
        new = copy.deepcopy(files)
        changed = False

        def unflow(node):
            nonlocal changed
            if isinstance(node, Tagged):
                if node.value is not None:
                    unflow(node.value)
                return
            if isinstance(node, (M, L)):
                if node.flow:
                    node.flow = False
                    changed = True
                for it in node.items:
                    unflow(it[1] if isinstance(node, M) else it)
        unflow(new[fname])
        if changed:
            yield new, order


def shrink(files, order, extra, compose, factory, sig, budget=400):
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        for cand_files, cand_order in candidates(files, order):
            tries += 1
            if tries > budget:
                break
            try:
                res = run_both(cand_files, cand_order, extra, compose, factory)
            except Exception:  # an unwritable candidate (dangling alias): skip
                continue
            d = compare(res)
            if d and signature(d) == sig:
                files, order = cand_files, cand_order
                improved = True
                break
    # drop extra files that do not matter
    for name in list(extra):
        e2 = {k: v for k, v in extra.items() if k != name}
        d = compare(run_both(files, order, e2, compose, factory))
        if d and signature(d) == sig:
            extra = e2
    return files, order, extra


def show_project(files, order, extra):
    out = []
    for f in order + [f for f in files if f not in order]:
        out.append(f"--- {f}\n{to_yaml(files[f]) if not isinstance(files[f], str) else files[f]}")
    for f, t in extra.items():
        out.append(f"--- {f}\n{t}")
    return "".join(out)


def check(seed, compose, factory):
    files, order, extra = generate(seed)
    try:
        res = run_both(files, order, extra, compose, factory)
    except Exception as e:  # noqa: BLE001 -- report, do not stop the run
        return seed, [("<harness>", repr(e), "")]
    return seed, compare(res)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=200, help="number of projects (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    ap.add_argument("--shrink", action="store_true", help="shrink every difference to a minimal project")
    ap.add_argument("--show", type=int, help="print the project of this seed and its comparison, then exit")
    ap.add_argument("--keep", help="with --show: write the project to this directory")
    ap.add_argument("-j", type=int, default=2, help="parallel jobs (default 2)")
    ap.add_argument("-q", action="store_true", help="only the summary and one line per difference")
    ap.add_argument("--lint", action="store_true",
                    help="also check that `factory lint` finds an error where Compose refuses")
    a = ap.parse_args()
    global LINT
    LINT = a.lint

    compose = compose_binary()
    factory = os.environ.get("FACTORY")
    if not factory:
        target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
        factory = os.path.join(target, "release", "factory")
    factory = os.path.abspath(factory)

    if a.show is not None:
        files, order, extra = generate(a.show)
        sys.stdout.write(show_project(files, order, extra))
        res = run_both(files, order, extra, compose, factory, keep=a.keep)
        for who, (rc, out, err) in zip(("compose", "factory"), res):
            sys.stdout.write(f"=== {who} exit {rc}\n{err}")
        for p, x, y in compare(res):
            sys.stdout.write(f"DIFF {p}\n  compose: {json.dumps(x)}\n  factory: {json.dumps(y)}\n")
        return 0

    seeds = range(a.seed, a.seed + a.n)
    bad = []
    sigs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.j) as ex:
        for seed, diffs in ex.map(lambda s: check(s, compose, factory), seeds):
            if diffs:
                bad.append((seed, diffs))
                sigs.setdefault(signature(diffs), []).append(seed)
                if a.q:
                    p, x, y = diffs[0]
                    sys.stdout.write(f"seed {seed}: {p}: compose {json.dumps(x)[:150]} | factory "
                                     f"{json.dumps(y)[:150]}\n")
                else:
                    sys.stdout.write(f"=== seed {seed}: {len(diffs)} difference(s)\n")
                    for p, x, y in diffs[:8]:
                        sys.stdout.write(f"  {p}\n    compose: {json.dumps(x)[:300]}\n    factory: "
                                         f"{json.dumps(y)[:300]}\n")
                sys.stdout.flush()
    sys.stdout.write(f"\n{a.n} projects (seeds {a.seed}..{a.seed + a.n - 1}), {len(bad)} differ, "
                     f"{len(sigs)} kind(s) of difference\n")
    for sig, ss in sorted(sigs.items(), key=lambda kv: -len(kv[1])):
        sys.stdout.write(f"  {len(ss):4}  {sig}  (seeds {' '.join(map(str, ss[:8]))})\n")
    if a.shrink:
        for sig, ss in sigs.items():
            seed = ss[0]
            files, order, extra = generate(seed)
            files, order, extra = shrink(files, order, extra, compose, factory, sig)
            res = run_both(files, order, extra, compose, factory)
            sys.stdout.write(f"\n##### {sig} (seed {seed}, shrunk)\n{show_project(files, order, extra)}")
            for p, x, y in compare(res)[:5]:
                sys.stdout.write(f"DIFF {p}\n  compose: {json.dumps(x)[:400]}\n  factory: {json.dumps(y)[:400]}\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
