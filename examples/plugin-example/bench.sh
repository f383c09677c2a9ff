#!/usr/bin/env bash
# Times the example plugin's activation in training, beside the built-in sigmoid: `gradlab bench` trains
# the example spec (784 -> 3 x 128 -> 10 on the embedded FashionMNIST subset, float32, SGD) once with each
# activation (--set model.architecture.activation=...), through the engine's kernels exactly as
# `gradlab run` does, and prints samples/s and milliseconds per step. The difference between the two is
# what bent-identity's forward and backward passes cost in 3 layers of [batch x 128] against the sigmoid's.
#
# Needs gradlab built (./mvnw -B package -DskipTests in the project root) and the plugin built
# (mvn -B -f examples/plugin-example/pom.xml package; verify.sh does both).
# Usage: examples/plugin-example/bench.sh [STEPS] [BATCH]   (defaults 5 and 512: the embedded subset has 9 full steps of 512)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
steps=${1:-5}
batch=${2:-512}
pluginjar="$here/target/gradlab-bent-identity-1.0.0.jar"

fail() { printf 'bench.sh: %s\n' "$*" >&2; exit 1; }
[[ -f "$pluginjar" ]] || fail "$pluginjar is missing: build the plugin first (mvn -B -f examples/plugin-example/pom.xml package)"
[[ -f "$root/app-cli/target/gradlab-cli.jar" ]] || fail "gradlab is not built: run ./mvnw -B package -DskipTests in $root"

plugins=$(mktemp -d "${TMPDIR:-/tmp}/gradlab-plugin-bench.XXXXXX")
trap 'rm -rf "$plugins"' EXIT
cp "$pluginjar" "$plugins/"

printf 'gradlab bench --steps %s --batch %s --no-diagnostics, 5 timed runs after the JIT warm-up\n' "$steps" "$batch"
for activation in sigmoid bent-identity; do
    json=$("$root/bin/gradlab" --plugins-dir "$plugins" bench "$here/spec.yaml" --set "model.architecture.activation=$activation" \
        --steps "$steps" --batch "$batch" --no-diagnostics --json 2>/dev/null) || fail "gradlab bench with $activation failed"
    rate=$(grep -o '"samples_per_second":[0-9.]*' <<<"$json" | cut -d: -f2)
    kernels=$(grep -o '"kernels":"[^"]*"' <<<"$json" | cut -d'"' -f4)
    awk -v a="$activation" -v r="$rate" -v b="$batch" 'BEGIN { printf "  %-14s %10.0f samples/s  %7.2f ms per step\n", a, r, 1000 * b / r }'
done
printf '  kernels: %s\n' "$kernels"
