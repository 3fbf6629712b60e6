#!/usr/bin/env python3
"""Differential check of factory-cron against cronie's own parser.

Builds the C harness (`harness.c`: cronie's `src/entry.c` included as is, its `load_entry()`
parsing each expression, `cron.c`'s match predicate evaluated minute by minute in UTC) from a
cronie checkout, then compares it with `factory-cron`'s `cron_next` example on random
expressions: the same verdict (refused, `@reboot`, never fires) and the same next five runs.

    CRONIE_SRC=/path/to/cronie/src python3 tests/differential/cronie/random_cron.py -n 20000 --seed 1

Documented differences are skipped, not counted: random ranges (`~`), which cronie draws when
it loads the crontab; numbers past 32 bits, which cronie truncates; a count of fields other
than 5 (in a crontab line the rest is the command); and a leading `-`, which is not schedule
syntax but the crontab line's "do not log" option (root only).
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DOWS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
LONG = ["january", "february", "monday", "sunday", "sept", "thur", "tues"]
EDGES = [0, 1, 2, 5, 6, 7, 8, 11, 12, 13, 15, 23, 24, 28, 29, 30, 31, 32, 59, 60, 61, 99, 100]
JUNK = ["~", "?", "L", "W", "#", "-", "/", ",", "+", "*", "x", "0x", " ", "\t", "é", "5L", "1#2"]
MACROS = ["reboot", "yearly", "annually", "monthly", "weekly", "daily", "midnight", "hourly"]
# (low, high) of each field, as cronie's FIRST_*/LAST_*
FIELDS = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def number(rng, field):
    lo, hi = FIELDS[field]
    r = rng.random()
    if r < 0.7:
        n = rng.randint(lo, hi)
    elif r < 0.9:
        n = rng.choice(EDGES)
    else:
        n = rng.randint(0, 200)
    text = str(n)
    if rng.random() < 0.08:
        text = "0" * rng.randint(1, 3) + text
    if field == 3 and rng.random() < 0.35:
        text = rng.choice(MONTHS + (LONG if rng.random() < 0.1 else []))
    elif field == 4 and rng.random() < 0.35:
        text = rng.choice(DOWS + (LONG if rng.random() < 0.1 else []))
    if text.isalpha() and rng.random() < 0.3:
        text = "".join(c.upper() if rng.random() < 0.5 else c for c in text)
    return text


def step(rng):
    r = rng.random()
    if r < 0.1:
        return "0"
    if r < 0.2:
        return rng.choice(["mon", "jan", "", "01", "100", "60", "7"])
    return str(rng.choice([1, 2, 3, 4, 5, 6, 7, 10, 12, 15, 20, 30, 45, 59, 61]))


def element(rng, field):
    r = rng.random()
    if r < 0.15:
        e = "*"
    elif r < 0.3:
        e = "*/" + step(rng)
    elif r < 0.55:
        e = number(rng, field)
    elif r < 0.8:
        e = number(rng, field) + "-" + number(rng, field)
    else:
        e = number(rng, field) + "-" + number(rng, field) + "/" + step(rng)
    return e


def field_text(rng, field):
    parts = [element(rng, field) for _ in range(1 if rng.random() < 0.6 else rng.randint(2, 4))]
    text = ",".join(parts)
    if rng.random() < 0.03:
        i = rng.randint(0, len(text))
        text = text[:i] + rng.choice(JUNK) + text[i:]
    return text


def expression(rng):
    r = rng.random()
    if r < 0.04:
        m = rng.choice(MACROS)
        if rng.random() < 0.2:
            m = m.upper() if rng.random() < 0.5 else m[:-1]
        return "@" + m + (rng.choice(["", " ", " x", "\t"]) if rng.random() < 0.2 else "")
    n = 5
    if rng.random() < 0.03:
        n = rng.choice([4, 6])
    fields = [field_text(rng, i % 5) for i in range(n)]
    seps = [rng.choice([" ", " ", " ", "  ", "\t", " \t"]) for _ in range(n - 1)]
    text = fields[0] + "".join(s + f for s, f in zip(seps, fields[1:]))
    if rng.random() < 0.05:
        text = rng.choice([" ", "\t", "  "]) + text
    if rng.random() < 0.05:
        text = text + rng.choice([" ", "\t"])
    return text


def skipped(expr):
    """Random ranges, numbers past 32 bits, and a count of fields other than 5 (in a crontab
    line the rest is the command; factory's schedule label holds the schedule alone)."""
    tokens = expr.split()
    count_ok = len(tokens) == 1 if expr.strip().startswith("@") else len(tokens) == 5
    return "~" in expr or expr.lstrip().startswith("-") or not count_ok or any(len(d.lstrip("0")) > 9 for d in re.findall(r"\d+", expr))


def build_harness(src):
    out = os.path.join(tempfile.gettempdir(), "cronie-harness")
    inc = os.path.join(tempfile.gettempdir(), "cronie-harness-include")
    os.makedirs(inc, exist_ok=True)
    with open(os.path.join(inc, "config.h"), "w") as f:
        f.write("#define _GNU_SOURCE 1\n#define DEBUGGING 1\n")
    open(os.path.join(inc, "cron-paths.h"), "w").close()
    subprocess.run(
        ["gcc", "-O2", "-w", "-I", inc, "-I", src, "-DCRONIE_ENTRY_C=\"" + os.path.join(src, "entry.c") + "\"",
         "-o", out, os.path.join(HERE, "harness.c")],
        check=True,
    )
    return out


def iso(epoch):
    import datetime
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_cases(path, cases, answers, rng):
    """About 120 runs, 40 never-firing and 60 refused expressions, in cron.jsonl's format."""
    import json
    kinds = {"runs": [], "never": [], "error": []}
    for (start, expr), answer in zip(cases, answers):
        if answer.startswith("error"):
            kinds["error"].append({"expr": expr, "start": iso(start), "error": "cronie: " + answer[6:]})
        elif answer == "never":
            kinds["never"].append({"expr": expr, "start": iso(start), "never_fires": True})
        elif answer != "reboot":
            kinds["runs"].append({"expr": expr, "start": iso(start), "next": [iso(t) for t in answer.split()]})
    picked = []
    for kind, count in (("runs", 120), ("never", 40), ("error", 60)):
        pool = kinds[kind]
        picked += rng.sample(pool, min(count, len(pool)))
    with open(path, "w") as f:
        for case in picked:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"wrote {len(picked)} cases to {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=20, help="differences printed at most")
    ap.add_argument("--write", metavar="FILE",
                    help="also write a sample of the expressions, with cronie's answers, as cases in "
                         "the format of cron.jsonl (only when none differ)")
    args = ap.parse_args()
    src = os.environ.get("CRONIE_SRC")
    if not src or not os.path.exists(os.path.join(src, "entry.c")):
        sys.exit("set CRONIE_SRC to a cronie checkout's src/ folder (it holds entry.c)")
    harness = build_harness(src)
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "factory-cron", "--example", "cron_next"],
                   cwd=ROOT, check=True)
    factory = os.path.join(ROOT, "target", "release", "examples", "cron_next")

    rng = random.Random(args.seed)
    cases = []
    for _ in range(args.n):
        expr = expression(rng)
        if skipped(expr):
            continue
        start = rng.randint(946684800, 2208988800)  # 2000 .. 2040
        cases.append((start, expr))
    text = "".join(f"{s}\t{e}\n" for s, e in cases)
    # cronie's load_user skips a line's leading blanks before load_entry (skip_comments)
    c_text = "".join(f"{s}\t{e.lstrip(' ').lstrip(chr(9)).lstrip(' ')}\n" for s, e in cases)
    ours = subprocess.run([factory], input=text, capture_output=True, text=True, check=True).stdout.splitlines()
    theirs = subprocess.run([harness], input=c_text, capture_output=True, text=True, check=True).stdout.splitlines()
    differ = 0
    accepted = 0
    for (start, expr), a, b in zip(cases, ours, theirs):
        same = (a.startswith("error") and b.startswith("error")) or a == b
        if not b.startswith("error"):
            accepted += 1
        if not same:
            differ += 1
            if differ <= args.show:
                print(f"{expr!r} from {start}:\n  factory: {a}\n  cronie:  {b}")
    print(f"{len(cases)} expressions ({accepted} accepted by cronie), {differ} differ")
    if args.write and not differ:
        write_cases(args.write, cases, theirs, rng)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
