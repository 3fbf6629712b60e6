#!/usr/bin/env python3
"""Compare `factory config --format json` with `docker compose config --format json`.

Reads the outputs written by run.sh (OUT/compose/KEY.json, OUT/factory/KEY.json, where KEY is
the corpus path with `/` replaced by `%`), compares every allow-listed service key, prints the
parity figure (files and keys) and exits 1 when a difference is not listed in EXCEPTIONS.md.

EXCEPTIONS.md lines that count have the form

    - `GLOB` `SERVICE.KEY`: reason

where GLOB matches the corpus path (fnmatch); SERVICE and KEY are fnmatch patterns too.
"""

import argparse
import fnmatch
import json
import os
import re
import sys

ALLOW = [
    "command", "depends_on", "entrypoint", "environment", "expose", "extra_hosts",
    "healthcheck", "image", "labels", "links", "logging", "ports", "read_only", "restart",
    "tty", "volumes",
]
MISSING = object()


def load_exceptions(path):
    rules = []
    if not os.path.exists(path):
        return rules
    pattern = re.compile(r"^- `([^`]+)` `([^`.]+)\.([^`]+)`: (.+)$")
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = pattern.match(line.strip())
            if m:
                rules.append({"glob": m[1], "service": m[2], "key": m[3], "reason": m[4], "used": 0})
    return rules


def excepted(rules, path, service, key):
    for r in rules:
        if fnmatch.fnmatchcase(path, r["glob"]) and fnmatch.fnmatchcase(service, r["service"]) \
                and fnmatch.fnmatchcase(key, r["key"]):
            r["used"] += 1
            return True
    return False


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f), None
    except (OSError, ValueError) as e:
        return None, str(e)


def short(v):
    s = json.dumps(v, sort_keys=False)
    return s if len(s) <= 300 else s[:300] + "…"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--exceptions", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    rules = load_exceptions(args.exceptions)
    files_total = files_ok = files_exact = 0
    keys_total = keys_ok = keys_excepted = 0
    other_diffs = {}
    failures = []
    with open(args.index, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    for row in rows:
        if len(row) < 3 or row[2] != "yes":
            continue
        path = row[0]
        key = path.replace("/", "%")
        expected, err = read_json(os.path.join(args.out, "compose", key + ".json"))
        if expected is None:
            print(f"skip {path}: compose output unreadable ({err})", file=sys.stderr)
            continue
        files_total += 1
        actual, err = read_json(os.path.join(args.out, "factory", key + ".json"))
        file_ok = True
        file_exact = True
        if actual is None:
            try:
                with open(os.path.join(args.out, "factory", key + ".err"), encoding="utf-8") as f:
                    err = f.read().strip().splitlines()[-1:] or [err]
            except OSError:
                pass
            actual = {}
            print(f"note: {path}: factory gave no JSON: {err}")
        esvcs = expected.get("services", {})
        asvcs = actual.get("services", {}) if isinstance(actual, dict) else {}
        for sname in sorted(set(esvcs) | set(asvcs)):
            es = esvcs.get(sname, {})
            as_ = asvcs.get(sname, {})
            for k in ALLOW:
                ev, av = es.get(k, MISSING), as_.get(k, MISSING)
                if ev is MISSING and av is MISSING:
                    continue
                keys_total += 1
                if ev == av:
                    keys_ok += 1
                    continue
                file_exact = False
                if excepted(rules, path, sname, k):
                    keys_excepted += 1
                    continue
                file_ok = False
                msg = f"{path}: services.{sname}.{k}"
                if args.verbose:
                    msg += ("\n    compose: " + ("<absent>" if ev is MISSING else short(ev))
                            + "\n    factory: " + ("<absent>" if av is MISSING else short(av)))
                failures.append(msg)
            for k in sorted(set(es) | set(as_)):
                if k in ALLOW or es.get(k, MISSING) == as_.get(k, MISSING):
                    continue
                other_diffs[k] = other_diffs.get(k, 0) + 1
        if file_ok:
            files_ok += 1
        if file_ok and file_exact:
            files_exact += 1

    for line in failures:
        print(line)
    if other_diffs:
        print("other (not allow-listed) service keys that differ, informational:")
        for k, n in sorted(other_diffs.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {k}: {n}")
    for r in rules:
        if r["used"] == 0:
            print(f"unused exception: `{r['glob']}` `{r['service']}.{r['key']}`")
    def pct(n, d):
        return 100.0 * n / d if d else 100.0
    print(f"parity (exact): files {files_exact}/{files_total} ({pct(files_exact, files_total):.1f}%), "
          f"keys {keys_ok}/{keys_total} ({pct(keys_ok, keys_total):.2f}%)")
    print(f"parity (with the {keys_excepted} documented exceptions): files {files_ok}/{files_total} "
          f"({pct(files_ok, files_total):.1f}%), keys {keys_ok + keys_excepted}/{keys_total} "
          f"({pct(keys_ok + keys_excepted, keys_total):.2f}%)")
    return 0 if files_ok == files_total else 1


if __name__ == "__main__":
    sys.exit(main())
