#!/usr/bin/env bash
# Time `factory lint` / `factory config` (release build) against `docker compose config`, dclint
# and compose-lint on the same files, with repeated runs and peak memory, and print a Markdown
# table of ratios (peer time / factory time) and peak RSS.
#
#   usage: benches/compare.sh [RUNS]        (RUNS per command and file, default 10)
#
# Installs what it needs under benches/.tools/ (not committed): docker-compose through
# ../shared/tools/install-compose.sh, dclint with npm, compose-lint in a Python venv. Uses
# hyperfine when installed (apt-get install hyperfine), else a `date +%s%N` loop; peak RSS needs
# GNU time (apt-get install time). Honours CARGO_TARGET_DIR.
set -euo pipefail
runs="${1:-10}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
tools="$here/.tools"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$tools"
log() { echo "== $*" >&2; }

# --- tools -------------------------------------------------------------------------------------
target="${CARGO_TARGET_DIR:-$root/target}"
log "building factory (release)"
(cd "$root" && cargo build --release -q -p factory-cli -p factory-benches --bin factory --bin generate --bin phases)
factory="$target/release/factory"
generate="$target/release/generate"
phases="$target/release/phases"

compose="$tools/docker-compose"
if [[ -x /work/.oracle/docker-compose && ! -x "$compose" ]]; then cp /work/.oracle/docker-compose "$compose"; fi
if ! "$compose" version --short >/dev/null 2>&1; then
  log "installing docker-compose"
  bash "$root/../shared/tools/install-compose.sh" "$compose" >/dev/null
fi
dclint="$tools/node/node_modules/.bin/dclint"
if [[ ! -x "$dclint" ]]; then
  log "installing dclint (npm)"
  npm install --silent --no-audit --no-fund --prefix "$tools/node" dclint@3.1.0 >&2
fi
complint="$tools/venv/bin/compose-lint"
if [[ ! -x "$complint" ]]; then
  log "installing compose-lint (venv)"
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet compose-lint==0.36.2 >&2
fi
gnutime=/usr/bin/time
[[ -x "$gnutime" ]] || { log "no GNU time (apt-get install time): peak RSS not measured"; gnutime=""; }
have_hyperfine=""; command -v hyperfine >/dev/null && have_hyperfine=1

# --- inputs ------------------------------------------------------------------------------------
corpus="$root/../shared/corpus"
declare -a names dirs
"$generate" 1000 "$work/gen1000"
names+=("generated, 1 000 services"); dirs+=("$work/gen1000")
i=0
for f in "thomseddon__traefik-forward-auth/examples__traefik-v1.7__swarm__docker-compose.yml" \
         "docker__awesome-compose/aspnet-mssql__compose.yaml" \
         "htpcBeginner__docker-traefik@4318e7d/docker-compose-t1-vpn.yml"; do
  [[ -f "$corpus/$f" ]] || continue
  i=$((i + 1)); mkdir -p "$work/c$i"; cp "$corpus/$f" "$work/c$i/docker-compose.yml"
  names+=("corpus: $(basename "$(dirname "$f")" | sed 's/@.*//')/$(basename "$f")"); dirs+=("$work/c$i")
done

# --- measuring ---------------------------------------------------------------------------------
# mean wall time in ms of running "$@" in directory $dir (exit status ignored); the mean CPU time
# (user + system) goes to $work/cpu
mean_ms() {
  local dir="$1"; shift
  if [[ -n "$have_hyperfine" ]]; then
    local cmd; cmd="$(printf '%q ' "$@")"
    (cd "$dir" && hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$work/h.json" "$cmd" >/dev/null 2>&1) || { echo "n/a"; return; }
    python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["mean"]*1000))' "$work/h.json"
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f" % ((r["user"]+r["system"])*1000))' "$work/h.json" > "$work/cpu"
  else
    local s e k
    (cd "$dir" && "$@" >/dev/null 2>&1) || true
    s=$(date +%s%N)
    for ((k = 0; k < runs; k++)); do (cd "$dir" && "$@" >/dev/null 2>&1) || true; done
    e=$(date +%s%N)
    echo "n/a" > "$work/cpu"
    awk -v d=$((e - s)) -v n="$runs" 'BEGIN { printf "%.2f\n", d / n / 1e6 }'
  fi
}
# peak RSS in MiB: the median of 5 runs (one run's peak varies by a MiB or two with when the
# allocator gives freed pages back)
peak_mib() {
  local dir="$1"; shift
  [[ -n "$gnutime" ]] || { echo "n/a"; return; }
  local k
  for ((k = 0; k < 5; k++)); do
    (cd "$dir" && "$gnutime" -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1) || true
    tail -n 1 "$work/rss"
  done | sort -n | sed -n 3p | awk '{ printf "%.1f\n", $1 / 1024 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.0f×\n", a / b }'; }

