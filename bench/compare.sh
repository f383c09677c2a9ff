#!/usr/bin/env bash
# Runs every gradlab benchmark workload beside its PyTorch twin, interleaved, and prints one table.
#
#   bench/compare.sh [--workloads LIST] [--rounds N] [--epochs N] [--data DIR] [--bare] [--keep-openblas-env]
#   bench/compare.sh --reference [--rounds N] [--epochs N] [--batches "512 64"] [--data DIR] [--keep-openblas-env]
#
# Workloads (--workloads, comma-separated; default all), each `gradlab bench` of a spec beside
# `bench/pytorch_reference.py --workload NAME`, the same network, data and training:
#   sigmoid-512  the reference workload (gradlab bench without a spec): 784 -> 7 x 128 sigmoid -> 10, SGD, batch 512
#   sigmoid-64   the same at batch 64
#   relu, adam, skip, batchnorm   examples/m05/<name>.yaml (FashionMNIST, 54000 training images, batch 512)
#   lstm, gru    examples/rnn/fashion-lstm.yaml and fashion-gru.yaml (the embedded subset, batch 64)
#   resnet20     examples/resnet/resnet20.yaml on the embedded subset (1x28x28 images, batch 128); PyTorch with 2 threads,
#                its fastest setting for convolutions here
# Each round runs every workload once on each side, one after the other (PyTorch first in odd rounds, gradlab first in
# even ones), so that a busy machine slows both sides alike. Each run warms up (gradlab: until its JIT is quiet;
# PyTorch: one epoch), then times --epochs epochs (default 2) and reports their median.
#
# Table: per workload the median over the rounds of gradlab's samples/s (with the default diagnostics of every run,
# as `gradlab run` trains), of PyTorch's (1 torch thread, its fastest setting here, docs/performance.md; 2 for resnet20), and the ratio
# gradlab / PyTorch; --bare adds gradlab without diagnostics (`--no-diagnostics`, the work PyTorch does).
# gradlab runs with its defaults: OPENBLAS_NUM_THREADS=1 and its own split of each product over the cores.
# Below the table: each side's rounds, gradlab's core round trips, the ratio per round, and its median per placement
# of the two vCPUs (near: a round trip under 300 ns; far: 300 or more, which slows a 2-thread run of small batches).
#
# Both sides run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, in the benchmark command only: this machine
# exports OPENBLAS_CORETYPE=Haswell, which makes OpenBLAS run its AVX2 kernels on an AVX-512 CPU (in gradlab's JNI
# path and in PyTorch alike). --keep-openblas-env keeps them as the environment has them.
#
# --reference: the earlier comparison of the reference workload only, per batch size (--batches): PyTorch with
# (OPENBLAS_NUM_THREADS, torch threads) = (1, 1), (1, 2), (2, 1); gradlab with (1, --threads 1), (1, --threads 2),
# (2, --threads 1), without native BLAS (-Dgradlab.blas=java, 2 threads) and the bare step (--no-diagnostics,
# 2 threads); median and peak epoch of each, and the ratios 1 thread each, best against best, bare step, no native BLAS.
#
# Needs: a built gradlab (./mvnw -B package -DskipTests), python3-torch (apt-get install -y python3-torch), FashionMNIST
# (apt-get install -y dataset-fashion-mnist, or --data DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

all_workloads="sigmoid-512,sigmoid-64,relu,adam,skip,batchnorm,lstm,gru,resnet20"
workloads="$all_workloads"
rounds=3
epochs=2
batches="512 64"
data=/usr/share/datasets/fashion-mnist
bare=false
reference=false
keep_env=false
while [ $# -gt 0 ]; do
  case "$1" in
    --workloads) workloads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --bare) bare=true; shift ;;
    --reference) reference=true; shift ;;
    --keep-openblas-env) keep_env=true; shift ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

python=/usr/bin/python3 # Debian's python3-torch installs into the system Python
if ! "$python" -c 'import torch' 2> /dev/null; then
  echo "compare.sh: PyTorch is not installed for $python: apt-get install -y python3-torch" >&2
  exit 3
