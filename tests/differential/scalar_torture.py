#!/usr/bin/env python3
"""Put tricky YAML scalars in many places of a one-service project and compare `factory config`
with `docker compose config` (v2.40.3), JSON and YAML.

Each value (YAML 1.1/1.2 numbers, booleans, nulls, dates, tags, huge integers, zeros …) is
written in each position (an `environment` value, a port, `cpus`, a `deploy` field …); a
project differs when one tool accepts it and the other refuses it, or when both print it and
the outputs differ (messages of refusals are not compared). Found with it: tags and dates as
go-yaml decodes them, ports compose-go cannot convert, the omitempty zeros, the strings
Compose casts. Not part of CI: it runs the binary about 10 000 times (10 to 15 minutes).

With `TORTURE_INTERPOLATED=1` each value is interpolated instead (`${V}` in the place, the
value single-quoted in `.env`): the casts of interpolated strings and the schema checks of
what they become.

    usage: tests/differential/scalar_torture.py [POSITION ...]   (default: all)
    environment: COMPOSE (default: installed by ../shared/tools/install-compose.sh),
                 FACTORY (default: target/release/factory, built first),
                 TORTURE_INTERPOLATED (1: interpolate each value from `.env`)
"""

import difflib
import os
import subprocess
import sys
import tempfile

from oracle import compose_binary

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

VALUES = [
    "0x1F", "0o17", "017", "0017", "1_000", "+1", "-0", ".5", "5.", "1e3", "1E3", "1.5e-3",
    ".inf", "-.Inf", ".NaN", "0b101", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5", "12:30:45", "1:20", "190:20:30", "yes", "No", "ON", "off",
    "y", "n", "TRUE", "True", "tRue", "~", "Null", "NULL", "null", "''", "'0x1F'", '"1e3"',
    "!!str 12", "!!int '12'", "!!float 1", "!!bool true", "0.", "-.5", "+.5", "1__0", "_1",
    "1_", "0x_1F", "0xG", "00", "-0x1A", "+0x1A", "0o", "1.0", "10.50", "3.0e+2",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "18446744073709551616", "1e400", "0.1e1", "=", "<<", "!!null ''", "!!binary aGVsbG8=",
    "!!timestamp 2001-12-14", '"a\\tb"', '"\\u00e9"', "!!int abc", "!!bool yes",
    "!!binary 'a!b'", "!!null x", "!!int", "!!timestamp 'x'", "!!int 2001-12-14",
    "!!float abc", "!!float '7'", "!!bool 'true'", "!!null", "!!timestamp '2001-12-14'",
    "!<tag:yaml.org,2002:str> 7", "!foo 12", "! 12", "! '12'", "!!binary 'aGVsbG8'",
    "0", '"0"', "false", '"0s"', "1", '"1"',
]

