#!/usr/bin/env python3
"""What `factory config` refuses, `factory lint` reports: on every corpus file `config` refuses,
each refusal (`--> file:line:col`) must have a lint error at that place, on a key enclosing it,
inside the block it names, or on the section or service key the platform forbids there (FC010,
FC012). The rule is `random_config.py --lint`'s (`lint_misses`). Exit 1 when one is missing.

    usage: tests/differential/lint_covers.py        (FACTORY: the binary, else the release build)
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import random_config  # noqa: E402 -- the script's folder is on the path only now

ROOT = random_config.ROOT
CORPUS = os.path.join(ROOT, "..", "shared", "corpus")


def main():
    factory = os.environ.get("FACTORY")
    if not factory:
        target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
        factory = os.path.join(target, "release", "factory")
    factory = os.path.abspath(factory)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    with open(os.path.join(CORPUS, "INDEX.tsv"), encoding="utf-8") as f:
        paths = [line.split("\t")[0] for line in f.read().splitlines()[1:] if line.strip()]
    refused, missed = 0, []
    for path in paths:
        full = os.path.join(CORPUS, path)
        folder, name = os.path.dirname(full), os.path.basename(full)
        run = lambda *args: subprocess.run(  # noqa: E731
            [factory, *args, "-f", name, "--format", "json"], cwd=folder, env=env,
            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
        config = run("config")
        if config.returncode == 0:
            continue
        refused += 1
        lint = run("lint")
        with open(full, encoding="utf-8", errors="replace") as f:
            texts = {name: f.read()}
        res = [(1, "", "refused"), (config.returncode, config.stdout, config.stderr)]
        miss = random_config.lint_misses(res, ("lint", lint.returncode, lint.stdout, lint.stderr),
                                         texts)
        if miss:
            missed.append(f"{path}: {miss[0][1][:300]} | {miss[0][2]}")
    for m in missed:
        print(m)
    print(f"{refused} corpus files factory config refuses; {len(missed)} with a refusal "
          f"factory lint does not report", file=sys.stderr)
    if refused < 50:
        print(f"only {refused} refused files: is ../shared/corpus there?", file=sys.stderr)
        return 1
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
