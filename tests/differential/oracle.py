"""The reference `docker compose` binary (v2.40.3) for the scripts that compare with it or record
its verdicts: `$COMPOSE` when set, else the one `../shared/tools/install-compose.sh` installs (it
prints the binary's path; nothing is downloaded when it is already there)."""

import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def compose_binary():
    compose = os.environ.get("COMPOSE")
    if compose:
        return compose
    installer = os.path.join(ROOT, "..", "shared", "tools", "install-compose.sh")
    return subprocess.run([installer], check=True, capture_output=True, text=True).stdout.strip()
