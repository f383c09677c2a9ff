#!/usr/bin/env bash
# Interleaved A/B runs of `gradlab bench`: several configurations, each run once per round, so that a
# busy machine slows them alike (in the given order in odd rounds, reversed in even ones); prints per configuration the median over the rounds (of each run's
# median), the upper quartile and the peak of all timed epochs.
#
#   bench/ab.sh [--rounds N] [--batch N] [--epochs N] CONFIG...
#
# A CONFIG is DIR|JAVA_OPTS|BENCH_OPTIONS: a built gradlab checkout (a git worktree of another commit,
# say), JVM options for it, and more `gradlab bench` options (a SPEC among them times that spec instead of
# the reference workload); the last two may be empty. --batch N is passed to every run (default: none, so
# the reference workload's 512 or the spec's batch size). Examples:
#   bench/ab.sh --rounds 10 ".||" ".||--no-diagnostics"                (the default diagnostics' cost)
#   bench/ab.sh ".||" "../other-worktree||"                           (this build against another)
#   bench/ab.sh ".||" ".|-XX:+UseSerialGC|"                           (a JVM option)
#   bench/ab.sh ".||examples/m05/adam.yaml" "../other||examples/m05/adam.yaml"   (a spec, on two builds)
# Differences below about 5% need 10 or more rounds on a shared machine (docs/performance.md). Where the runs report
# how far apart the cores were (gradlab bench's core round trip), the medians are also given per placement.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=5
batch=""
epochs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    --*) echo "ab.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -lt 1 ]; then
  echo "ab.sh: give at least one CONFIG (DIR|JAVA_OPTS|BENCH_OPTIONS; see --help)" >&2
  exit 2
fi
for config in "$@"; do
  dir="${config%%|*}"
  if [ ! -x "$dir/bin/gradlab" ] || [ ! -f "$dir/app-cli/target/gradlab-cli.jar" ]; then
    echo "ab.sh: $dir is not a built gradlab checkout (mvn -B package -DskipTests there)" >&2
    exit 3
  fi
done

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds ..." >&2
  # odd rounds run the configurations in the given order, even rounds in reverse (a run's place in the
  # round biased it by up to 10% on a loaded machine)
  configs=("$@")
  order=($(seq 0 $(($# - 1))))
  [ $((round % 2)) -eq 0 ] && order=($(seq $(($# - 1)) -1 0))
  for i in "${order[@]}"; do
    config="${configs[$i]}"
    dir="${config%%|*}"
    rest="${config#*|}"
    java_opts="${rest%%|*}"
    bench_opts=""
    [ "$rest" != "$java_opts" ] && bench_opts="${rest#*|}"
    length=(--epochs "$epochs")
    case " $bench_opts " in *" --steps "*) length=() ;; esac
    [ -n "$batch" ] && length+=(--batch "$batch")
    # a failed run leaves no line: the summary then says so for its configuration
    # shellcheck disable=SC2086
    (cd "$dir" && JAVA_OPTS="$java_opts" bin/gradlab bench ${length[@]+"${length[@]}"} --json $bench_opts 2> /dev/null) \
      | sed "s/^{/{\"config\": $i, \"round\": $round, /" >> "$out" || true
  done
done

python3 - "$out" "$@" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
configs = sys.argv[2:]
print("median of the runs' medians, upper quartile and peak of all timed epochs (samples/s); cpu: median samples per CPU-second")
for i, c in enumerate(configs):
    rs = [r for r in rows if r["config"] == i]
    if not rs:
        print(f"[{i}] {c}: no result (did gradlab bench fail? run it by hand)")
        continue
    epochs = sorted(x for r in rs for x in r["runs"])
    median = statistics.median(r["samples_per_second"] for r in rs)
    q75 = epochs[int(len(epochs) * 0.75)]
    cpus = [r["samples_per_cpu_second"] for r in rs if r.get("samples_per_cpu_second")]
    cpu = f"  cpu {statistics.median(cpus):9,.0f}" if cpus else ""
    print(f"[{i}] {c:50.50}  median {median:9,.0f}  q75 {q75:9,.0f}  peak {epochs[-1]:9,.0f}{cpu}")
# the host may move the two vCPUs between rounds: a round's placement is the median core round trip that the runs
# of the round measured (gradlab bench's core_round_trip_ns; builds before it report none); near under 300 ns
trips = {}
for r in rows:
    trips.setdefault(r.get("round"), []).extend(r.get("core_round_trip_ns") or [])
place = {k: ("near" if statistics.median(v) < 300 else "far") for k, v in trips.items() if v and k is not None}
if place:
    print("by the placement of each round (the core round trip measured by the runs that report it: near under 300 ns)")
    for i, c in enumerate(configs):
        parts = []
        for kind in ("near", "far"):
            vs = [r["samples_per_second"] for r in rows if r["config"] == i and place.get(r.get("round")) == kind]
            if vs:
                parts.append(f"{kind} {statistics.median(vs):9,.0f} ({len(vs)} rounds)")
        print(f"[{i}] {c:50.50}  " + "   ".join(parts))
PY