fi
if [ ! -f app-cli/target/gradlab-cli.jar ]; then
  echo "compare.sh: gradlab is not built: ./mvnw -B package -DskipTests" >&2
  exit 3
fi

# the environment of every benchmark command (both sides): OpenBLAS's CPU detection left alone
bench_env=(env)
if [ "$keep_env" = false ]; then
  bench_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
results="$out/results.jsonl"
touch "$results"

# Runs a command that prints one JSON line and appends it to the results with "key" and "label" fields;
# a failed run leaves no line (the table then says so) and its error on stderr.
record() { # key label command...
  local key="$1" label="$2"
  shift 2
  local line
  if line="$("$@" 2> "$out/err")" && [ -n "$line" ]; then
    printf '%s\n' "$line" | tail -n 1 | sed "s/^{/{\"key\": \"$key\", \"label\": \"$label\", /" >> "$results"
  else
    echo "compare.sh: $key / $label failed: $(grep -v 'incubator modules' "$out/err" | tail -n 3)" >&2
  fi
}

if [ "$reference" = true ]; then
  run_torch() { # label batch openblas-threads torch-threads
    record "$2" "$1" "${bench_env[@]}" OPENBLAS_NUM_THREADS="$3" "$python" bench/pytorch_reference.py --workload sigmoid --batch "$2" \
      --threads "$4" --epochs "$epochs" --data "$data" --json
  }
  run_gradlab() { # label batch openblas-threads gradlab-threads [java options] [bench options]
    # shellcheck disable=SC2086
    record "$2" "$1" "${bench_env[@]}" OPENBLAS_NUM_THREADS="$3" JAVA_OPTS="${5:-}" bin/gradlab bench --batch "$2" --threads "$4" \
      --epochs "$epochs" --data "$data" --json ${6:-}
  }
  for round in $(seq 1 "$rounds"); do
    for b in $batches; do
      echo "round $round/$rounds, batch $b ..." >&2
      run_torch   "pytorch ob1 t1" "$b" 1 1
      run_gradlab "gradlab ob1 t1" "$b" 1 1
      run_torch   "pytorch ob1 t2" "$b" 1 2
      run_gradlab "gradlab ob1 t2" "$b" 1 2
      run_torch   "pytorch ob2 t1" "$b" 2 1
      run_gradlab "gradlab ob2 t1" "$b" 2 1
      run_gradlab "gradlab java t2" "$b" 1 2 "-Dgradlab.blas=java"
      run_gradlab "gradlab bare t2" "$b" 1 2 "" --no-diagnostics
    done
  done
  "$python" - "$results" "$keep_env" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by, peaks = {}, {}
for r in rows:
    by.setdefault((r["batch"], r["label"]), []).append(r["samples_per_second"])
    peaks.setdefault((r["batch"], r["label"]), []).extend(r["runs"])
if not by:
    sys.exit("compare.sh: no run gave a result (see the errors above)")
print(f"machine: {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}, "
      f"{sum(1 for l in open('/proc/cpuinfo') if l.startswith('processor'))} cores; medians of {max(len(v) for v in by.values())} rounds (samples/s); "
      + ("OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE as exported" if sys.argv[2] == "true" else "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in both sides' commands"))
