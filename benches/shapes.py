#!/usr/bin/env python3
"""Cost of `factory` on projects of N and 2N of one thing, for finding work that grows faster
than the input (a scan per item is quadratic: twice the input, four times the time).

Each shape repeats one construct: services that name unknown dependencies, a chain of
`extends`, one service with thousands of `environment` entries, thousands of routes on one
host, and so on. For each shape, each command (`lint`, `config`, `routes`, `cron`, `lint --diff`) runs on N
and 2N and the ratio of the two times is printed; a ratio over 3 is flagged. Times are the
best of three runs, whole process (`time.perf_counter` around the command).

    usage: benches/shapes.py [N] [SHAPE...]     (N default 20000)

A shape of files `f0.yml`, `f1.yml`, … is given as `-f f0.yml -f f1.yml …`.
    environment: FACTORY  the factory binary (default target/release/factory)

Not a test: a loaded machine makes ratios noisy. Rerun a flagged shape before believing it.
"""

import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def services(n, body):
    return "services:\n" + "".join(body(i) for i in range(n))


def one_service(n, key, item):
    return "services:\n  app:\n    image: app:1\n    %s:\n%s" % (
        key,
        "".join("      %s\n" % item(i) for i in range(n)),
    )


SHAPES = {
    # FC029 and Compose's dependency checks, one unknown name per service.
    "unknown_deps": lambda n: services(n, lambda i: f"  a{i}: {{image: x:1, depends_on: [nope{i}]}}\n"),
    # The same unknown name everywhere.
    "same_unknown_dep": lambda n: services(n, lambda i: f"  a{i}: {{image: x:1, depends_on: [nope]}}\n"),
    # A dependency cycle through every service.
    "dep_cycle": lambda n: services(n, lambda i: f"  a{i}: {{image: x:1, depends_on: [a{(i + 1) % n}]}}\n"),
    # Each service extends the one before.
    "extends_chain": lambda n: services(
        n, lambda i: f"  a{i}:\n    image: x:1\n" + (f"    extends: a{i - 1}\n" if i else "")
    ),
    # Routes: many hosts, and all on one host (shadowing, conflicts).
    "routes": lambda n: services(
        n,
        lambda i: f"  a{i}:\n    image: x:1\n    expose: ['80']\n    labels:\n"
        f"      traefik.frontend.rule: 'Host:h{i % 50}.example;PathPrefix:/p{i}'\n      traefik.port: '80'\n",
    ),
    "same_route": lambda n: services(
        n,
        lambda i: f"  a{i}:\n    image: x:1\n    expose: ['80']\n    labels:\n"
        f"      traefik.frontend.rule: 'Host:same.example'\n      traefik.port: '80'\n",
    ),
    # Cron jobs, some never firing.
    "cron": lambda n: services(
        n,
        lambda i: f"  a{i}:\n    image: x:1\n    command: /bin/false\n    restart: 'no'\n    labels:\n"
        f"      sh.factory.cronjob.schedule: '{i % 60} {i % 24} {28 + i % 4} 2 *'\n"
        f"      sh.factory.cronjob.command: 'echo {i}'\n",
    ),
    # One service with many entries of one key.
    "environment": lambda n: one_service(n, "environment", lambda i: f"- V{i % (n // 2 + 1)}=x"),
    "labels": lambda n: one_service(n, "labels", lambda i: f"l{i}: v"),
    "ports": lambda n: one_service(n, "ports", lambda i: f"- '{1000 + i % 60000}:80'"),
    "volumes": lambda n: one_service(n, "volumes", lambda i: f"- ./d{i}:/d{i}"),
    "depends_on_one": lambda n: "services:\n  app:\n    image: app:1\n    depends_on:\n"
    + "".join(f"      - s{i}\n" for i in range(n))
    + "".join(f"  s{i}: {{image: x:1}}\n" for i in range(n)),
    # Top-level definitions.
    "networks": lambda n: services(1, lambda i: "  app:\n    image: x:1\n")
    + "networks:\n"
    + "".join(f"  n{i}: {{}}\n" for i in range(n)),
    # Anchors: each service merges its own anchor.
    "anchors": lambda n: "".join(f"x-a{i}: &a{i} {{image: x:1}}\n" for i in range(n))
    + services(n, lambda i: f"  s{i}: {{<<: *a{i}}}\n"),
    # One extension mapping with many keys (rendered as it was written).
    "extension": lambda n: services(1, lambda i: "  app:\n    image: x:1\n")
    + "x-big:\n"
    + "".join(f"  k{i}: {{a: {i}}}\n" for i in range(n)),
    # One service with many Traefik v1 frontends (one router each).
    "frontends": lambda n: "services:\n  app:\n    image: app:1\n    expose: ['80']\n    labels:\n"
    + "".join(f"      traefik.f{i}.frontend.rule: 'Host:h{i}.example'\n" for i in range(n))
    + "      traefik.port: '80'\n",
    # Secrets: many defined, one service using them all.
    "secrets": lambda n: "services:\n  app:\n    image: app:1\n    secrets:\n"
    + "".join(f"      - s{i}\n" for i in range(n))
    + "secrets:\n"
    + "".join(f"  s{i}: {{file: ./s{i}}}\n" for i in range(n)),
    # An override file merged into the base, name by name (a dict: file name -> text).
    "override_services": lambda n: {
        "docker-compose.yml": services(n, lambda i: f"  a{i}: {{image: x:1, environment: [A=1]}}\n"),
        "docker-compose.override.yml": services(n, lambda i: f"  a{i}: {{environment: [B=2]}}\n"),
    },
    "override_lists": lambda n: {
        "docker-compose.yml": one_service(n, "volumes", lambda i: f"- ./d{i}:/d{i}")
        + "    ports:\n"
        + "".join(f"      - '{1000 + i % 60000}:{i % 60000 + 1}'\n" for i in range(n))
        + "    secrets:\n"
        + "".join(f"      - s{i}\n" for i in range(n))
        + "secrets:\n"
        + "".join(f"  s{i}: {{file: ./s{i}}}\n" for i in range(n)),
        "docker-compose.override.yml": one_service(n, "volumes", lambda i: f"- ./e{i}:/d{i}")
        + "    ports:\n"
        + "".join(f"      - '{2000 + i % 60000}:{i % 60000 + 1}'\n" for i in range(n))
        + "    secrets:\n"
        + "".join(f"      - source: s{i}\n        target: t{i}\n" for i in range(n)),
    },
    # Many `-f` files (n / 20 of them), each adding a service and overriding a shared one.
    "many_files": lambda n: {
        f"f{i}.yml": f"services:\n  s{i}:\n    image: x:1\n  base:\n    image: b:{i}\n    environment: [A{i}=1]\n"
        for i in range(max(n // 20, 2))
    },
    "override_extension": lambda n: {
        "docker-compose.yml": services(1, lambda i: "  app:\n    image: x:1\n")
        + "x-big:\n"
        + "".join(f"  k{i}: {{a: {i}}}\n" for i in range(n)),
        "docker-compose.override.yml": "x-big:\n" + "".join(f"  k{i}: {{b: {i}}}\n" for i in range(n)),
    },
    # The twenty-fourth session's review: shapes that took seconds to minutes (each a scan per
    # item somewhere), kept here so that a return shows.
    # Unset variables: many uses in one value, many values, and errors they empty.
    "unset_uses": lambda n: "services:\n  app:\n    image: x:1\n    command: \"" + "$A" * n + "\"\n",
    "unset_values": lambda n: one_service(n, "environment", lambda i: f"V{i}: '$A'"),
    "unset_errors": lambda n: services(
        n, lambda i: f"  a{i}:\n    image: x:1\n    read_only: ${{RO}}\n    volumes: ['${{D{i}}}:/data']\n"
    ),
    # A finding on each value an override file replaced.
    "override_findings": lambda n: {
        "docker-compose.yml": services(n, lambda i: f"  a{i}: {{image: x:1, read_only: 'maybe'}}\n"),
        "docker-compose.override.yml": services(n, lambda i: f"  a{i}: {{read_only: 'nope'}}\n"),
    },
    # One service exposing every port, with n / 100 routes (segments).
    "exposed_range_routes": lambda n: "services:\n  web:\n    image: x:1\n    expose: ["
    + ", ".join(f"'{a}-{a + 1023}'" for a in range(1, 65535, 1024))
    + "]\n    labels:\n      traefik.enable: 'true'\n"
    + "".join(f"      traefik.s{i}.frontend.rule: 'Host:a{i}.example'\n" for i in range(max(n // 100, 2))),
    # The same template, too big to compile, in n / 20 services.
    "regex_too_big": lambda n: services(
        max(n // 20, 2),
        lambda i: f"  a{i}:\n    image: x:1\n    labels:\n"
        f"      traefik.frontend.rule: 'Host:a{i}.example;PathPrefix:/{{p:(?:\\pL{{20}}){{20}}}}'\n",
    ),
    # Nested defaults Compose v1 read differently (FE011), n / 3 in one value.
    "nested_defaults": lambda n: "services:\n  app:\n    image: x:1\n    command: \""
    + "${A:-${B:-${C}}}" * max(n // 3, 1)
    + "\"\n",
    # One fix a line (`lint --diff`).
    "fixes": lambda n: services(n, lambda i: f"  a{i}: {{image: x:1, environment: {{A: yes}}}}\n"),
    # Merges: list and mapping `environment`, `!reset`, appended lists, through an override
    # file or `extends`.
    "override_env_list": lambda n: {
        "docker-compose.yml": one_service(n, "environment", lambda i: f"- V{i}=1"),
        "docker-compose.override.yml": one_service(n, "environment", lambda i: f"- W{i}=2").replace(
            "    image: app:1\n", ""
        ),
    },
    "override_env_map": lambda n: {
        "docker-compose.yml": one_service(n, "environment", lambda i: f"V{i}: '1'"),
        "docker-compose.override.yml": one_service(n, "environment", lambda i: f"W{i}: '2'").replace(
            "    image: app:1\n", ""
        ),
    },
    "extends_env_list": lambda n: "services:\n  base:\n    image: x:1\n    environment:\n"
    + "".join(f"      - V{i}=1\n" for i in range(n))
    + "  app:\n    image: x:1\n    extends: base\n    environment:\n"
    + "".join(f"      - W{i}=2\n" for i in range(n)),
    "override_reset": lambda n: {
        "docker-compose.yml": services(n, lambda i: f"  a{i}: {{image: x:1}}\n") + "  keep: {image: x:1}\n",
        "docker-compose.override.yml": services(n, lambda i: f"  a{i}: !reset null\n"),
    },
    "override_reset_env": lambda n: {
        "docker-compose.yml": one_service(n, "environment", lambda i: f"V{i}: '1'"),
        "docker-compose.override.yml": one_service(n, "environment", lambda i: f"V{i}: !reset null").replace(
            "    image: app:1\n", ""
        ),
    },
    "override_dns": lambda n: {
        "docker-compose.yml": one_service(n, "dns", lambda i: f"- 10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"),
        "docker-compose.override.yml": one_service(
            n, "dns", lambda i: f"- 11.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
        ).replace("    image: app:1\n", ""),
    },
    # Each service extends the next one (a chain resolved from its far end).
    "extends_chain_forward": lambda n: services(
        n, lambda i: f"  a{i}:\n    image: x:1\n" + (f"    extends: a{i + 1}\n" if i + 1 < n else "")
    ),
    "extends_unknown": lambda n: services(n, lambda i: f"  a{i}: {{extends: nope{i}}}\n"),
    "extends_files": lambda n: services(n, lambda i: f"  a{i}: {{extends: {{file: nofile{i}.yml, service: x}}}}\n"),
    "container_names": lambda n: services(n, lambda i: f"  a{i}: {{image: x:1, container_name: c{i}}}\n"),
    "links_one": lambda n: "services:\n  app:\n    image: x:1\n    links:\n"
    + "".join(f"      - s{i}\n" for i in range(n))
    + "".join(f"  s{i}: {{image: x:1}}\n" for i in range(n)),
    "suppressions": lambda n: services(n, lambda i: f"  a{i}: {{image: x}} # factory: ignore=FC034\n"),
    "dotenv_secrets": lambda n: {
        "docker-compose.yml": services(n, lambda i: f"  a{i}: {{image: x:1}}\n"),
        ".env": "".join(f"API_PASSWORD_{i}=Xk9vQ2mZr7Lp{i}\n" for i in range(n)),
    },
    "env_files_one": lambda n: one_service(n, "env_file", lambda i: f"- f{i}.env"),
    "quote_escapes": lambda n: "services:\n  app:\n    image: x:1\n    labels:\n      a: \"" + "\\'" * n + "\"\n",
    # The twenty-fifth session's features.
    # `docker build --target`: n / 10 stages, each built by a job of its own.
    "build_targets": lambda n: {
        "docker-compose.yml": "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n"
        "    volumes: ['./d:/d']\n",
        "Dockerfile": "FROM debian:12 AS s0\nUSER root\n"
        + "".join(f"FROM s{i - 1} AS s{i}\nENV V{i}={i}\n" for i in range(1, max(n // 10, 2))),
        ".gitlab-ci.yml": "".join(
            f"b{i}:\n  script: ['docker build --target s{i} -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .']\n"
            for i in range(max(n // 10, 2))
        ),
    },
    # The same chain without a `USER`: an FD001 on each stage names the chain's first image.
    "build_targets_no_user": lambda n: {
        "docker-compose.yml": "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n",
        "Dockerfile": "FROM debian:12 AS s0\n"
        + "".join(f"FROM s{i - 1} AS s{i}\nRUN true\n" for i in range(1, max(n // 10, 2))),
        ".gitlab-ci.yml": "".join(
            f"b{i}:\n  script: ['docker build --target s{i} -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .']\n"
            for i in range(max(n // 10, 2))
        ),
    },
    # n / 20 stages built on one base of n / 20 variables, each built by a job of its own.
    "build_targets_star": lambda n: {
        "docker-compose.yml": "services:\n  app:\n    image: ${CI_REGISTRY_IMAGE}/app:${CI_COMMIT_SHA}\n",
        "Dockerfile": "FROM debian:12 AS base\nUSER root\n"
        + "".join(f"ENV V{i}=value{i}\n" for i in range(max(n // 20, 2)))
        + "".join(f"FROM base AS c{i}\nENV X{i}=1\n" for i in range(max(n // 20, 2))),
        ".gitlab-ci.yml": "".join(
            f"b{i}:\n  script: ['docker build --target c{i} -t $CI_REGISTRY_IMAGE/app:$CI_COMMIT_SHA .']\n"
            for i in range(max(n // 20, 2))
        ),
    },
    # n / 10 services, each image built by a line of its own, routed, from a chain of stages.
    "build_lines_services": lambda n: {
        "docker-compose.yml": services(
            max(n // 10, 2),
            lambda i: f"  s{i}:\n    image: ${{CI_REGISTRY_IMAGE}}/s{i}:${{CI_COMMIT_SHA}}\n"
            f"    labels:\n      traefik.frontend.rule: 'Host:s{i}.example'\n",
        ),
        "Dockerfile": "FROM debian:12 AS s0\nEXPOSE 80\n"
        + "".join(f"FROM s{i - 1} AS s{i}\nUSER {i}\n" for i in range(1, max(n // 10, 2))),
        ".gitlab-ci.yml": "".join(
            f"b{i}:\n  script: ['docker build --target s{i} -t $CI_REGISTRY_IMAGE/s{i}:$CI_COMMIT_SHA .']\n"
            for i in range(max(n // 10, 2))
        ),
    },
    # The same with an `EXPOSE` of its own in each stage: each service's image exposes the
    # ports of its whole chain (FR003 counts them, lists 8 and names the lowest).
    "build_targets_expose": lambda n: {
        "docker-compose.yml": services(
            max(n // 10, 2),
            lambda i: f"  s{i}:\n    image: ${{CI_REGISTRY_IMAGE}}/s{i}:${{CI_COMMIT_SHA}}\n"
            f"    labels:\n      traefik.frontend.rule: 'Host:s{i}.example'\n",
        ),
        "Dockerfile": "FROM debian:12 AS s0\nUSER 1001\nEXPOSE 1000\n"
        + "".join(f"FROM s{i - 1} AS s{i}\nEXPOSE {1000 + i}\n" for i in range(1, max(n // 10, 2))),
        ".gitlab-ci.yml": "".join(
            f"b{i}:\n  script: ['docker build --target s{i} -t $CI_REGISTRY_IMAGE/s{i}:$CI_COMMIT_SHA .']\n"
            for i in range(max(n // 10, 2))
        ),
    },
    # `.gitlab-ci.yml` extends: a circle of n / 10 templates, each job extending one.
    "ci_extends_circle": lambda n: {
        "docker-compose.yml": "services:\n  app:\n    image: x:1\n",
        ".gitlab-ci.yml": "".join(
            f".t{i}:\n  extends: .t{(i + 1) % max(n // 10, 2)}\nj{i}:\n  extends: .t{i}\n  script: [x]\n"
            for i in range(max(n // 10, 2))
        ),
    },
    # Rules using an unset variable, each with segments written out around it.
    "rule_unset_segments": lambda n: services(
        max(n // 10, 2),
        lambda i: f"  a{i}:\n    image: x:1\n    expose: ['80']\n    labels:\n"
        f"      traefik.frontend.rule: 'Host:a{i}.example:80;Path:/${{U{i}}};Bogus:/x;Host:b.example'\n",
    ),
    # One rule with n / 10 unset variable uses between segments.
    "rule_unset_one": lambda n: "services:\n  app:\n    image: x:1\n    expose: ['80']\n    labels:\n"
    "      traefik.frontend.rule: '"
    + ";".join(f"Path:/${{U}};Host:h{i}.example" for i in range(max(n // 10, 2)))
    + "'\n",
    # Two routes with the same rule using an unset variable, each a `Host` of many arguments
    # with a port: whether the rule never matches looked through every warning for each
    # argument (40 000 arguments: 2.9 s).
    "rule_unset_same_args": lambda n: services(
        2,
        lambda i: f"  s{i}:\n    image: x:1\n    expose: ['80']\n    labels:\n"
        "      traefik.frontend.rule: 'Host:"
        + ",".join(f"a{k}.example:1" for k in range(n))
        + ";Path:/${U}'\n",
    ),
}

COMMANDS = ["lint", "config", "routes", "cron", "lint --diff"]


def best_of(cmd, cwd, runs=3):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    args = sys.argv[1:]
    n = int(args.pop(0)) if args and args[0].isdigit() else 20000
    shapes = args or list(SHAPES)
    factory = os.environ.get("FACTORY") or os.path.join(ROOT, "target", "release", "factory")
    print(f"| shape | command | {n} | {2 * n} | ratio |")
    print("|---|---|---|---|---|")
    flagged = 0
    with tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            dirs = []
            for size in (n, 2 * n):
                d = os.path.join(tmp, f"{shape}-{size}")
                os.makedirs(d)
                files = SHAPES[shape](size)
                if isinstance(files, str):
                    files = {"docker-compose.yml": files}
                for name, text in files.items():
                    with open(os.path.join(d, name), "w") as f:
                        f.write(text)
                dirs.append(d)
            def args(d):
                # A project of `fN.yml` files is given file by file, in order.
                names = sorted(
                    (f for f in os.listdir(d) if f.startswith("f") and f.endswith(".yml")),
                    key=lambda f: int(f[1:-4]),
                )
                return [a for f in names for a in ("-f", f)] or [d]

            for command in COMMANDS:
                t1, t2 = (best_of([factory, *command.split(), *args(d)], d) for d in dirs)
                ratio = t2 / t1 if t1 > 0 else 0.0
                flag = " **quadratic?**" if ratio > 3 else ""
                flagged += bool(flag)
                print(f"| {shape} | {command} | {t1 * 1000:.0f} ms | {t2 * 1000:.0f} ms | {ratio:.1f}{flag} |")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
