#!/usr/bin/env bash
# Runs gradlab's and PyTorch's reference workload side by side and prints the ratios.
#
#   bench/compare.sh [--rounds N] [--epochs N] [--batches "512 64"] [--data DIR]
#
# Workload: 784 -> 7 x 128 sigmoid -> 10, softmax cross-entropy, plain SGD (lr 0.01), float32, epochs
# of FashionMNIST (60000 samples; one warm-up and --epochs timed epochs per run, default 2). Each round
# runs every configuration once, interleaved, so that a busy machine slows both sides alike. Reported:
# the median over the rounds (of each run's median epoch), and the peak (the fastest epoch of all rounds:
# what each side does while it has the cores to itself).
#
# Configurations (OpenBLAS reads OPENBLAS_NUM_THREADS when the process starts):
#   1 thread : OPENBLAS_NUM_THREADS=1 with torch.set_num_threads(1), and gradlab --threads 1
#   best     : PyTorch's best of (OPENBLAS 1, torch 1), (OPENBLAS 1, torch 2), (OPENBLAS 2, torch 1);
#              gradlab's best of (OPENBLAS 1, --threads 2) and (OPENBLAS 2, --threads 1)
#   no native: gradlab with -Dgradlab.blas=java (its Vector API kernel), 2 threads
#   bare step: gradlab --no-diagnostics, 2 threads (every other gradlab figure runs the default diagnostics
#              of every run with the steps; PyTorch runs none)
# Needs: a built gradlab (mvn -B package -DskipTests), python3-torch (apt-get install -y python3-torch),
# FashionMNIST (apt-get install -y dataset-fashion-mnist).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
epochs=2
batches="512 64"
data=/usr/share/datasets/fashion-mnist
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

python=/usr/bin/python3 # Debian's python3-torch installs into the system Python
if ! "$python" -c 'import torch' 2> /dev/null; then
  echo "compare.sh: PyTorch is not installed for $python: apt-get install -y python3-torch" >&2
  exit 3
fi
if [ ! -f app-cli/target/gradlab-cli.jar ]; then
  echo "compare.sh: gradlab is not built: mvn -B package -DskipTests" >&2
  exit 3
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
results="$out/results.jsonl"

run_torch() { # label batch openblas-threads torch-threads
  OPENBLAS_NUM_THREADS="$3" "$python" bench/pytorch_reference.py --batch "$2" --threads "$4" --epochs "$epochs" --data "$data" --json \
    | sed "s/^{/{\"label\": \"$1\", /" >> "$results"
}
run_gradlab() { # label batch openblas-threads gradlab-threads [java options] [bench options]
  OPENBLAS_NUM_THREADS="$3" JAVA_OPTS="${5:-}" bin/gradlab bench --batch "$2" --threads "$4" --epochs "$epochs" --data "$data" --json ${6:-} 2> /dev/null \
    | sed "s/^{/{\"label\": \"$1\", /" >> "$results"
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

"$python" - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by, peaks = {}, {}
for r in rows:
    by.setdefault((r["batch"], r["label"]), []).append(r["samples_per_second"])
    peaks.setdefault((r["batch"], r["label"]), []).extend(r["runs"])
print(f"machine: {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}, "
      f"{sum(1 for l in open('/proc/cpuinfo') if l.startswith('processor'))} cores; medians of {max(len(v) for v in by.values())} rounds (samples/s)")
print("median: the median over the rounds of each run's median epoch; peak: the fastest timed epoch of all rounds")
for batch in sorted({b for b, _ in by}, reverse=True):
    med = {label: statistics.median(v) for (b, label), v in by.items() if b == batch}
    peak = {label: max(v) for (b, label), v in peaks.items() if b == batch}
    print(f"\nbatch {batch}")
    for label in sorted(med):
        print(f"  {label:18s} median {med[label]:>10,.0f}  peak {peak[label]:>10,.0f}   runs {', '.join(f'{x:,.0f}' for x in by[(batch, label)])}")
    for name, stat in (("median", med), ("peak", peak)):
        def best(prefix):
            k = max((l for l in stat if l.startswith(prefix) and "java" not in l and "bare" not in l), key=lambda l: stat[l])
            return k, stat[k]
        pk, pv = best("pytorch")
        gk, gv = best("gradlab")
        print(f"  {name}, 1 thread each:  gradlab / pytorch = {stat['gradlab ob1 t1'] / stat['pytorch ob1 t1']:.2f}")
        print(f"  {name}, best of each:   gradlab / pytorch = {gv / pv:.2f}   ({gk} vs {pk})")
        if "gradlab bare t2" in stat:
            print(f"  {name}, bare step:      gradlab without its default diagnostics (2 threads) / pytorch best = {stat['gradlab bare t2'] / pv:.2f}")
        if "gradlab java t2" in stat:
            print(f"  {name}, no native BLAS: gradlab (Java kernel, 2 threads) / pytorch best = {stat['gradlab java t2'] / pv:.2f}")
PY
