#!/bin/sh
# Builds the Go harness of random_rules.py from Traefik's and containous/mux's own sources.
#
#   tests/differential/traefik/build.sh TRAEFIK_GIT MUX_GIT OUT
#
# TRAEFIK_GIT: a clone of github.com/traefik/traefik (it must hold the tag v1.7.34);
# MUX_GIT: a clone of github.com/containous/mux (it must hold c33f32e, the commit Traefik
# v1.7.34's go.mod pins). Needs Go 1.19 or later and nothing from the network: the harness
# uses the standard library only. Third-party files are read with `git show`, never copied
# into this repository.
set -eu
traefik=$1 mux=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$here/harness/." "$work/"
mkdir -p "$work/mux" "$work/middlewares" "$work/rules" "$work/types"

for f in mux.go regexp.go route.go context_native.go doc.go; do
	git -C "$mux" show "c33f32e26898:$f" >"$work/mux/$f"
done
for f in stripPrefix.go stripPrefixRegex.go addPrefix.go replace_path.go replace_path_regex.go request_host.go; do
	git -C "$traefik" show "v1.7.34:middlewares/$f" >"$work/middlewares/$f"
done
git -C "$traefik" show v1.7.34:rules/rules.go >"$work/rules/rules.go"

# The two declarations of types/types.go the rules and middlewares use.
{
	printf 'package types\n\nimport (\n\t"strings"\n\n\t"github.com/containous/mux"\n)\n\n'
	git -C "$traefik" show v1.7.34:types/types.go | awk '/^type ServerRoute struct/,/^}/'
	echo
	git -C "$traefik" show v1.7.34:types/types.go | awk '/^func CanonicalDomain\(/,/^}/'
} >"$work/types/types.go"

# The wiring of the modifiers after a match, from server/server_configuration.go.
{
	printf 'package main\n\nimport (\n\t"net/http"\n\t"strings"\n\n\t"github.com/traefik/traefik/log"\n\t"github.com/traefik/traefik/middlewares"\n\t"github.com/traefik/traefik/types"\n)\n\n'
	git -C "$traefik" show v1.7.34:server/server_configuration.go | awk '/^func buildMatcherMiddlewares\(/,/^}/'
} >"$work/cmd/harness/wiring.go"

# Module-local import paths.
find "$work" -name '*.go' -exec sed -i \
	-e 's#"github.com/containous/mux"#"trh/mux"#' \
	-e 's#"github.com/traefik/traefik/\([a-z]*\)"#"trh/\1"#' {} +

(cd "$work" && GOFLAGS=-mod=mod GOPROXY=off go build -o "$out" ./cmd/harness)
echo "built $out"