print("median: the median over the rounds of each run's median epoch; peak: the fastest timed epoch of all rounds")
for batch in sorted({b for b, _ in by}, reverse=True):
    med = {label: statistics.median(v) for (b, label), v in by.items() if b == batch}
    peak = {label: max(v) for (b, label), v in peaks.items() if b == batch}
    print(f"\nbatch {batch}")
    for label in sorted(med):
        print(f"  {label:18s} median {med[label]:>10,.0f}  peak {peak[label]:>10,.0f}   runs {', '.join(f'{x:,.0f}' for x in by[(batch, label)])}")
    for name, stat in (("median", med), ("peak", peak)):
        def best(prefix):
            ks = [l for l in stat if l.startswith(prefix) and "java" not in l and "bare" not in l]
            if not ks:
                return None, None
            k = max(ks, key=lambda l: stat[l])
            return k, stat[k]
        pk, pv = best("pytorch")
        gk, gv = best("gradlab")
        if "gradlab ob1 t1" in stat and "pytorch ob1 t1" in stat:
            print(f"  {name}, 1 thread each:  gradlab / pytorch = {stat['gradlab ob1 t1'] / stat['pytorch ob1 t1']:.2f}")
        if pv is None:
            continue
        if gv is not None:
            print(f"  {name}, best of each:   gradlab / pytorch = {gv / pv:.2f}   ({gk} vs {pk})")
        if "gradlab bare t2" in stat:
            print(f"  {name}, bare step:      gradlab without its default diagnostics (2 threads) / pytorch best = {stat['gradlab bare t2'] / pv:.2f}")
        if "gradlab java t2" in stat:
            print(f"  {name}, no native BLAS: gradlab (Java kernel, 2 threads) / pytorch best = {stat['gradlab java t2'] / pv:.2f}")
PY
  exit 0
fi

gradlab_args() { # workload -> the gradlab bench arguments of its spec
  case "$1" in
    sigmoid-512) echo "--batch 512" ;;
    sigmoid-64) echo "--batch 64" ;;
    relu|adam|skip|batchnorm) echo "examples/m05/$1.yaml" ;;
    lstm) echo "examples/rnn/fashion-lstm.yaml" ;;
    gru) echo "examples/rnn/fashion-gru.yaml" ;;
    resnet20) echo "examples/resnet/resnet20.yaml --set data.source.subset=embedded" ;;
    *) return 1 ;;
  esac
}
IFS=',' read -r -a chosen <<< "$workloads"
for w in "${chosen[@]}"; do
  if ! gradlab_args "$w" > /dev/null; then
    echo "compare.sh: unknown workload '$w'; known: $all_workloads" >&2
    exit 2
  fi
done

torch_threads() { # workload -> PyTorch's fastest thread count for it here
  case "$1" in
    resnet20) echo 2 ;;
    *) echo 1 ;;
  esac
}
run_torch() { # workload
  record "$1" pytorch "${bench_env[@]}" OPENBLAS_NUM_THREADS=1 "$python" bench/pytorch_reference.py --workload "$1" --threads "$(torch_threads "$1")" \
    --epochs "$epochs" --data "$data" --json
}
run_gradlab() { # workload label [bench options]
  # shellcheck disable=SC2046
  local data_args=(--data "$data")
  case "$1" in
    lstm|gru|resnet20) data_args=() ;; # their specs train on the embedded subset, which reads no folder (--data is refused)
  esac
  record "$1" "$2" "${bench_env[@]}" OPENBLAS_NUM_THREADS=1 bin/gradlab bench $(gradlab_args "$1") --epochs "$epochs" "${data_args[@]}" \
    --json ${3:-}
}

for round in $(seq 1 "$rounds"); do
  for w in "${chosen[@]}"; do
    echo "round $round/$rounds, $w ..." >&2
    if [ $((round % 2)) -eq 1 ]; then
      run_torch "$w"
      run_gradlab "$w" gradlab
    else
      run_gradlab "$w" gradlab
      run_torch "$w"
    fi
    if [ "$bare" = true ]; then
      run_gradlab "$w" "gradlab bare" --no-diagnostics
    fi
  done
done

"$python" - "$results" "$workloads" "$bare" "$keep_env" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
workloads = sys.argv[2].split(",")
bare = sys.argv[3] == "true"
by = {}
for r in rows:
    by.setdefault((r["key"], r["label"]), []).append(r)

def median(key, label):
    rs = by.get((key, label), [])
    return statistics.median(r["samples_per_second"] for r in rs) if rs else None

def fmt(v):
    return f"{v:>12,.0f}" if v is not None else f"{'no result':>12}"

