#!/usr/bin/env python3
"""Write the expected outputs of the differential regression cases from the real Compose.

Each case is a folder of `factory-compose/tests/fixtures/differential/` holding `1.yml`
[`2.yml` [`3.yml`]]; this script runs, in that folder,

    env -i PATH=... COMPOSE -p t -f 1.yml [-f 2.yml ...] config --format json

and writes what it prints to `expected.json`, then the same in YAML (`--format yaml`) to
`expected.yaml` unless the folder has a `no-yaml` file; the folder's absolute path replaced by
`<PROJECT_DIR>` (as in shared/cases/merge). Every expected file is the oracle's output,
never hand-written. `factory-compose/tests/differential_regressions.rs` compares factory's
rendering with them, byte for byte.

    usage: tests/differential/make_regressions.py [CASE...]
    environment: COMPOSE (default: installed by ../shared/tools/install-compose.sh)
"""

import os
import subprocess
import sys

from oracle import compose_binary

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(ROOT, "factory-compose", "tests", "fixtures", "differential")


def main():
    compose = compose_binary()
    names = sys.argv[1:] or sorted(os.listdir(CASES))
    status = 0
    for name in names:
        d = os.path.join(CASES, name)
        files = sorted(f for f in os.listdir(d) if f.endswith(".yml"))
        args = []
        for f in files:
            args += ["-f", f]
        for fmt, out in (("json", "expected.json"), ("yaml", "expected.yaml")):
            if fmt == "yaml" and os.path.exists(os.path.join(d, "no-yaml")):
                continue  # a case whose YAML Compose prints differently on purpose (see the file)
            p = subprocess.run([compose, "-p", "t"] + args + ["config", "--format", fmt], cwd=d,
                               env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                               capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if p.returncode != 0:
                sys.stderr.write(f"{name}: compose refused it: {p.stderr}")
                status = 1
                break
            with open(os.path.join(d, out), "w", encoding="utf-8") as f:
                f.write(p.stdout.replace(d, "<PROJECT_DIR>"))
            print(f"{name}: {out} written")
    return status


if __name__ == "__main__":
    sys.exit(main())