config_works=""
(cd "${dirs[0]}" && "$factory" config >/dev/null 2>&1) && config_works=1

echo "| file | size | factory lint (CPU) | factory config | docker compose config | dclint | compose-lint | ratio compose/lint | ratio dclint/lint | ratio compose-lint/lint | peak RSS factory lint / compose / dclint / compose-lint |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for idx in "${!dirs[@]}"; do
  d="${dirs[$idx]}"; f="$d/docker-compose.yml"
  size=$(wc -c < "$f")
  log "timing ${names[$idx]} ($size bytes, $runs runs each)"
  t_lint=$(mean_ms "$d" "$factory" lint --no-color .)
  c_lint=$(cat "$work/cpu")
  t_conf="n/a"; [[ -n "$config_works" ]] && t_conf=$(mean_ms "$d" "$factory" config .)
  t_comp=$(mean_ms "$d" env -i "$compose" -p bench -f docker-compose.yml config)
  t_dcl=$(mean_ms "$d" "$dclint" docker-compose.yml)
  t_cl=$(mean_ms "$d" "$complint" docker-compose.yml)
  m_lint=$(peak_mib "$d" "$factory" lint --no-color .)
  m_comp=$(peak_mib "$d" env -i "$compose" -p bench -f docker-compose.yml config)
  m_dcl=$(peak_mib "$d" "$dclint" docker-compose.yml)
  m_cl=$(peak_mib "$d" "$complint" docker-compose.yml)
  echo "| ${names[$idx]} | $size B | $t_lint ms ($c_lint ms) | $t_conf ms | $t_comp ms | $t_dcl ms | $t_cl ms | $(ratio "$t_comp" "$t_lint") | $(ratio "$t_dcl" "$t_lint") | $(ratio "$t_cl" "$t_lint") | $m_lint / $m_comp / $m_dcl / $m_cl MiB |"
done
echo
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ { print $2 }') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d); $runs runs per cell ($([[ -n "$have_hyperfine" ]] && echo hyperfine || echo 'date loop'))."
# The link layout (factory-cli/build.rs): how many of the listed functions this build has.
order="$root/factory-cli/link-order.txt"
if command -v nm >/dev/null && [[ -f "$order" ]]; then
  nm --defined-only "$factory" | awk '{ print $3 }' | sort -u > "$work/syms"
  grep -v '^#' "$order" | sort -u > "$work/order"
  echo "Link layout: $(comm -12 "$work/order" "$work/syms" | wc -l) of the $(wc -l < "$work/order") functions of factory-cli/link-order.txt are in this build (benches/link-order.sh regenerates the list)."
fi

# --- scaling: throughput, memory and linear cost on 1 000 and 10 000 services ------------------
"$generate" 10000 "$work/gen10000"
echo
echo "| services | size | factory lint wall (CPU) | MB/s whole process (CPU) | in-process parse + model + rules | MB/s in process | peak RSS | peak RSS / input |"
echo "|---|---|---|---|---|---|---|---|"
declare -A cpu_of
for n in 1000 10000; do
  d="$work/gen$n"; f="$d/docker-compose.yml"; size=$(wc -c < "$f")
  log "scaling: $n services"
  t=$(mean_ms "$d" "$factory" lint --no-color .); c=$(cat "$work/cpu"); cpu_of[$n]="$c"
  m=$(peak_mib "$d" "$factory" lint --no-color .)
  inproc=$("$phases" "$f" "$runs" | awk '$1 == "lint" { print $2 }')
  mbs=$(awk -v s="$size" -v c="$c" 'BEGIN { if (c == "n/a") print "n/a"; else printf "%.1f", s / 1e6 / (c / 1e3) }')
  mbs_in=$(awk -v s="$size" -v t="$inproc" 'BEGIN { printf "%.1f", s / 1e6 / (t / 1e3) }')
  rss_ratio=$(awk -v m="$m" -v s="$size" 'BEGIN { if (m == "n/a") print "n/a"; else printf "%.1f×", m * 1048576 / s }')
  echo "| $n | $size B | $t ms ($c ms) | $mbs | $inproc ms | $mbs_in | $m MiB | $rss_ratio |"
done
echo
echo "10× the input cost $(awk -v a="${cpu_of[1000]}" -v b="${cpu_of[10000]}" 'BEGIN { if (a == "n/a") print "n/a"; else printf "%.1f×", b / a }') the CPU time (whole process)."