cpu = open('/proc/cpuinfo').read()
print(f"machine: {cpu.split('model name')[1].split(':')[1].splitlines()[0].strip()}, "
      f"{sum(1 for l in cpu.splitlines() if l.startswith('processor'))} cores; "
      + ("OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE as exported" if sys.argv[4] == "true" else "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in both sides' commands"))
print("samples/s: the median over the rounds of each run's median timed epoch; gradlab with the default diagnostics of every run,"
      " PyTorch with 1 thread (OPENBLAS_NUM_THREADS=1)")
head = f"| {'workload':12} | {'gradlab':>12} | {'PyTorch':>12} | {'ratio':>6} |"
sep = f"|{'-' * 14}|{'-' * 13}:|{'-' * 13}:|{'-' * 7}:|"
if bare:
    head += f" {'gradlab bare':>12} | {'bare ratio':>10} |"
    sep += f"{'-' * 13}:|{'-' * 11}:|"
print(head)
print(sep)
for w in workloads:
    g, p = median(w, "gradlab"), median(w, "pytorch")
    ratio = f"{g / p:6.2f}" if g and p else f"{'-':>6}"
    line = f"| {w:12} | {fmt(g)} | {fmt(p)} | {ratio} |"
    if bare:
        gb = median(w, "gradlab bare")
        bare_ratio = f"{gb / p:10.2f}" if gb and p else "-".rjust(10)
        line += f" {fmt(gb)} | {bare_ratio} |"
    print(line)
print()
for w in workloads:
    for label in ("gradlab", "gradlab bare", "pytorch"):
        rs = by.get((w, label), [])
        if rs:
            runs = ", ".join(f"{r['samples_per_second']:,.0f}" for r in rs)
            extra = ""
            if label.startswith("gradlab"):
                extra = f"  [{rs[-1]['workload']}, batch {rs[-1]['batch']}, {rs[-1]['samples_per_run']} samples per epoch, {rs[-1]['kernels']}]"
            else:
                extra = f"  [batch {rs[-1]['batch']}, {rs[-1]['samples']} samples per epoch, {rs[-1]['framework']}]"
            print(f"  {w:12} {label:13} rounds: {runs}{extra}")
            trips = [r.get("core_round_trip_ns") or [] for r in rs] if label.startswith("gradlab") else []
            if any(trips):
                print(f"  {w:12} {label:13} core round trip (ns, before/after each round): "
                      + ", ".join("/".join(f"{t:.0f}" for t in ts) or "-" for ts in trips))
# how far one series can be trusted: the ratio round by round (the runs of a round are interleaved) and the
# spread of each side's rounds; on a host that shares its cores a 2-thread run moves by tens of percent
unsettled = []
for w in workloads:
    gs = [r["samples_per_second"] for r in by.get((w, "gradlab"), [])]
    ps = [r["samples_per_second"] for r in by.get((w, "pytorch"), [])]
    if gs and ps:
        per_round = [g / p for g, p in zip(gs, ps)]
        print(f"  {w:12} ratio per round: {', '.join(f'{x:.2f}' for x in per_round)}")
        # per placement of the vCPUs in each round (gradlab's core round trips, before and after its run: near
        # when their median is under 300 ns, as bench/ab.sh counts); a 2-thread run depends on it
        places = {}
        for r, x in zip(by.get((w, "gradlab"), []), per_round):
            ts = r.get("core_round_trip_ns") or []
            if ts:
                places.setdefault("near" if statistics.median(ts) < 300 else "far", []).append(x)
        if places:
            print(f"  {w:12} ratio by placement: " + ", ".join(
                f"{k} {statistics.median(v):.2f} ({len(v)} round{'s' if len(v) > 1 else ''})" for k, v in sorted(places.items())))
        spread = max((max(v) - min(v)) / statistics.median(v) for v in (gs, ps))
        if len(per_round) > 1 and spread > 0.25:
            unsettled.append(f"{w} ({spread:.0%})")
if unsettled:
    print("\nnote: the rounds of " + ", ".join(unsettled) + " spread by more than 25% of their median: this series does not settle"
          " the ratio; run more rounds (--rounds 5 or more) on a quieter host")
PY