SVC = "services:\n  a:\n    image: x\n"
POSITIONS = {
    "env": SVC + "    environment:\n      K: {v}\n",
    "envlist": SVC + "    environment:\n      - {v}\n",
    "label": SVC + "    labels:\n      K: {v}\n",
    "ext": "x-e:\n  k: {v}\n" + SVC,
    "extlist": "x-e:\n  - {v}\n" + SVC,
    "cmd": SVC + "    command: [\"run\", {v}]\n",
    "cmdstr": SVC + "    command: {v}\n",
    "image": "services:\n  a:\n    image: {v}\n",
    "sysctl": SVC + "    sysctls:\n      net.x: {v}\n",
    "user": SVC + "    user: {v}\n",
    "ann": SVC + "    annotations:\n      k: {v}\n",
    "buildarg": "services:\n  a:\n    build:\n      context: .\n      args:\n        K: {v}\n",
    "port": SVC + "    ports:\n      - {v}\n",
    "expose": SVC + "    expose:\n      - {v}\n",
    "volume": SVC + "    volumes:\n      - {v}\n",
    "interval": SVC + "    healthcheck:\n      interval: {v}\n",
    "retries": SVC + "    healthcheck:\n      test: [\"CMD\", \"true\"]\n      retries: {v}\n",
    "scale": SVC + "    scale: {v}\n",
    "restart": SVC + "    restart: {v}\n",
    "cpus": SVC + "    cpus: {v}\n",
    "memlimit": SVC + "    mem_limit: {v}\n",
    "grace": SVC + "    stop_grace_period: {v}\n",
    "dns": SVC + "    dns: {v}\n",
    "tmpfs": SVC + "    tmpfs: {v}\n",
    "ulimit": SVC + "    ulimits:\n      nofile: {v}\n",
    "replicas": SVC + "    deploy:\n      replicas: {v}\n",
    "resources": SVC + "    deploy:\n      resources:\n        limits:\n          cpus: {v}\n          pids: {v}\n",
    "logopt": SVC + "    logging:\n      options:\n        max-size: {v}\n",
    "name": "name: {v}\n" + SVC,
    "dependson": SVC + "    depends_on:\n      b:\n        condition: service_started\n        required: {v}\n  b:\n    image: y\n",
    "extrahost": SVC + "    extra_hosts:\n      h: {v}\n",
    "privileged": SVC + "    privileged: {v}\n",
    "storageopt": SVC + "    storage_opt:\n      size: {v}\n",
    "netattach": SVC + "networks:\n  n:\n    attachable: {v}\n",
    "secretmode": SVC + "    secrets:\n      - source: s\n        mode: {v}\nsecrets:\n  s:\n    file: ./s\n",
    "driveropt": SVC + "volumes:\n  v:\n    driver_opts:\n      o: {v}\n",
    "netipv6": SVC + "    networks: [n]\nnetworks:\n  n:\n    enable_ipv6: {v}\n",
    "netdriveropt": SVC + "    networks: [n]\nnetworks:\n  n:\n    driver_opts:\n      o: {v}\n",
    "netlabel": SVC + "    networks: [n]\nnetworks:\n  n:\n    labels:\n      k: {v}\n",
    "volexternal": SVC + "    volumes: [\"v:/d\"]\nvolumes:\n  v:\n    external: {v}\n",
    "volname": SVC + "    volumes: [\"v:/d\"]\nvolumes:\n  v:\n    name: {v}\n",
    "secretenv": SVC + "    secrets: [s]\nsecrets:\n  s:\n    environment: {v}\n",
    "configcontent": SVC + "    configs: [c]\nconfigs:\n  c:\n    content: {v}\n",
    "dependsrestart": SVC + "    depends_on:\n      b:\n        condition: service_started\n        restart: {v}\n  b:\n    image: y\n",
    "buildarglist": "services:\n  a:\n    build:\n      context: .\n      args:\n        - K={v}\n",
    "buildnetwork": "services:\n  a:\n    build:\n      context: .\n      network: {v}\n",
    "netalias": SVC + "    networks:\n      n:\n        aliases: [{v}]\nnetworks:\n  n: {}\n",
    "netpriority": SVC + "    networks:\n      n:\n        priority: {v}\nnetworks:\n  n: {}\n",
    "pullpolicy": SVC + "    pull_policy: {v}\n",
    "init": SVC + "    init: {v}\n",
    "readonly": SVC + "    read_only: {v}\n",
    "workingdir": SVC + "    working_dir: {v}\n",
    "hostname": SVC + "    hostname: {v}\n",
    "stopsignal": SVC + "    stop_signal: {v}\n",
    "labelsfile": SVC + "    labels:\n      - {v}\n",
    "extrahostlist": SVC + "    extra_hosts:\n      - {v}\n",
    "grouptadd": SVC + "    group_add:\n      - {v}\n",
    "devices": SVC + "    devices:\n      - {v}\n",
    "healthtest": SVC + "    healthcheck:\n      test: {v}\n",
    "logdriver": SVC + "    logging:\n      driver: {v}\n",
    "oomadj": SVC + "    oom_score_adj: {v}\n",
    "shmsize": SVC + "    shm_size: {v}\n",
    "userns": SVC + "    userns_mode: {v}\n",
    "profiles": SVC + "    profiles: [{v}]\n",
}


def run(program, args, cwd):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run([program] + args, cwd=cwd, env=env, capture_output=True, text=True)


def main():
    compose = compose_binary()
    factory = os.environ.get("FACTORY")
    if not factory:
        subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "factory-cli"],
                       cwd=ROOT, check=True)
        factory = os.path.join(ROOT, "target", "release", "factory")
    names = sys.argv[1:] or list(POSITIONS)
    interpolated = os.environ.get("TORTURE_INTERPOLATED") == "1"
    runs = differ = 0
    with tempfile.TemporaryDirectory(prefix="torture") as d:
        for name in names:
            for value in VALUES:
                with open(os.path.join(d, "compose.yaml"), "w") as f:
                    f.write(POSITIONS[name].replace("{v}", "${V}" if interpolated else value))
                if interpolated:
                    with open(os.path.join(d, ".env"), "w") as f:
                        f.write(f"V='{value}'\n" if "'" not in value else f"V={value}\n")
                for fmt in (["--format", "json"], []):
                    c = run(compose, ["-p", "t", "config"] + fmt, d)
                    o = run(factory, ["config", "-p", "t"] + fmt, d)
                    runs += 1
                    if (c.returncode == 0) == (o.returncode == 0) and (
                            c.returncode != 0 or c.stdout == o.stdout):
                        continue
                    differ += 1
                    what = "json" if fmt else "yaml"
                    print(f"=== {name} {value!r} {what}: compose exit {c.returncode}, factory exit {o.returncode}")
                    if c.returncode == 0 and o.returncode == 0:
                        lines = difflib.unified_diff(c.stdout.splitlines(), o.stdout.splitlines(),
                                                     "compose", "factory", lineterm="", n=1)
                        print("\n".join(list(lines)[2:14]))
                    else:
                        print("  compose:", (c.stderr.strip() or "accepted")[-200:])
                        print("  factory:", (o.stderr.strip() or "accepted")[:200])
    print(f"{runs} runs, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
